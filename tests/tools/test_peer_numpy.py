"""bench/peer_numpy.py, the numpy peer of the firm update: it computes what the model computes.

The peer is checked row by row against a plain scalar reference written here from
docs/model.md (eqs. 3.2a-e, 3.3a-c, 3.4a-c and e, 3.6a, 3.8e, 3.9d) with the math module, fed the
same draws the peer took (a recording wrapper around numpy's Generator), on a small varied table
and every block size and way of drawing normals the peer offers."""
from __future__ import annotations

import dataclasses
import math
import sys

import numpy as np
import pytest

from conftest import SOURCE

sys.path.insert(0, str(SOURCE / "bench"))
import peer_numpy as pn  # noqa: E402


class RecordingRng:
    """numpy's Generator, keeping a copy of everything it hands out, in order."""

    def __init__(self, seed: int) -> None:
        self.g = np.random.default_rng(seed)
        self.calls: list[tuple[str, np.ndarray]] = []

    def random(self, out: np.ndarray) -> np.ndarray:
        self.g.random(out=out)
        self.calls.append(("random", out.copy()))
        return out

    def standard_normal(self, out: np.ndarray) -> np.ndarray:
        self.g.standard_normal(out=out)
        self.calls.append(("standard_normal", out.copy()))
        return out


def row_draws(calls: list, n: int, block: int, normals: str) -> tuple[list, list, list]:
    """Per row: (eta_A, eta_nu, u_exit) from the recorded calls, as FirmUpdate documents them
    (each block of m rows: 3m uniforms, or 2m normals then m uniforms)."""
    eta_a, eta_nu, u_exit = [], [], []
    calls = list(calls)
    for begin in range(0, n, block):
        m = min(n, begin + block) - begin
        if normals == "box-muller":
            kind, u = calls.pop(0)
            assert kind == "random" and len(u) == 3 * m
            for j in range(m):
                radius = math.sqrt(-2.0 * math.log(1.0 - u[j]))
                eta_a.append(radius * math.cos(2.0 * math.pi * u[m + j]))
                eta_nu.append(radius * math.sin(2.0 * math.pi * u[m + j]))
                u_exit.append(u[2 * m + j])
        else:
            kind, z = calls.pop(0)
            assert kind == "standard_normal" and len(z) == 2 * m
            kind, u = calls.pop(0)
            assert kind == "random" and len(u) == m
            eta_a += list(z[:m])
            eta_nu += list(z[m:])
            u_exit += list(u)
    assert not calls, "the peer drew more than two normals and one uniform per firm"
    return eta_a, eta_nu, u_exit


def reference(f: pn.FirmTable, env: pn.Environment, p: pn.Params, draws) -> dict:
    """One row at a time, straight from docs/model.md, with math.log / math.exp."""
    eta_a, eta_nu, u_exit = draws
    out = {k: [] for k in ("log_tfp", "employment", "capital", "value_added", "cash",
                           "floor_space", "line_plan", "exiting", "age", "log_value",
                           "liquidity")}
    rho, horizon = p.discount_rate, p.line_horizon
    annuity = (1.0 - (1.0 + rho) ** -horizon) / rho  # eq. 3.4b
    c, sn, kappa, u = p.line_cost, p.line_noise_sigma, p.credit_limit, p.user_cost
    for i in range(len(f)):
        s, site = int(f.sector[i]), int(f.site[i])
        a, b, v = p.tech(s)
        w = env.wage * v  # section 3.2: w_s = v_s w
        log_p = env.log_price[s]
        # eq. 3.2a (with eq. 4.5a's bonus), eq. 3.2b at the planned price (eq. 3.9d).
        log_a = (f.log_tfp[i] + p.tfp_drift + p.sectors[s].tfp_drift_extra + env.tfp_bonus
                 + p.tfp_sigma * eta_a[i])
        log_y_star = (log_p + log_a + a * math.log(a / u) + b * math.log(b / w)) / (1 - a - b)
        # eq. 3.2c: L* = beta Y* / w, K* = alpha Y* / u; eq. 3.2d: close a share lambda.
        log_l0, log_k0 = math.log(f.employment[i]), math.log(f.capital[i])
        lam = p.adjust_speed
        log_l = log_l0 + lam * (math.log(b / w) + log_y_star - log_l0)
        log_k = log_k0 + lam * (math.log(a / u) + log_y_star - log_k0)
        L, K = math.exp(log_l), math.exp(log_k)
        # eq. 3.2e at the planned price; eq. 3.8e ramp-up share.
        y_full = math.exp(log_p + log_a + a * log_k + b * log_l)
        r = int(f.ramp_years[i])
        ramp = min(1.0, (int(f.age[i]) + 2) / r) if r > 1 else 1.0
        y = ramp * y_full
        # eq. 3.6a with eq. 3.6d's factor: floor for workers and for lines held or in progress.
        lines, projects = int(f.smart_lines[i]), int(f.projects[i])
        k = lines + projects
        floor = (p.sectors[s].floor_per_worker * env.floor_factor[site] * L
                 + env.line_floor * k)
        # eqs. 3.3a-b.
        profit = y - w * L - u * K - env.rent_extra[site] * floor
        cash = f.cash[i] + profit - p.payout * max(profit, 0.0)
        # eq. 3.4a-b on full output, eq. 3.4c, eq. 3.4e.
        g = p.line_output_gain * p.line_gain_decay ** k if k < p.line_max else 0.0
        value = annuity * (1 - a - b) * y_full * g * math.exp(sn * eta_nu[i] - sn * sn / 2)
        plans = (value > c - env.line_grant and cash + kappa * K >= c
                 and projects < env.project_limit)
        own = 0
        if value > c:
            own = min(p.line_max - k,
                      1 + math.floor(math.log(value / c) / -math.log(p.line_gain_decay)))
        # eq. 3.3c after ageing.
        age = int(f.age[i]) + 1
        hazard = p.exit_hazard_young if age < p.young_age else p.exit_hazard_mature
        exits = u_exit[i] < hazard or cash < -kappa * K
        for key, x in (("log_tfp", log_a), ("employment", L), ("capital", K),
                       ("value_added", y), ("cash", cash), ("floor_space", floor),
                       ("line_plan", 1 + own if plans else 0), ("exiting", int(exits)),
                       ("age", age), ("log_value", math.log(value) if value > 0 else -math.inf),
                       ("liquidity", cash + kappa * K)):
            out[key].append(x)
    return {key: np.array(x) for key, x in out.items()}


def varied_table(n: int, p: pn.Params, seed: int = 11) -> pn.FirmTable:
    """The base population, then every column the update reads spread over its range: all
    sectors and sites, firms large enough to plan, lines up to and past the cap, open
    projects, ages either side of a_Y, plants in their ramp-up years, cash either side of the
    credit limit."""
    rng = np.random.default_rng(seed)
    f, _ = pn.synthesise_firms(p, rng)
    f.sector[:] = np.arange(n) % pn.N_SECTORS
    f.site[:] = rng.integers(0, pn.N_SITES, n)
    scale = np.exp(rng.normal(0.0, 1.5, n))
    f.employment *= scale
    f.capital *= scale * np.exp(rng.normal(0.0, 0.3, n))
    f.log_tfp += rng.normal(0.0, 0.05, n) + 0.15 * np.log(scale)
    f.cash[:] = rng.uniform(-40.0, 40.0, n)
    f.smart_lines[:] = rng.choice([0, 0, 0, 0, 1, 2, 6, 7], n)
    f.projects[:] = rng.choice([0, 0, 0, 1, 2, 3], n)
    f.age[:] = rng.integers(0, 9, n)
    f.ramp_years[:] = rng.choice([0, 0, 0, 1, 3, 5], n)
    return f


def environment() -> pn.Environment:
    """A year with every term of the update away from its neutral value."""
    return pn.Environment(
        year=2025, wage=0.21, line_grant=5.0, project_limit=2, tfp_bonus=0.003,
        line_floor=300.0, floor_factor=(1.0, 0.9, 1.1, 1.2, 0.8, 1.05),
        rent_extra=(0.0004, -0.0002, 0.001, 0.0, 0.0003, 0.0001),
        log_price=tuple(0.01 * s - 0.04 for s in range(pn.N_SECTORS)))


@pytest.mark.parametrize("normals", pn.NORMALS)
@pytest.mark.parametrize("block", [7, 64, 1000])
def test_every_row_matches_the_equations(normals: str, block: int) -> None:
    n = 600
    p = pn.Params(firm_count=n, employment=10.65 * n)
    f = varied_table(n, p)
    env = environment()
    before = f.copy()
    rng = RecordingRng(5)
    pn.FirmUpdate(n, p, rng, block=block, normals=normals)(f, env)
    ref = reference(before, env, p, row_draws(rng.calls, n, min(block, n), normals))

    for key in ("log_tfp", "employment", "capital", "value_added", "floor_space"):
        np.testing.assert_allclose(getattr(f, key), ref[key], rtol=1e-12, err_msg=key)
    # Cash is a sum of terms of either sign: compare on the scale of its terms.
    cash_scale = np.abs(before.cash) + ref["value_added"] + ref["employment"]
    assert np.all(np.abs(f.cash - ref["cash"]) <= 1e-12 * cash_scale)
    np.testing.assert_array_equal(f.age, ref["age"])
    # Decisions agree exactly away from a tie (a margin below 1e-9 in logs or HK$ M).
    c = p.line_cost
    at_cap = np.isinf(ref["log_value"])  # g_k = 0: ln V = -inf, no tie possible
    own_ratio = (np.where(at_cap, 0.5, ref["log_value"] - math.log(c))
                 / -math.log(p.line_gain_decay))
    clear = ((np.abs(ref["log_value"] - math.log(c - env.line_grant)) > 1e-9)
             & (np.abs(ref["liquidity"] - c) > 1e-9)
             & (np.abs(own_ratio - np.round(own_ratio)) > 1e-9)
             & (np.abs(ref["liquidity"]) > 1e-9))
    assert clear.sum() >= n - 2
    np.testing.assert_array_equal(f.line_plan[clear], ref["line_plan"][clear])
    np.testing.assert_array_equal(f.exiting[clear], ref["exiting"][clear])
    # The table exercised every branch: plans with and without lines that pay alone, both
    # exit causes, plants in their ramp-up, rows at the line cap.
    assert (ref["line_plan"] == 1).sum() > 5 and (ref["line_plan"] > 1).sum() > 5
    insolvent = ref["liquidity"] < 0
    assert insolvent.sum() > 5 and (ref["exiting"][~insolvent] == 1).sum() > 5
    assert (before.ramp_years > 1).sum() > 50
    assert (before.smart_lines + before.projects >= p.line_max).sum() > 20
    # What the update must not touch: the year's flows (grants received, lines completed) are
    # cleared at the year's end, not by the update, as in nisim.
    for key in ("id", "sector", "site", "smart_lines", "projects", "official", "ramp_years",
                "subsidy", "new_lines"):
        np.testing.assert_array_equal(getattr(f, key), getattr(before, key), err_msg=key)
    for name, dtype in pn.FirmTable.COLUMNS:
        assert getattr(f, name).dtype == dtype, name


def test_hand_computed_line_plans() -> None:
    """Five firms of one traditional sector with no noise, no shocks and no ramp-up, whose plans
    follow from eq. 3.4 by hand: V = a(10, 0.08) (1 - alpha - beta) Y g_k = 6.7101 x 0.15 x Y x
    0.22 x 0.5^k; with the grant (c - G = 10) a first line pays from Y = 45.2, a second from
    Y = 90.3; without it (c = 15) a first line pays alone from Y = 67.7."""
    p = pn.Params(firm_count=5, employment=50.0, line_noise_sigma=0.0, tfp_sigma=0.0,
                  tfp_drift=0.0, adjust_speed=0.0, exit_hazard_young=0.0,
                  exit_hazard_mature=0.0)
    f = pn.FirmTable(5)
    f.id[:] = np.arange(1, 6)
    y = np.array([40.0, 50.0, 80.0, 120.0, 120.0])  # value added wanted, HK$ M
    env = pn.Environment(year=2021, wage=0.2, line_grant=5.0, project_limit=1, line_floor=0.0)
    alpha, beta, u = p.alpha, p.beta, p.user_cost
    f.employment[:] = beta * y / env.wage  # at the optimum (eq. 3.2c) ...
    f.capital[:] = alpha * y / u
    f.log_tfp[:] = np.log(y) - alpha * np.log(f.capital) - beta * np.log(f.employment)  # 3.2e
    f.cash[:] = 20.0
    f.smart_lines[:] = [0, 0, 0, 1, 0]
    f.projects[:] = [0, 0, 0, 0, 1]  # the last firm is at the project limit
    f.age[:] = 10
    pn.FirmUpdate(5, p, np.random.default_rng(1))(f, env)
    np.testing.assert_allclose(f.value_added, y, rtol=1e-12)  # lambda = 0: nothing moves
    # Y = 40: no plan. Y = 50: plans (50 > 45.2), no line pays alone (50 < 67.7). Y = 80:
    # plans, and 1 + floor(ln(V/c) / ln 2) = 1 line pays alone. Y = 120 with one line (k = 1):
    # plans (120 > 90.3), none pays alone (V = 13.3 < 15). Y = 120 with one project open and a
    # limit of one: no plan.
    np.testing.assert_array_equal(f.line_plan, [0, 1, 2, 1, 0])
    np.testing.assert_array_equal(f.exiting, 0)


def test_firms_at_optimum_without_shocks_stay_put() -> None:
    sectors = tuple(dataclasses.replace(s, tfp_drift_extra=0.0) for s in pn.DEFAULT_SECTORS)
    p = pn.Params(firm_count=2000, employment=10.65 * 2000, tfp_sigma=0.0, tfp_drift=0.0,
                  exit_hazard_young=0.0, exit_hazard_mature=0.0, sectors=sectors)
    rng = np.random.default_rng(7)
    f, w0 = pn.synthesise_firms(p, rng)
    before = f.copy()
    pn.FirmUpdate(len(f), p, rng)(f, pn.Environment(2017, w0))  # the wage they were built at
    np.testing.assert_allclose(f.employment, before.employment, rtol=1e-12)
    np.testing.assert_allclose(f.capital, before.capital, rtol=1e-12)
    np.testing.assert_allclose(f.value_added, before.value_added, rtol=1e-12)
    # eq. 3.1a: base value added sums to s0 GDP0 with the sectors' own technology.
    assert abs(before.value_added.sum() / (p.mfg_share_base * p.gdp_base) - 1.0) < 1e-12
    assert not f.exiting.any()


def test_exits_at_the_hazard_rate() -> None:
    p = pn.Params(firm_count=20000, employment=10.65 * 20000,
                  exit_hazard_young=0.25, exit_hazard_mature=0.25)
    rng = np.random.default_rng(7)
    f, w0 = pn.synthesise_firms(p, rng)
    pn.FirmUpdate(len(f), p, rng, block=4096)(f, pn.environment(2017, w0, p))
    assert abs(f.exiting.mean() - 0.25) < 0.02
