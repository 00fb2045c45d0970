"""bench/minimax_fit.py's Remez exchange: it reproduces a polynomial of its own degree, and for
e^x on [0, 1] its error is the equioscillating minimum, below Chebyshev interpolation's."""
from __future__ import annotations

import sys

import pytest

from conftest import SOURCE

mp = pytest.importorskip("mpmath", reason="bench/minimax_fit.py needs mpmath (python3-mpmath)")

sys.path.insert(0, str(SOURCE / "bench"))
import minimax_fit as mf  # noqa: E402


def test_a_polynomial_of_the_fitted_degree_is_reproduced():
    mp.mp.dps = 30
    f = lambda x: 3 - 2 * x + x**3 / 7  # noqa: E731
    c, worst = mf.remez(f, lambda x: mp.mpf(1), mp.mpf(-1), mp.mpf(1), 3, grid=200)
    assert worst < mp.mpf("1e-25")
    for got, want in zip(c, [3, -2, 0, mp.mpf(1) / 7]):
        assert abs(got - want) < mp.mpf("1e-25")


def test_exp_fit_is_locally_minimax_below_chebyshev_and_falls_with_the_degree():
    mp.mp.dps = 30
    a, b = mp.mpf(0), mp.mpf(1)
    xs = mp.linspace(a, b, 401)

    def max_err(c):
        return max(abs(mp.exp(x) - mp.polyval(c[::-1], x)) for x in xs)

    c2, e2 = mf.remez(mp.exp, lambda x: mp.mpf(1), a, b, 2, grid=400)
    _, e3 = mf.remez(mp.exp, lambda x: mp.mpf(1), a, b, 3, grid=400)
    assert abs(max_err(c2) - e2) < mp.mpf("1e-20")
    # No small change of one coefficient lowers the largest error (it equioscillates).
    for i in range(3):
        for d in (mp.mpf("1e-5"), mp.mpf("-1e-5")):
            moved = list(c2)
            moved[i] += d
            assert max_err(moved) > e2
    cheb = mp.chebyfit(mp.exp, [a, b], 3)
    assert e2 <= max(abs(mp.exp(x) - mp.polyval(cheb, x)) for x in xs)
    assert e3 < e2 / 10
