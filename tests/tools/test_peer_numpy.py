"""bench/peer_numpy.py, the numpy peer of the firm update: one step keeps the model's identities."""
from __future__ import annotations

import dataclasses
import sys

import numpy as np

from conftest import SOURCE

sys.path.insert(0, str(SOURCE / "bench"))
import peer_numpy as pn  # noqa: E402


def one_step(p: pn.Params, env: pn.Environment | None = None, seed: int = 7):
    """Synthesise p's population, update it once; returns (before, after, env, update)."""
    rng = np.random.default_rng(seed)
    firms, w0 = pn.synthesise_firms(p, rng)
    env = env if env is not None else pn.environment(2017, w0, p)
    before = firms.copy()
    update = pn.FirmUpdate(len(firms), p, rng)
    update(firms, env)
    return before, firms, env, update


def test_step_keeps_inputs_positive_and_production_function() -> None:
    p = pn.Params(firm_count=2000, employment=10.65 * 2000)
    before, f, _, update = one_step(p)
    assert np.all(np.isfinite(f.employment)) and np.all(f.employment > 0)
    assert np.all(np.isfinite(f.capital)) and np.all(f.capital > 0)
    # eq. 3.2e with the TFP before this year's line (a line raises TFP from next year).
    lines_before = f.smart_lines - f.new_lines
    log_tfp_before_line = f.log_tfp - f.new_lines * update.dlog_tfp[lines_before]
    expected = np.exp(log_tfp_before_line + p.alpha * np.log(f.capital)
                      + p.beta * np.log(f.employment))
    np.testing.assert_allclose(f.value_added, expected, rtol=1e-12)
    kept = f.new_lines == 0
    assert kept.sum() > 1900
    np.testing.assert_allclose(f.value_added[kept],
                               np.exp(f.log_tfp[kept] + p.alpha * np.log(f.capital[kept])
                                      + p.beta * np.log(f.employment[kept])), rtol=1e-12)
    # Columns keep FirmTable's dtypes; ageing and line counts move by one at most.
    for name, dtype in pn.FirmTable.COLUMNS:
        assert getattr(f, name).dtype == dtype, name
    assert np.all(f.age == before.age + 1)
    assert set(np.unique(f.new_lines)) <= {0, 1}
    np.testing.assert_array_equal(f.subsidy, 0.0)  # no grant in 2017 (NIFS starts 2020)


def test_firms_at_optimum_without_shocks_stay_put() -> None:
    sectors = tuple(dataclasses.replace(s, tfp_drift_extra=0.0) for s in pn.DEFAULT_SECTORS)
    p = pn.Params(firm_count=2000, employment=10.65 * 2000, tfp_sigma=0.0, tfp_drift=0.0,
                  exit_hazard_young=0.0, exit_hazard_mature=0.0, sectors=sectors)
    w0 = p.beta * p.mfg_share_base * p.gdp_base / p.employment
    before, f, _, _ = one_step(p, pn.Environment(2017, w0, 0.0))  # the wage they were built at
    np.testing.assert_allclose(f.employment, before.employment, rtol=1e-12)
    np.testing.assert_allclose(f.capital, before.capital, rtol=1e-12)
    adopted = f.new_lines == 1
    np.testing.assert_allclose(f.value_added[~adopted], before.value_added[~adopted], rtol=1e-12)
    assert not f.exiting.any()


def test_exits_at_the_hazard_rate() -> None:
    p = pn.Params(firm_count=20000, employment=10.65 * 20000,
                  exit_hazard_young=0.25, exit_hazard_mature=0.25)
    _, f, _, _ = one_step(p)
    assert abs(f.exiting.mean() - 0.25) < 0.02
