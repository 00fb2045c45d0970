#!/usr/bin/env python3
"""The polynomial coefficients of Rng::sincos_2pi (engine/rng.hpp) and of vecmath::exp and
vecmath::log (engine/vecmath.hpp), and each polynomial's own error (docs/performance.md,
"Fourth round"). Needs mpmath; takes a few minutes.

    python3 bench/minimax_fit.py

sin(pi t / 2) = t S(t^2) and cos(pi t / 2) = 1 + t^2 C(t^2) on t in [-1/2, 1/2], and
2 atanh(s) / s = 2 + s^2 L(s^2) on |s| <= (sqrt 2 - 1) / (sqrt 2 + 1), by Remez exchange (S with
relative weight); e^r = 1 + r + r^2 Q(r) on [-ln2/2, ln2/2] by Chebyshev interpolation.
Coefficients are printed lowest degree first, rounded to double, as C hex literals.
"""
import mpmath as mp


def remez(f, w, a, b, n, iters=30, grid=1500):
    """Polynomial c (lowest degree first) of degree n minimising max |w(x) (f(x) - c(x))| on
    [a, b], and that maximum, by Remez exchange on a grid of grid + 1 points."""
    m = n + 2
    xs = [(a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * (m - 1 - j) / (m - 1)) for j in range(m)]
    pts = [a + (b - a) * mp.mpf(i) / grid for i in range(grid + 1)]
    c, worst = None, None
    for _ in range(iters):
        A = mp.matrix(m, m)
        y = mp.matrix(m, 1)
        for j, x in enumerate(xs):
            for i in range(n + 1):
                A[j, i] = x**i
            A[j, n + 1] = (-1) ** j / w(x)
            y[j] = f(x)
        sol = mp.lu_solve(A, y)
        c = [sol[i] for i in range(n + 1)]
        err = [w(x) * (f(x) - mp.polyval(c[::-1], x)) for x in pts]
        worst = max(abs(e) for e in err)
        # Local extrema of the error, then one per run of equal sign (the largest).
        ext = [(pts[i], e) for i, e in enumerate(err)
               if (i == 0 or abs(e) >= abs(err[i - 1]))
               and (i == len(err) - 1 or abs(e) >= abs(err[i + 1]))]
        alt = []
        for x, e in ext:
            if alt and mp.sign(alt[-1][1]) == mp.sign(e):
                if abs(e) > abs(alt[-1][1]):
                    alt[-1] = (x, e)
            else:
                alt.append((x, e))
        while len(alt) > m:
            alt.pop(0 if abs(alt[0][1]) < abs(alt[-1][1]) else -1)
        if len(alt) < m:
            break
        xs = [x for x, _ in alt]
    return c, worst


def hexes(c):
    return ", ".join(float(x).hex() for x in c)


def main():
    mp.mp.dps = 50
    hp = mp.pi / 2
    sin_t = lambda z: mp.sin(hp * mp.sqrt(z)) / mp.sqrt(z) if z > 0 else hp  # noqa: E731
    c, e = remez(sin_t, lambda z: 1 / sin_t(z), mp.mpf("1e-30"), mp.mpf(1) / 4, 6)
    print(f"sin: S degree 6, relative error {mp.nstr(e, 3)}\n  {hexes(c)}")
    cos_t = lambda z: (mp.cos(hp * mp.sqrt(z)) - 1) / z if z > 0 else -hp**2 / 2  # noqa: E731
    c, e = remez(cos_t, lambda z: mp.mpf(1), mp.mpf(0), mp.mpf(1) / 4, 6)
    print(f"cos: C degree 6, error of cos below {mp.nstr(e / 4, 3)}\n  {hexes(c)}")
    zm = ((mp.sqrt(2) - 1) / (mp.sqrt(2) + 1)) ** 2
    atanh_s = (lambda z: (2 * mp.atanh(mp.sqrt(z)) / mp.sqrt(z) - 2) / z  # noqa: E731
               if z > 0 else mp.mpf(2) / 3)
    c, e = remez(atanh_s, lambda z: mp.mpf(1), mp.mpf(0), zm, 6)
    print(f"log: L degree 6, relative error of p below {mp.nstr(e * zm / 2, 3)}\n  {hexes(c)}")
    h = mp.log(2) / 2
    q = lambda r: (mp.exp(r) - 1 - r) / r**2 if r != 0 else mp.mpf(1) / 2  # noqa: E731
    c = mp.chebyfit(q, [-h, h], 10)[::-1]
    worst = max(abs((1 + r + r * r * mp.polyval(c[::-1], r)) / mp.exp(r) - 1)
                for r in (-h + 2 * h * i / 2000 for i in range(2001)))
    print(f"exp: Q degree 9, relative error {mp.nstr(worst, 3)}\n  {hexes(c)}")


if __name__ == "__main__":
    main()
