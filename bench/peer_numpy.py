#!/usr/bin/python3
"""Numpy peer of nisim's yearly firm update (the BM_FirmUpdate benchmark).

The same per-year equations as models/firms.cpp (update_firm_rows, KernelConstants,
update_chunk; docs/model.md eqs. 3.2a-e, 3.3a-c, 3.4a-c and e, 3.6a, 3.8e, 3.9d) on the same
struct-of-arrays firm table (FirmTable in models/firms.hpp: same columns, same dtypes),
written as fast as numpy honestly allows:

* the table is updated in blocks of `block` rows (16,384 by default, chosen by measurement,
  docs/performance.md), so that each of the ~70 whole-array passes of a block works on
  operands in the core's L2 cache instead of streaming the whole table through memory
  ~70 times;
* every pass is an in-place ufunc with ``out=`` into scratch allocated once (no temporaries);
* the per-sector and per-site terms of the year are folded into small tables once per update
  (as KernelConstants does) and looked up with one ``np.take`` per table and block;
* float64 throughout, and numpy's own ``Generator`` filling preallocated arrays:
  per firm two standard normals (TFP shock, line-gain noise) and one uniform (exit), as nisim.

It is not meant to reproduce nisim's numbers draw for draw: nisim keys one Philox block to
each firm-year and takes both normals from one Box-Muller pair; this peer draws from one
``np.random.Generator`` stream (PCG64 by default). Everything else -- parameters, initial
population, the benchmark's set-up (year 2017, n firms, 10.65 n persons engaged) and the in-place
repetition of the update -- follows nisim. The land market and the demand side are not part of
the peer: its environment has every site's floor factor 1, rents at base and last year's
prices at their base level, which changes values, not the work per firm.

    /usr/bin/python3 bench/peer_numpy.py --firms 1000000 --repeats 3

prints firm updates per second, best of the repeats after one warm-up update.
"""
from __future__ import annotations

import argparse
import math
import time

import numpy as np

from peer_numpy_table import (  # the peer's table and parameters (bench/peer_numpy_table.py)
    DEFAULT_SECTORS, FIRST_STRATEGIC_SECTOR, INDUSTRIAL_BUILDINGS, INNOPARK_ESTATES, N_SECTORS,
    N_SITES, SECTOR_NAMES, Environment, FirmTable, Params, SectorParams, environment, series_at,
    synthesise_firms)

__all__ = [  # the update and its benchmark, and the table and parameters it re-exports
    "DEFAULT_BLOCK", "DEFAULT_NORMALS", "DEFAULT_SECTORS", "FIRST_STRATEGIC_SECTOR",
    "INDUSTRIAL_BUILDINGS", "INNOPARK_ESTATES", "N_SECTORS", "N_SITES", "NORMALS", "SECTOR_NAMES",
    "Environment", "FirmTable", "FirmUpdate", "Params", "SectorParams", "benchmark_setup",
    "environment", "measure", "restore", "series_at", "synthesise_firms"]

DEFAULT_BLOCK = 16_384  # rows per block: docs/performance.md, "numpy peer"
NORMALS = ("box-muller", "ziggurat")  # how the two normals per firm are drawn (FirmUpdate)
DEFAULT_NORMALS = "box-muller"


class FirmUpdate:
    """The yearly firm update (update_firm_rows in models/firms.cpp) for tables of up to n
    rows, block by block, with every scratch array allocated once.

    `rng` is anything with numpy Generator's ``random(out=)`` (and ``standard_normal(out=)``
    for ziggurat normals). Per block of m rows and per firm, two standard normals (TFP shock
    eta_A, line-gain noise eta_nu) and one uniform (exit):

    * ``normals="box-muller"`` (default, as nisim): one ``random`` call fills 3m uniforms
      [u_1 | u_2 | u_exit]; eta_A = R cos(2 pi u_2), eta_nu = R sin(2 pi u_2) with
      R = sqrt(-2 ln(1 - u_1)) (1 - u_1 is in (0, 1]);
    * ``normals="ziggurat"``: ``standard_normal`` fills 2m normals [eta_A | eta_nu], then
      ``random`` m uniforms u_exit."""

    # Rows of the per-sector table (one np.take per block gives all of them).
    _BY_SECTOR = ("drift", "log_y_star_0", "lam_inv_rts", "lam_c_l", "lam_c_k", "alpha", "beta",
                  "log_price", "wage", "log_value_0")

    def __init__(self, n: int, p: Params, rng, block: int = DEFAULT_BLOCK,
                 normals: str = DEFAULT_NORMALS) -> None:
        if not 0 <= p.line_max <= 64:
            raise ValueError("line_max must be in 0..64 (smart_lines.max_per_firm's range)")
        if normals not in NORMALS:
            raise ValueError(f"normals must be one of {NORMALS}")
        self.p = p
        self.rng = rng
        self.normals = normals
        self.block = b = max(1, min(int(block), max(n, 1)))
        f8 = lambda: np.empty(b)  # noqa: E731
        self._z = np.empty(2 * b)  # the block's normals: TFP shocks, then line-gain noise
        self._u = np.empty(3 * b)  # uniforms: Box-Muller radius and angle, then exit
        self._t, self._t2, self._log_l, self._log_k, self._log_y = f8(), f8(), f8(), f8(), f8()
        self._profit, self._ck = f8(), f8()
        self._zeros = np.zeros(b)  # max(x, 0) against an array: faster than against a scalar
        self._sector_idx = np.empty(b, dtype=np.intp)
        self._site_idx = np.empty(b, dtype=np.intp)
        self._cell_idx = np.empty(b, dtype=np.intp)  # sector * N_SITES + site
        self._n_next = np.empty(b, dtype=np.intp)  # lines + projects
        self._n_next_f = f8()  # the same as float64
        self._age_idx = np.empty(b, dtype=np.intp)
        self._by_sector = np.empty((len(self._BY_SECTOR), b))
        self._floor_pw, self._rent_x = f8(), f8()
        self._b1 = np.empty(b, dtype=bool)
        self._b2 = np.empty(b, dtype=bool)
        self._b3 = np.empty(b, dtype=bool)
        young = int(p.young_age)
        # Exit hazard by age after ageing (eq. 3.3c), ages clipped onto the last (mature) entry.
        self.hazard_by_age = np.where(np.arange(max(young, 0) + 1) < young,
                                      p.exit_hazard_young, p.exit_hazard_mature)

    def constants(self, env: Environment) -> dict:
        """The year's constants (KernelConstants in models/firms.cpp) and lookup tables."""
        p = self.p
        lam = p.adjust_speed
        rho = p.discount_rate
        annuity = (1.0 - (1.0 + rho) ** -p.line_horizon) / rho if rho > 0.0 else p.line_horizon
        sn = p.line_noise_sigma
        tab = np.zeros((len(self._BY_SECTOR), N_SECTORS))
        row = {name: tab[k] for k, name in enumerate(self._BY_SECTOR)}
        log_u = math.log(p.user_cost)
        for s in range(N_SECTORS):
            a, b, v = p.tech(s)
            rts = 1.0 - a - b
            w = env.wage * v
            log_w = math.log(w)
            c0 = a * (math.log(a) - log_u) + b * (math.log(b) - log_w)  # eq. 3.2b
            row["drift"][s] = p.tfp_drift + p.sectors[s].tfp_drift_extra + env.tfp_bonus
            row["log_y_star_0"][s] = env.log_price[s] + c0  # eq. 3.2b numerator less ln A
            row["lam_inv_rts"][s] = lam / rts
            row["lam_c_l"][s] = lam * (math.log(b) - log_w)  # ln L* = ln(beta/w) + ln Y*
            row["lam_c_k"][s] = lam * (math.log(a) - log_u)  # ln K* = ln(alpha/u) + ln Y*
            row["alpha"][s], row["beta"][s] = a, b
            row["log_price"][s] = env.log_price[s]
            row["wage"][s] = w
            # eq. 3.4b in logs: ln(a(H, rho) (1 - alpha - beta)) - sn^2/2.
            row["log_value_0"][s] = math.log(annuity * rts) - 0.5 * sn * sn
        floor = np.array([q.floor_per_worker for q in p.sectors])
        # eq. 3.6a, 3.6d: per-worker floor space by (sector, site) cell.
        floor_by_cell = np.outer(floor, np.asarray(env.floor_factor, dtype=float)).ravel()
        # eq. 3.4a in logs by k = lines + projects (0..255): ln g_1 + k ln(delta) below the cap,
        # -inf from it on (and for k >= 1 when delta = 0).
        k = np.arange(256)
        with np.errstate(divide="ignore"):
            log_gain = np.full(256, -np.inf)
            if p.line_output_gain > 0.0:
                if p.line_gain_decay > 0.0:
                    log_gain = math.log(p.line_output_gain) + k * math.log(p.line_gain_decay)
                else:
                    log_gain[0] = math.log(p.line_output_gain)
            log_gain = np.where(k < p.line_max, log_gain, -np.inf)
        net_cost = p.line_cost - env.line_grant
        neg_inf = -math.inf
        return {
            "by_sector": tab, "floor_by_cell": floor_by_cell,
            "rent_extra": np.asarray(env.rent_extra, dtype=float), "log_gain": log_gain,
            "log_net_cost": math.log(net_cost) if net_cost > 0.0 else neg_inf,
            "log_cost": math.log(p.line_cost) if p.line_cost > 0.0 else neg_inf,
            "line_floor": env.line_floor, "project_limit": env.project_limit,
        }

    def __call__(self, f: FirmTable, env: Environment) -> None:
        k = self.constants(env)
        n = len(f)
        for s in range(0, n, self.block):
            self._update_block(f, s, min(n, s + self.block), k)

    def _update_block(self, f: FirmTable, begin: int, end: int, k: dict) -> None:
        p = self.p
        m = end - begin
        sl = slice(begin, end)
        la, L, K, cash = f.log_tfp[sl], f.employment[sl], f.capital[sl], f.cash[sl]
        va, floor_space = f.value_added[sl], f.floor_space[sl]
        sector, site, lines, projects = f.sector[sl], f.site[sl], f.smart_lines[sl], f.projects[sl]
        age, ramp_years = f.age[sl], f.ramp_years[sl]
        z_tfp, z_line = self._z[:m], self._z[m:2 * m]
        t, t2, log_l, log_k, log_y = (self._t[:m], self._t2[:m], self._log_l[:m],
                                      self._log_k[:m], self._log_y[:m])
        profit, ck, zeros = self._profit[:m], self._ck[:m], self._zeros[:m]
        si, wi, ci, nn, ai = (self._sector_idx[:m], self._site_idx[:m], self._cell_idx[:m],
                              self._n_next[:m], self._age_idx[:m])
        b1, b2, b3 = self._b1[:m], self._b2[:m], self._b3[:m]
        lam, sn, credit = p.adjust_speed, p.line_noise_sigma, p.credit_limit

        # Lookups: every per-sector term in one take, floor space per worker by (sector, site)
        # cell, rent above base by site (lookup_sector_site in models/firms.cpp).
        np.copyto(si, sector)
        np.copyto(wi, site)
        np.multiply(si, N_SITES, out=ci)
        ci += wi
        g = self._by_sector[:, :m]
        np.take(k["by_sector"], si, axis=1, out=g, mode="wrap")
        drift, log_y_star_0, lam_inv_rts, lam_c_l, lam_c_k, alpha, beta, log_price, wage, \
            log_value_0 = g
        np.take(k["floor_by_cell"], ci, out=self._floor_pw[:m], mode="wrap")
        np.take(k["rent_extra"], wi, out=self._rent_x[:m], mode="wrap")
        floor_pw, rent_x = self._floor_pw[:m], self._rent_x[:m]

        # Section 2.3: two normals and one uniform per firm.
        if self.normals == "box-muller":
            self.rng.random(out=self._u[:3 * m])
            radius, angle, u = self._u[:m], self._u[m:2 * m], self._u[2 * m:3 * m]
            np.subtract(1.0, radius, out=radius)
            np.log(radius, out=radius)
            radius *= -2.0
            np.sqrt(radius, out=radius)
            angle *= 2.0 * math.pi
            np.cos(angle, out=z_tfp)
            np.sin(angle, out=z_line)
            z_tfp *= radius
            z_line *= radius
        else:
            self.rng.standard_normal(out=self._z[:2 * m])
            u = self._u[:m]
            self.rng.random(out=u)

        # eq. 3.2a: log TFP random walk with drift.
        z_tfp *= p.tfp_sigma
        z_tfp += drift
        la += z_tfp
        # eq. 3.2b: ln Y* = (ln A + ln p + c0) / (1 - alpha - beta); t = lambda ln Y*.
        np.add(la, log_y_star_0, out=t)
        t *= lam_inv_rts
        # eq. 3.2c-d: ln X += lambda (ln X* - ln X), X* from eq. 3.2c, for X = L and K.
        np.log(L, out=log_l)
        log_l *= 1.0 - lam
        log_l += lam_c_l
        log_l += t
        np.log(K, out=log_k)
        log_k *= 1.0 - lam
        log_k += lam_c_k
        log_k += t
        np.exp(log_l, out=L)
        np.exp(log_k, out=K)
        # eq. 3.2e at the planned price: ln pY = ln p + ln A + alpha ln K + beta ln L.
        np.multiply(alpha, log_k, out=log_y)
        log_y += la
        log_l *= beta
        log_y += log_l
        log_y += log_price
        # eq. 3.8e: a plant in its ramp-up years (R > 1) produces the share min(1, (a + 2) / R)
        # of it, a the age before this year's ageing; 1 for every other firm. Plants are rare
        # (none in the benchmark's population), so only their rows are computed.
        np.exp(log_y, out=va)
        np.greater(ramp_years, 1, out=b3)
        if b3.any():
            plants = np.flatnonzero(b3)
            va[plants] *= np.minimum(1.0, (age[plants] + 2.0) / ramp_years[plants])

        # eq. 3.6a: floor space for workers and for lines held or in progress.
        np.add(lines, projects, out=nn, dtype=np.intp)  # uint8 + uint8 without wrapping
        nnf = self._n_next_f[:m]
        np.copyto(nnf, nn)
        np.multiply(floor_pw, L, out=floor_space)
        np.multiply(nnf, k["line_floor"], out=t)
        floor_space += t
        # eq. 3.3a: profit after wages, the user cost of capital and rent above base.
        np.multiply(wage, L, out=profit)
        np.subtract(va, profit, out=profit)
        np.multiply(K, p.user_cost, out=t)
        profit -= t
        np.multiply(rent_x, floor_space, out=t)
        profit -= t
        # eq. 3.3b: the retained share of positive profit (all of a loss) goes to cash.
        np.maximum(profit, zeros, out=t)
        t *= p.payout
        cash += profit
        cash -= t
        np.multiply(K, credit, out=ck)
        ck += cash  # C + kappa K: eqs. 3.3c and 3.4c

        # eq. 3.4b in logs: ln V = ln pY + ln(a (1-alpha-beta) g_k) + sn eta - sn^2/2.
        z_line *= sn
        z_line += log_y
        z_line += log_value_0
        np.take(k["log_gain"], nn, out=t, mode="clip")
        z_line += t
        # eq. 3.4c: worth it at the grant, can pay the whole cost, room for a project.
        np.greater(z_line, k["log_net_cost"], out=b1)
        np.greater_equal(ck, p.line_cost, out=b2)
        b1 &= b2
        np.less(projects, k["project_limit"], out=b2)
        b1 &= b2
        # eq. 3.4e: lines from the next on that pay without a grant, at most those to the cap.
        surplus = z_line
        surplus -= k["log_cost"]
        np.greater(surplus, 0.0, out=b2)
        np.subtract(float(p.line_max), nnf, out=t2)  # lines left to the cap
        decay = p.line_gain_decay
        if 0.0 < decay < 1.0:
            np.multiply(surplus, -1.0 / math.log(decay), out=t)
            np.floor(t, out=t)
            t += 1.0
            np.minimum(t, t2, out=t)
        elif decay == 1.0:
            np.copyto(t, t2)
        else:  # delta = 0: only the next line can pay
            np.minimum(t2, 1.0, out=t)
        np.logical_not(b2, out=b3)
        np.copyto(t, 0.0, where=b3)  # o = 0 unless V > c
        t += 1.0
        t *= b1  # line_plan: 0 without a plan, 1 + o with one
        np.copyto(f.line_plan[sl], t, casting="unsafe")

        # eq. 3.3c: ageing, then exit by hazard or insolvency beyond the credit limit.
        age += 1
        np.copyto(ai, age)
        np.take(self.hazard_by_age, ai, out=t, mode="clip")  # ages past a_Y clip onto h_M
        np.less(u, t, out=b2)
        np.less(ck, 0.0, out=b3)
        b2 |= b3
        np.copyto(f.exiting[sl], b2)
        # Grants received and lines completed are the year's flows, zero from the year's end
        # until section 4.1 sets them (remove_exits clears them in nisim): not written here.


def benchmark_setup(n: int, seed: int = 1, block: int = DEFAULT_BLOCK,
                    normals: str = DEFAULT_NORMALS) -> tuple[FirmTable, Environment, FirmUpdate]:
    """BM_FirmUpdate's set-up (bench/firm_update_bench.cpp): Params defaults with
    firm_count = n and employment = 10.65 n, the base-year population, then the 2017 environment."""
    # As BM_FirmUpdate: no TFP drift, so log TFP is a driftless random walk over the updates.
    p = Params(firm_count=n, employment=10.65 * n, tfp_drift=0.0)
    rng = np.random.default_rng(seed)
    firms, w0 = synthesise_firms(p, rng)
    env = environment(2017, w0, p)
    return firms, env, FirmUpdate(n, p, rng, block, normals)


def restore(dst: FirmTable, src: FirmTable) -> None:
    """Copy every column of `src` into `dst` in place (same length)."""
    for name, _ in FirmTable.COLUMNS:
        np.copyto(getattr(dst, name), getattr(src, name))


def measure(n: int, repeats: int = 3, min_time: float = 0.5, seed: int = 1,
            block: int = DEFAULT_BLOCK, normals: str = DEFAULT_NORMALS,
            clock=time.perf_counter) -> float:
    """Firm updates per second: best of `repeats` after one warm-up update, timed by `clock`
    (wall time; ``time.process_time`` for CPU time on a shared machine).

    Like a Google Benchmark run of BM_FirmUpdate, each repeat starts from the freshly
    synthesised table (restored in place, not timed) and updates it again and again in place
    with the 2017 environment and new draws each update (BM_FirmUpdate advances the year, which
    keys its draws), whole updates until `min_time` seconds have passed."""
    firms, env, update = benchmark_setup(n, seed, block, normals)
    pristine = firms.copy()
    best = 0.0
    # With tfp_drift = 0 (as in BM_FirmUpdate) repeated updates stay finite; the errstate
    # guard only keeps a pathological draw from printing warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        update(firms, env)  # warm-up: page in the scratch arrays
        for _ in range(repeats):
            restore(firms, pristine)
            iterations = 0
            start = clock()
            while True:
                update(firms, env)
                iterations += 1
                elapsed = clock() - start
                if elapsed >= min_time:
                    break
            best = max(best, n * iterations / elapsed)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--firms", type=lambda s: int(float(s)), default=1_000_000,
                    help="number of firms n (1e6 style accepted)")
    ap.add_argument("--repeats", type=int, default=3, help="timed repeats; the best is printed")
    ap.add_argument("--min-time", type=float, default=0.5,
                    help="seconds each repeat runs at least (whole updates)")
    ap.add_argument("--block", type=int, default=DEFAULT_BLOCK,
                    help=f"rows per block (default {DEFAULT_BLOCK})")
    ap.add_argument("--normals", choices=NORMALS, default=DEFAULT_NORMALS,
                    help=f"how the two normals per firm are drawn (default {DEFAULT_NORMALS})")
    ap.add_argument("--cpu-time", action="store_true",
                    help="time by the process's CPU time instead of wall time (shared machines)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if args.firms < 1 or args.repeats < 1 or args.block < 1:
        ap.error("--firms, --repeats and --block must be positive")
    clock = time.process_time if args.cpu_time else time.perf_counter
    rate = measure(args.firms, args.repeats, args.min_time, args.seed, args.block, args.normals,
                   clock)
    print(f"{rate:.6g} firm updates/s{' of CPU time' if args.cpu_time else ''} "
          f"(numpy {np.__version__}, n = {args.firms}, block = {min(args.block, args.firms)}, "
          f"{args.normals} normals)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
