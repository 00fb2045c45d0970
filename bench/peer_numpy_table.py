"""The firm table, parameters and base-year population of the numpy peer (bench/peer_numpy.py).

FirmTable has the columns and dtypes of FirmTable in models/firms.hpp; Params the defaults of
nisim::hk::Params that the firm update reads; synthesise_firms builds the base-year population
as models/firms.cpp does (section 3.1 of docs/model.md), with numpy's generator.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


# models/params.hpp: k_sector_names, k_first_strategic_sector; models/land/land.hpp: k_sites.
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
N_SITES = 6
INDUSTRIAL_BUILDINGS, INNOPARK_ESTATES = 0, 1



@dataclass(frozen=True)
class SectorParams:
    """One sector's parameters (struct SectorParams, models/params.hpp)."""

    firm_share: float
    size_median: float
    entry_share: float
    tfp_drift_extra: float
    floor_per_worker: float
    capital_elasticity: float = 0.0  # 0: firms.alpha
    labour_share: float = 0.0  # 0: firms.beta
    wage_relative: float = 1.0


# Params::default_sectors() in models/params.cpp, same order as SECTOR_NAMES.
DEFAULT_SECTORS = (
    SectorParams(0.15, 5.0, 0.14, 0.0, 45.0),
    SectorParams(0.12, 5.0, 0.08, 0.0, 40.0),
    SectorParams(0.25, 4.0, 0.20, 0.0, 35.0),
    SectorParams(0.17, 4.5, 0.15, 0.0, 45.0),
    SectorParams(0.08, 6.0, 0.08, 0.0, 40.0),
    SectorParams(0.06, 5.0, 0.05, 0.0, 50.0),
    SectorParams(0.12, 4.0, 0.12, 0.0, 40.0),
    SectorParams(0.02, 8.0, 0.07, 0.0, 60.0, 0.40, 0.45, 1.5),
    SectorParams(0.01, 8.0, 0.05, 0.0, 60.0, 0.40, 0.45, 1.5),
    SectorParams(0.02, 8.0, 0.06, 0.0, 60.0, 0.40, 0.45, 1.5),
)


def series_at(series: tuple[tuple[int, ...], tuple[float, ...]], year: int) -> float:
    """Value in force at `year` (Series::at, engine/params.cpp): the last point at or before
    `year`, or the first point if `year` precedes them all."""
    years, values = series
    k = int(np.searchsorted(years, year, side="right"))
    return values[max(k, 1) - 1]


@dataclass
class Params:
    """Defaults of nisim::hk::Params the firm update reads: scalars from the member initialisers
    in models/params.hpp (NIFS terms from models/schemes/nifs.hpp), the wage series from
    Params::Params() and the sectors from Params::default_sectors() in models/params.cpp. Units
    as there (HK$ M, persons, m2, 1/year)."""

    # Run (section 2.1)
    seed: int = 20240916
    base_year: int = 2016
    # Macro (section 3.5)
    gdp_base: float = 2_418_000.0
    mfg_share_base: float = 0.011
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
    exit_hazard_mature: float = 0.055
    young_age: int = 4
    # Sites (section 3.6)
    innopark_share: float = 0.25
    # Smart production lines (section 3.4)
    line_cost: float = 15.0
    line_output_gain: float = 0.22
    line_gain_decay: float = 0.5
    line_max: int = 6
    line_horizon: float = 10.0
    discount_rate: float = 0.08
    line_noise_sigma: float = 0.5
    # New Industrialisation Funding Scheme (section 4.1, eqs. 4.1a-b)
    nifs_enabled: bool = True
    nifs_start: int = 2020
    nifs_end: int = 2040
    nifs_share: float = 1.0 / 3.0
    nifs_cap: float = 15.0
    nifs_concurrent_before: int = 1
    nifs_concurrent_max: int = 3
    nifs_concurrent_from: int = 2024
    nifs_line_floor: float = 300.0
    sectors: tuple[SectorParams, ...] = field(default=DEFAULT_SECTORS)

    def tech(self, s: int) -> tuple[float, float, float]:
        """(alpha_s, beta_s, v_s) of sector s (sector_tech, models/params.hpp; section 3.2)."""
        q = self.sectors[s]
        return (q.capital_elasticity if q.capital_elasticity > 0.0 else self.alpha,
                q.labour_share if q.labour_share > 0.0 else self.beta, q.wage_relative)


@dataclass
class Environment:
    """Prices and terms every firm faces in a year (FirmEnvironment, models/firms.hpp)."""

    year: int
    wage: float  # w, HK$ M per person per year
    line_grant: float = 0.0  # G: grant per smart line if approved this year, HK$ M (eq. 4.1a)
    project_limit: int = 1  # most open line projects (eq. 4.1b)
    tfp_bonus: float = 0.0  # knowledge-channel drift (eq. 4.5a), 1/year
    line_floor: float = 0.0  # floor space of one line, m2 (eq. 3.6a)
    floor_factor: tuple = (1.0,) * N_SITES  # per-worker floor multiplier by site (eq. 3.6d)
    rent_extra: tuple = (0.0,) * N_SITES  # rent above base by site, HK$ M/m2/year (eq. 3.3a)
    log_price: tuple = (0.0,) * N_SECTORS  # ln p_s firms plan with (eq. 3.9d)


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
        ("smart_lines", np.uint8),
        ("age", np.uint16),
        ("new_lines", np.uint8),
        ("projects", np.uint8),
        ("line_plan", np.uint8),
        ("exiting", np.uint8),
        ("official", np.uint8),
        ("ramp_years", np.uint8),
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
    total = size.sum()
    size *= p.employment / total
    tech = np.array([p.tech(s) for s in range(N_SECTORS)])  # alpha_s, beta_s, v_s
    alpha, beta, v = tech[sector, 0], tech[sector, 1], tech[sector, 2]
    # eq. 3.1a: w0 = s0 GDP0 / sum_i v_s L_i / beta_s makes base value added s0 GDP0.
    wage = p.mfg_share_base * p.gdp_base / float(np.sum(v / beta * size))
    f.age[:] = (rng.random(n) * 30.0).astype(np.uint16)  # uniform on 0..29 years
    # eq. 3.6b: traditional sectors in industrial buildings, a strategic one on an InnoPark
    # estate with probability innopark_share.
    strategic = (sector >= FIRST_STRATEGIC_SECTOR) & (rng.random(n) < p.innopark_share)
    f.site[:] = np.where(strategic, INNOPARK_ESTATES, INDUSTRIAL_BUILDINGS)
    # init_firm_row: every firm at its optimum given its size and the wage (eq. 3.2c), with
    # log TFP from inverting eqs. 3.2b-c at the base price (ln p = 0).
    w = wage * v
    va = w * size / beta
    c0 = alpha * np.log(alpha / p.user_cost) + beta * np.log(beta / w)
    f.employment[:] = size
    f.capital[:] = alpha * va / p.user_cost
    f.log_tfp[:] = (1.0 - alpha - beta) * np.log(va) - c0
    f.value_added[:] = va
    f.cash[:] = p.cash_init * va  # section 3.3
    floor_per_worker = np.array([s.floor_per_worker for s in p.sectors])
    f.floor_space[:] = floor_per_worker[sector] * size  # eq. 3.6a
    f.official[:] = 1
    return f, wage


def environment(year: int, previous_wage: float, p: Params) -> Environment:
    """The year's wage and line terms (set_environment, models/phases.cpp); floor factors,
    rents and prices at their base level (the peer has no land market or demand side)."""
    wage = previous_wage * (1.0 + series_at(p.wage_growth, year))  # eq. 3.3d
    nifs_open = p.nifs_enabled and p.nifs_start <= year <= p.nifs_end
    grant = min(p.nifs_share * p.line_cost, p.nifs_cap) if nifs_open else 0.0  # eq. 4.1a
    limit = p.nifs_concurrent_max if year >= p.nifs_concurrent_from else p.nifs_concurrent_before
    return Environment(year, wage, grant, limit, 0.0, p.nifs_line_floor)
