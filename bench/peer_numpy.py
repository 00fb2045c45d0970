#!/usr/bin/python3
"""Numpy peer of nisim's yearly firm update (the BM_FirmUpdate benchmark).

The same per-year equations as models/firms.cpp (update_firm_rows, KernelConstants;
docs/model.md eqs. 3.2a-e, 3.3a-c, 3.4b-d, 3.6a) on the same struct-of-arrays firm table
(FirmTable in models/firms.hpp: same columns, same dtypes), written as vectorised numpy the
way a capable economist would write it: preallocated arrays, in-place ufuncs with ``out=``,
``np.take`` for the sector and line lookups, and numpy's own ``Generator`` for the draws.

It is not meant to reproduce nisim's numbers draw for draw: nisim keys one Philox block to
each firm-year and takes both normals from one Box-Muller pair, this peer draws from
``np.random.default_rng(seed)``. Everything else -- parameters, initial population, the
benchmark's set-up (year 2017, n firms, 10.65 n persons engaged) and the in-place repetition
of the update -- follows nisim.

    /usr/bin/python3 bench/peer_numpy.py --firms 1000000 --repeats 3

prints firm updates per second, best of the repeats after one warm-up update.
"""
from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass, field

import numpy as np

# models/params.hpp: k_sector_names, k_first_strategic_sector, k_sites.
SECTOR_NAMES = (
    "food",
    "textiles_clothing",
    "printing_publishing",
    "metals_machinery",
    "electronics",
    "chemicals_plastics",
    "other",
    "life_health_tech",
    "ai_data",
    "advanced_mfg_new_energy",
)
N_SECTORS = len(SECTOR_NAMES)
FIRST_STRATEGIC_SECTOR = 7


@dataclass(frozen=True)
class SectorParams:
    """One sector's parameters (struct SectorParams, models/params.hpp)."""

    firm_share: float
    size_median: float
    entry_share: float
    tfp_drift_extra: float
    floor_per_worker: float


# Params::default_sectors() in models/params.cpp, same order as SECTOR_NAMES.
DEFAULT_SECTORS = (
    SectorParams(0.15, 5.0, 0.14, 0.0, 45.0),
    SectorParams(0.12, 5.0, 0.08, 0.0, 40.0),
    SectorParams(0.25, 4.0, 0.20, 0.0, 35.0),
    SectorParams(0.17, 4.5, 0.15, 0.0, 45.0),
    SectorParams(0.08, 6.0, 0.08, 0.0, 40.0),
    SectorParams(0.06, 5.0, 0.05, 0.0, 50.0),
    SectorParams(0.12, 4.0, 0.12, 0.0, 40.0),
    SectorParams(0.02, 8.0, 0.07, 0.0, 60.0),
    SectorParams(0.01, 8.0, 0.05, 0.0, 60.0),
    SectorParams(0.02, 8.0, 0.06, 0.0, 60.0),
)


def series_at(series: tuple[tuple[int, ...], tuple[float, ...]], year: int) -> float:
    """Value in force at `year` (Series::at, engine/params.cpp): the last point at or before
    `year`, or the first point if `year` precedes them all."""
    years, values = series
    k = int(np.searchsorted(years, year, side="right"))
    return values[max(k, 1) - 1]


@dataclass
class Params:
    """Defaults of nisim::hk::Params: scalars from the member initialisers in
    models/params.hpp, the series from Params::Params() and the sectors from
    Params::default_sectors() in models/params.cpp. Units as there (HK$ M, persons, 1/year)."""

    # Run (section 2.1)
    seed: int = 20240916
    base_year: int = 2016
    horizon: int = 2040
    # Macro (section 3.5)
    gdp_base: float = 2_418_000.0
    mfg_share_base: float = 0.011
    real_growth: tuple = (
        (2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2031),
        (0.038, 0.030, -0.017, -0.065, 0.064, -0.035, 0.032, 0.025, 0.025, 0.029, 0.025),
    )
    inflation: tuple = ((2017, 2018, 2019, 2025), (0.017, 0.037, 0.020, 0.025))
    # Labour (section 3.3)
    wage_growth: tuple = ((2017,), (0.030,))
    # Firms (sections 3.1-3.4)
    firm_count: int = 8600
    employment: float = 91_600.0
    size_sigma: float = 1.3
    alpha: float = 0.25
    beta: float = 0.60
    user_cost: float = 0.15
    tfp_drift: float = 0.0195
    tfp_sigma: float = 0.02
    adjust_speed: float = 0.3
    cash_init: float = 0.15
    payout: float = 0.6
    credit_limit: float = 0.5
    exit_hazard_young: float = 0.18
    exit_hazard_mature: float = 0.04
    young_age: int = 4
    entry_rate: float = 0.04
    entrant_size_median: float = 3.0
    entrant_size_sigma: float = 1.0
    # Smart production lines (section 3.4)
    line_cost: float = 15.0
    line_output_gain: float = 0.22
    line_gain_decay: float = 0.5
    line_max: int = 6
    line_horizon: float = 10.0
    discount_rate: float = 0.08
    line_noise_sigma: float = 0.5
    # New Industrialisation Funding Scheme (section 4.1)
    nifs_enabled: bool = True
    nifs_start: int = 2020
    nifs_end: int = 2040
    nifs_share: float = 1.0 / 3.0
    nifs_cap: float = 15.0
    sectors: tuple[SectorParams, ...] = field(default=DEFAULT_SECTORS)


@dataclass
class Environment:
    """Prices and terms every firm faces in a year (FirmEnvironment, models/firms.hpp)."""

    year: int
    wage: float  # w, HK$ M per person per year
    line_grant: float = 0.0  # grant per smart line, HK$ M


class FirmTable:
    """Struct of arrays with FirmTable's columns and dtypes (models/firms.hpp)."""

    COLUMNS = (
        ("id", np.uint64),
        ("sector", np.uint8),
        ("site", np.uint8),
        ("employment", np.float64),
        ("capital", np.float64),
        ("log_tfp", np.float64),
        ("value_added", np.float64),
        ("cash", np.float64),
        ("floor_space", np.float64),
        ("subsidy", np.float64),
        ("smart_lines", np.int32),
        ("age", np.int32),
        ("new_lines", np.uint8),
        ("exiting", np.uint8),
    )

    def __init__(self, n: int) -> None:
        for name, dtype in self.COLUMNS:
            setattr(self, name, np.zeros(n, dtype=dtype))

    def __len__(self) -> int:
        return len(self.id)

    def copy(self) -> "FirmTable":
        t = FirmTable(0)
        for name, _ in self.COLUMNS:
            setattr(t, name, getattr(self, name).copy())
        return t


def log_tfp_for_size(employment: np.ndarray, wage: float, p: Params) -> np.ndarray:
    """Log TFP at which a firm of `employment` persons is at its optimum (inverse of eqs.
    3.2b-c; log_tfp_for_size in models/firms.cpp)."""
    log_va = np.log(wage * employment / p.beta)
    c0 = p.alpha * math.log(p.alpha / p.user_cost) + p.beta * math.log(p.beta / wage)
    return (1.0 - p.alpha - p.beta) * log_va - c0


def synthesise_firms(p: Params, rng: np.random.Generator) -> tuple[FirmTable, float]:
    """Base-year population (section 3.1; synthesise_firms and init_firm_row in
    models/firms.cpp). Returns the table and the calibrated base wage w0."""
    n = int(p.firm_count)
    f = FirmTable(n)
    f.id[:] = np.arange(1, n + 1, dtype=np.uint64)
    # Sector by cumulative firm shares: the first s with u < cumulative[s] (sector_for).
    cumulative = np.cumsum([s.firm_share for s in p.sectors])
    sector = np.minimum(np.searchsorted(cumulative, rng.random(n), side="right"), N_SECTORS - 1)
    f.sector[:] = sector
    # Size lognormal around the sector median, scaled to total employment.
    log_median = np.log([s.size_median for s in p.sectors])
    size = np.exp(log_median[sector] + p.size_sigma * rng.standard_normal(n))
    size *= p.employment / size.sum()
    # eq. 3.1a: w0 = beta * s0 * GDP0 / L0 makes base value added equal s0 * GDP0.
    wage = p.beta * p.mfg_share_base * p.gdp_base / p.employment
    f.age[:] = (rng.random(n) * 30.0).astype(np.int32)  # uniform on 0..29 years
    # site_for: traditional sectors in industrial buildings (0), strategic ones in one of the
    # three innovation parks, equally likely.
    park = 1 + np.minimum(2, (rng.random(n) * 3.0).astype(np.int64))
    f.site[:] = np.where(sector < FIRST_STRATEGIC_SECTOR, 0, park)
    # init_firm_row: every firm at its optimum given its size and the wage.
    va = wage * size / p.beta  # eq. 3.2c
    f.employment[:] = size
    f.capital[:] = p.alpha * va / p.user_cost  # eq. 3.2c: K* = alpha Y* / u
    f.log_tfp[:] = log_tfp_for_size(size, wage, p)
    f.value_added[:] = va
    f.cash[:] = p.cash_init * va  # section 3.3
    floor_per_worker = np.array([s.floor_per_worker for s in p.sectors])
    f.floor_space[:] = floor_per_worker[sector] * size  # eq. 3.6a
    return f, wage


def environment(year: int, previous_wage: float, p: Params) -> Environment:
    """The year's wage and grant terms (set_environment, models/phases.cpp)."""
    wage = previous_wage * (1.0 + series_at(p.wage_growth, year))  # eq. 3.3d
    nifs_open = p.nifs_enabled and p.nifs_start <= year <= p.nifs_end
    grant = min(p.nifs_share * p.line_cost, p.nifs_cap) if nifs_open else 0.0  # eq. 4.1a
    return Environment(year, wage, grant)


class FirmUpdate:
    """The yearly firm update (update_firm_rows in models/firms.cpp) for tables of up to n
    rows, with its scratch arrays allocated once."""

    def __init__(self, n: int, p: Params, rng: np.random.Generator) -> None:
        self.p = p
        self.rng = rng
        self._z = np.empty(n)  # standard normals / uniforms
        self._t = np.empty(n)  # general scratch
        self._log_y_star = np.empty(n)
        self._log_l = np.empty(n)
        self._log_k = np.empty(n)
        self._log_y = np.empty(n)
        self._profit = np.empty(n)
        self._b1 = np.empty(n, dtype=bool)
        self._b2 = np.empty(n, dtype=bool)
        self._adopt = np.empty(n, dtype=bool)
        # Per-sector tables (KernelConstants).
        self.drift = np.array([p.tfp_drift + s.tfp_drift_extra for s in p.sectors])
        self.floor_per_worker = np.array([s.floor_per_worker for s in p.sectors])
        # Line tables by lines already installed, k = 0..64 (indices clipped at 64):
        # gain g_k = g_1 d^k below line_max, 0 at the cap; eq. 3.4d TFP step (1-a-b) ln(1+g_k).
        rts = 1.0 - p.alpha - p.beta
        k = np.arange(65)
        gain = np.where(k < p.line_max, p.line_output_gain * p.line_gain_decay ** k, 0.0)
        with np.errstate(divide="ignore"):
            self.log_gain = np.log(gain)  # -inf at the cap: never worth it
        self.dlog_tfp = rts * np.log1p(gain)
        # Exit hazard by age after ageing (eq. 3.3c): young below young_age, then mature;
        # ages beyond the table are clipped onto its last (mature) entry.
        young = int(p.young_age)
        self.hazard_by_age = np.where(np.arange(young + 1) < young,
                                      p.exit_hazard_young, p.exit_hazard_mature)

    def __call__(self, f: FirmTable, env: Environment) -> None:
        p = self.p
        n = len(f)
        z, t = self._z[:n], self._t[:n]
        log_y_star, log_l, log_k, log_y = (self._log_y_star[:n], self._log_l[:n],
                                           self._log_k[:n], self._log_y[:n])
        profit, b1, b2, adopt = self._profit[:n], self._b1[:n], self._b2[:n], self._adopt[:n]
        alpha, beta, u, w = p.alpha, p.beta, p.user_cost, env.wage
        rts = 1.0 - alpha - beta
        lam, credit = p.adjust_speed, p.credit_limit
        c0 = alpha * (math.log(alpha) - math.log(u)) + beta * (math.log(beta) - math.log(w))
        c_l = math.log(beta) - math.log(w)  # ln L* = ln(beta/w) + ln Y*   (eq. 3.2c)
        c_k = math.log(alpha) - math.log(u)  # ln K* = ln(alpha/u) + ln Y*  (eq. 3.2c)
        net_cost = p.line_cost - env.line_grant
        rho, horizon = p.discount_rate, p.line_horizon
        annuity = (1.0 - (1.0 + rho) ** -horizon) / rho if rho > 0.0 else horizon  # eq. 3.4b
        sn = p.line_noise_sigma
        # eq. 3.4b in logs: adopt iff ln Y + ln g_k + sn z > ln(C - G) - ln(a (1-a-b)) + sn^2/2.
        log_net_cost = math.log(net_cost) if net_cost > 0.0 else -math.inf
        threshold = log_net_cost - math.log(annuity * rts) + 0.5 * sn * sn

        la, L, K, cash = f.log_tfp, f.employment, f.capital, f.cash
        rng = self.rng

        # eq. 3.2a: log TFP random walk with sector drift.
        rng.standard_normal(out=z)
        z *= p.tfp_sigma
        z += np.take(self.drift, f.sector, out=t, mode="clip")
        la += z
        # eq. 3.2b: optimal log value added.
        np.add(la, c0, out=log_y_star)
        log_y_star /= rts
        # eq. 3.2c-d: log L and log K close a share lambda of the gap to their optimum.
        np.log(L, out=log_l)
        np.add(log_y_star, c_l, out=t)
        t -= log_l
        t *= lam
        log_l += t
        np.log(K, out=log_k)
        np.add(log_y_star, c_k, out=t)
        t -= log_k
        t *= lam
        log_k += t
        np.exp(log_l, out=L)
        np.exp(log_k, out=K)
        # eq. 3.2e: value added Y = A K^alpha L^beta.
        np.multiply(log_k, alpha, out=log_y)
        log_y += la
        log_y += np.multiply(log_l, beta, out=t)
        np.exp(log_y, out=f.value_added)
        # eq. 3.3a-b: profit after wages and the user cost of capital; the retained share of
        # positive profit (all of a loss) goes to cash.
        np.subtract(f.value_added, np.multiply(L, w, out=t), out=profit)
        profit -= np.multiply(K, u, out=t)
        cash += profit
        np.maximum(profit, 0.0, out=t)
        t *= p.payout
        cash -= t
        # eq. 3.4b-c: add a line if its valued gain beats its cost net of the grant (with a
        # lognormal idiosyncratic gain) and cash plus credit pays for it.
        rng.standard_normal(out=z)
        z *= sn
        z += log_y
        z += np.take(self.log_gain, f.smart_lines, out=t, mode="clip")
        np.greater(z, threshold, out=b1)
        np.multiply(K, credit, out=t)
        t += cash
        np.greater_equal(t, net_cost, out=b2)
        np.logical_and(b1, b2, out=adopt)
        # eq. 3.4d: the line raises TFP from next year; the firm pays cost less grant now.
        np.take(self.dlog_tfp, f.smart_lines, out=t, mode="clip")
        np.add(la, t, out=la, where=adopt)
        np.subtract(cash, net_cost, out=cash, where=adopt)
        np.multiply(adopt, env.line_grant, out=f.subsidy)
        np.copyto(f.new_lines, adopt)
        f.smart_lines += f.new_lines
        # eq. 3.3c: ageing, then exit by hazard or by insolvency beyond the credit limit.
        f.age += 1
        rng.random(out=z)
        np.less(z, np.take(self.hazard_by_age, f.age, out=t, mode="clip"), out=b1)
        np.multiply(K, -credit, out=t)
        np.less(cash, t, out=b2)
        np.logical_or(b1, b2, out=f.exiting)
        # eq. 3.6a: floor space.
        np.take(self.floor_per_worker, f.sector, out=f.floor_space, mode="clip")
        f.floor_space *= L


def benchmark_setup(n: int, seed: int = 1) -> tuple[FirmTable, Environment, FirmUpdate]:
    """BM_FirmUpdate's set-up (bench/firm_update_bench.cpp): Params defaults with
    firm_count = n and employment = 10.65 n, the base-year population, then the 2017 environment."""
    # As BM_FirmUpdate: no TFP drift, so repeating one year's update stays finite.
    p = Params(firm_count=n, employment=10.65 * n, tfp_drift=0.0)
    rng = np.random.default_rng(seed)
    firms, w0 = synthesise_firms(p, rng)
    env = environment(2017, w0, p)
    return firms, env, FirmUpdate(n, p, rng)


def restore(dst: FirmTable, src: FirmTable) -> None:
    """Copy every column of `src` into `dst` in place (same length)."""
    for name, _ in FirmTable.COLUMNS:
        np.copyto(getattr(dst, name), getattr(src, name))


def measure(n: int, repeats: int = 3, min_time: float = 0.5, seed: int = 1) -> float:
    """Firm updates per second: best of `repeats` after one warm-up update.

    Like a Google Benchmark run of BM_FirmUpdate, each repeat starts from the freshly
    synthesised table (restored in place, not timed) and updates it again and again in place
    with the year fixed at 2017, whole updates until `min_time` seconds have passed."""
    firms, env, update = benchmark_setup(n, seed)
    pristine = firms.copy()
    best = 0.0
    # With tfp_drift = 0 (as in BM_FirmUpdate) repeated updates stay finite; the errstate
    # guard only keeps a pathological draw from printing warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        update(firms, env)  # warm-up: page in the scratch arrays
        for _ in range(repeats):
            restore(firms, pristine)
            iterations = 0
            start = time.perf_counter()
            while True:
                update(firms, env)
                iterations += 1
                elapsed = time.perf_counter() - start
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
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if args.firms < 1 or args.repeats < 1:
        ap.error("--firms and --repeats must be positive")
    rate = measure(args.firms, args.repeats, args.min_time, args.seed)
    print(f"{rate:.6g} firm updates/s (numpy {np.__version__}, n = {args.firms})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
