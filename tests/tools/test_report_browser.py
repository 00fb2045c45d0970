"""`nisim report` opened in a real browser (headless Chromium through Selenium): no console
errors, every chart drawn, the scorecard's numbers equal those computed here from the batch file
with h5py; a screenshot is kept under the build directory (docs/report.md)."""
from __future__ import annotations

import math
import os
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import run_tool

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def report(nisim_bin: Path, batch_2032: Path) -> Path:
    out = batch_2032.parent / "report.html"
    r = run_tool(nisim_bin, "report", batch_2032, "-o", out, "--force")
    assert r.returncode == 0, r.stderr
    assert "wrote" in r.stdout
    return out


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and DRIVER.exists()):
        pytest.fail("needs Debian's chromium and chromium-driver (tools/setup.sh installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1100,3000", "--no-first-run"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    yield driver
    driver.quit()


def expected(batch: Path) -> dict[str, float]:
    """The scorecard recomputed from the batch file: paired differences in the score year (2032
    here) and in public money paid up to it, with the file's own t multiplier."""
    want: dict[str, float] = {}
    with h5py.File(batch, "r") as f:
        names = f.attrs["scenarios"].split(",")
        base = f.attrs["base"]
        years = f["year"][:]
        t = int(np.flatnonzero(years == 2032)[0])
        indicators = f[names[0]]["indicator"].asstr()[:]
        share = {n: f[n]["mfg_share"][:, t] for n in names}
        money = {n: f[n]["public_spending"][:, : t + 1].sum(axis=1) for n in names}
        for n in names:
            g = f[n]
            want[f"{n}:share"] = share[n].mean()
            want[f"{n}:money"] = money[n].mean()
            want[f"{n}:p_share_target"] = g.attrs["p_share_5pct_by_2032"]
            for k, ind in enumerate(indicators):
                want[f"{n}:p_met:{ind}"] = g["kpi_p_met"][k]
            if n == base:
                continue
            v = g["vs_base"]
            mult = v.attrs["ci_multiplier"]
            ds = share[n] - share[base]
            dm = money[n] - money[base]
            assert ds.mean() == pytest.approx(v["mfg_share_diff_mean"][t], abs=1e-12)
            want[f"{n}:share_diff"] = ds.mean()
            want[f"{n}:share_diff:low"] = v["mfg_share_diff_ci_low"][t]
            want[f"{n}:share_diff:high"] = v["mfg_share_diff_ci_high"][t]
            se = dm.std(ddof=1) / math.sqrt(len(dm))
            want[f"{n}:money_diff"] = dm.mean()
            want[f"{n}:money_diff:low"] = dm.mean() - mult * se
            want[f"{n}:money_diff:high"] = dm.mean() + mult * se
            gain = want[f"{n}:share_diff:low"] > 0  # only for a gain its interval shows
            want[f"{n}:cost_per_pp"] = dm.mean() / ds.mean() if gain else math.nan
    return want


def same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def open_and_check(browser, page: Path) -> list[str]:
    """Open `page`: no SEVERE console entry, every SVG chart sized and with drawn paths. Returns
    the charts' labels."""
    from selenium.webdriver.common.by import By

    browser.get(page.resolve().as_uri())
    assert browser.title.startswith("nisim batch: ")
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
    labels = []
    for svg in browser.find_elements(By.CSS_SELECTOR, "svg.chart"):
        drawn = browser.execute_script(
            "return Array.from(arguments[0].querySelectorAll('path')).filter(p => {"
            " const b = p.getBBox(); return p.getAttribute('d') && (b.width > 0 || b.height > 0);"
            "}).length;", svg)
        labels.append(svg.get_attribute("aria-label"))
        assert drawn > 0, labels[-1]
        assert svg.size["width"] > 0 and svg.size["height"] > 0
    return labels


def test_report_opens_in_chromium_with_every_chart_and_the_files_numbers(
        report: Path, batch_2032: Path, browser) -> None:
    from selenium.webdriver.common.by import By

    charts = open_and_check(browser, report)
    assert len(charts) >= 3  # share fan, money fan, change in share

    want = expected(batch_2032)
    cells = browser.find_elements(By.CSS_SELECTOR, "td[data-id]")
    seen = set()
    for td in cells:
        key = td.get_attribute("data-id")
        if key.startswith("target:"):
            continue
        seen.add(key)
        assert same(float(td.get_attribute("data-value")), want[key]), key
        for bound in ("low", "high"):
            if td.get_attribute(f"data-{bound}") is not None:
                assert same(float(td.get_attribute(f"data-{bound}")), want[f"{key}:{bound}"]), key
        shown = td.text.split(" [")[0]
        if shown != "n/a":  # the rounded text is the same number
            digits = len(shown.split(".")[1]) if "." in shown else 0
            assert float(shown) == pytest.approx(want[key], abs=0.51 * 10.0 ** -digits), key
    assert seen == {k for k in want if not k.endswith((":low", ":high"))}

    build = Path(os.environ.get("NISIM_BUILD_DIR", report.parent))
    shots = build / "test_artefacts"
    shots.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(shots / "report.png"))
    assert (shots / "report.png").stat().st_size > 10_000


def test_report_of_a_file_that_is_not_a_batch_fails_cleanly(nisim_bin: Path, small_run: Path,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    r = run_tool(nisim_bin, "report", small_run, "-o", out)
    assert r.returncode == 4, r.stderr
    assert "not a batch file" in r.stderr and str(small_run) in r.stderr
    assert list(tmp_path.iterdir()) == []  # no output, no temporary file
    text = tmp_path / "notes.h5"
    text.write_text("plain text\n")
    r = run_tool(nisim_bin, "report", text, "-o", out)
    assert r.returncode == 4 and "not an HDF5 file" in r.stderr, r.stderr
    assert not out.exists()


def test_sweep_report_has_the_sensitivity_panel(nisim_bin: Path, tmp_path: Path, browser) -> None:
    from conftest import SMALL

    (tmp_path / "sweep.toml").write_text(
        '[batch]\nreplications = 2\nseed = 3\n[sweep]\nscenario = "%s"\ndesign = "morris"\n'
        'points = 3\nlevels = 4\noutput = "mfg_share"\nyear = 2022\n'
        '[[sweep.param]]\nkey = "schemes.nifs.cap"\nmin = 5.0\nmax = 30.0\n'
        '[[sweep.param]]\nkey = "talent.attrition"\nmin = 0.05\nmax = 0.2\n' % SMALL)
    r = run_tool(nisim_bin, "batch", tmp_path / "sweep.toml", "-o", tmp_path / "sweep.h5",
                 "--threads", "2", "--quiet")
    assert r.returncode == 0, r.stderr
    r = run_tool(nisim_bin, "report", tmp_path / "sweep.h5", "-o", tmp_path / "sweep.html")
    assert r.returncode == 0, r.stderr
    labels = open_and_check(browser, tmp_path / "sweep.html")
    assert "morris_mu_star per swept parameter" in labels
    assert "sensitivity-absent" not in (tmp_path / "sweep.html").read_text()


@pytest.fixture(scope="module")
def attribution_file(nisim_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`nisim attribute` on the small scenario: two scheme groups, 3 replications, 2022."""
    from conftest import SMALL

    d = tmp_path_factory.mktemp("report_attribution")
    (d / "base.toml").write_text(f'inherit = "{SMALL}"\n')
    (d / "none.toml").write_text(f'inherit = "{SMALL}"\n[schemes.nifs]\nenabled = false\n'
                                 "[schemes.rth]\nend = 2019\n")
    (d / "a.toml").write_text(
        '[attribution]\nbase = "base.toml"\ncounterfactual = "none.toml"\nreplications = 3\n'
        'seed = 9\nyear = 2022\n[[group]]\nname = "lines"\n'
        'off = { "schemes.nifs.enabled" = false }\n[[group]]\nname = "talent <posts>"\n'
        'off = { "schemes.rth.end" = 2019 }\n')
    out = d / "a.h5"
    r = run_tool(nisim_bin, "attribute", d / "a.toml", "-o", out, "--threads", "2", "-q")
    assert r.returncode == 0, r.stderr
    return out


def test_report_with_an_attribution_file_shows_its_chart_and_numbers(
        nisim_bin: Path, batch_2032: Path, attribution_file: Path, tmp_path: Path,
        browser) -> None:
    """--attribution adds the Shapley chart and table; every number is the attribution file's
    (group names are escaped: one holds '<' and '>')."""
    from selenium.webdriver.common.by import By

    page = tmp_path / "with_attribution.html"
    r = run_tool(nisim_bin, "report", batch_2032, "--attribution", attribution_file, "-o", page)
    assert r.returncode == 0, r.stderr
    text = page.read_text()
    assert "attribution-absent" not in text and "talent &lt;posts&gt;" in text
    assert "The attribution is for 2022, the scorecard for 2032." in text
    labels = open_and_check(browser, page)
    assert any(label.startswith("Share of the 2022 effect") for label in labels), labels
    want: dict[str, float] = {}
    with h5py.File(attribution_file, "r") as f:
        groups = list(f["group"].asstr()[:])
        outcomes = list(f["outcome"].asstr()[:])
        s, m = outcomes.index("mfg_share"), outcomes.index("public_money")
        for k, g in enumerate(groups):
            for name, ds, o in (("shapley_share", "shapley", s), ("shapley_money", "shapley", m),
                                ("additionality", "additionality", s)):
                for suffix, part in (("", "_mean"), (":low", "_ci_low"), (":high", "_ci_high")):
                    want[f"attribution:{g}:{name}{suffix}"] = f[ds + part][k, o]
            for name, ds in (("cost_per_pp", "cost_per_pp_all"),
                             ("cost_per_pp_mfg", "cost_per_pp_mfg")):
                for suffix, part in (("", ""), (":low", "_ci_low"), (":high", "_ci_high")):
                    want[f"attribution:{g}:{name}{suffix}"] = f[ds + part][k]
        for name, o in (("share", s), ("money", m)):
            for suffix, part in (("", "_mean"), (":low", "_ci_low"), (":high", "_ci_high")):
                want[f"attribution:total:{name}{suffix}"] = f["total_effect" + part][o]
    # the Shapley values add up to the whole package's effect (the chart's last bar)
    total = sum(want[f"attribution:{g}:shapley_share"] for g in groups)
    assert total == pytest.approx(want["attribution:total:share"], abs=1e-9)
    seen = set()
    for td in browser.find_elements(By.CSS_SELECTOR, "td[data-id^='attribution:']"):
        key = td.get_attribute("data-id")
        seen.add(key)
        assert same(float(td.get_attribute("data-value")), want[key]), key
        for bound in ("low", "high"):
            assert same(float(td.get_attribute(f"data-{bound}")), want[f"{key}:{bound}"]), key
    assert seen == {k for k in want if not k.endswith((":low", ":high"))}


def test_report_refuses_an_attribution_file_that_is_not_one(nisim_bin: Path, batch_2032: Path,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    r = run_tool(nisim_bin, "report", batch_2032, "--attribution", batch_2032, "-o", out)
    assert r.returncode == 4, r.stderr
    assert "not an attribution file" in r.stderr and str(batch_2032) in r.stderr
    assert list(tmp_path.iterdir()) == []  # no output, no temporary file
