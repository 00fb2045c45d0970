"""Checks of the project's observed data (data/*.csv, described in data/README.md).

Every CSV in data/ must have the common header; every row a series name, a unit, a source and a
flag from the allowed set; a finite numeric value; a year in range; no two rows may share
(series, year, sector, period) across all files; every derived row must carry a formula over
other rows and reproduce from them within the rounding of its stated value. The second half of
this file corrupts a copy of data/ in one way at a time and checks that each corruption is caught.
"""
from __future__ import annotations

import ast
import csv
import math
import os
import re
import shutil
from pathlib import Path

import pytest

SOURCE = Path(os.environ.get("NISIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
DATA = SOURCE / "data"

HEADER = ["series", "unit", "year", "period", "sector", "value", "flag", "source", "url_or_table",
          "note", "formula"]
FLAGS = {"official", "secondary", "derived", "literature"}
YEAR_MIN, YEAR_MAX = 1990, 2035
NAME = re.compile(r"^[a-z0-9_]+$")
PERIOD = re.compile(r"^(\d{4})(-\d{2})?(/\d{2})?$")
REF = re.compile(r"\{([^{}]+)\}")


def decimals(text: str) -> int:
    """Number of digits after the decimal point in a value as written (0 for integers)."""
    mant = text.lower().split("e")[0]
    return len(mant.split(".")[1]) if "." in mant else 0


def evaluate(expr: str) -> float:
    """Evaluate an arithmetic expression of numbers, + - * / and parentheses only."""
    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult,
                                                                ast.Div)):
            a, b = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Add):
                return a + b
            if isinstance(node.op, ast.Sub):
                return a - b
            if isinstance(node.op, ast.Mult):
                return a * b
            return a / b
        raise ValueError(f"unsupported element {type(node).__name__}")
    return ev(ast.parse(expr, mode="eval"))


def ref_key(ref: str) -> tuple[str, str, str, str]:
    """'{series|year|sector|period}' with sector and period optional."""
    parts = ref.split("|")
    parts += [""] * (4 - len(parts))
    return (parts[0], parts[1], parts[2], parts[3])


def check_dir(data: Path) -> list[str]:
    """Every problem found in data/*.csv, as 'file:line: message' (empty when all is well)."""
    errors: list[str] = []
    files = sorted(data.glob("*.csv"))
    if not files:
        return [f"{data}: no CSV files"]
    index: dict[tuple[str, str, str, str], tuple[str, float]] = {}
    derived: list[tuple[str, dict[str, str]]] = []
    for f in files:
        with f.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        if not rows or rows[0] != HEADER:
            errors.append(f"{f.name}:1: header must be {','.join(HEADER)}")
            continue
        for n, raw in enumerate(rows[1:], start=2):
            at = f"{f.name}:{n}"
            if len(raw) != len(HEADER):
                errors.append(f"{at}: {len(raw)} fields, expected {len(HEADER)}")
                continue
            r = dict(zip(HEADER, raw))
            for key in ("series", "unit", "source"):
                if not r[key].strip():
                    errors.append(f"{at}: empty {key}")
            if r["series"] and not NAME.match(r["series"]):
                errors.append(f"{at}: series '{r['series']}' is not lower_snake_case")
            if r["sector"] and not NAME.match(r["sector"]):
                errors.append(f"{at}: sector '{r['sector']}' is not lower_snake_case")
            if r["flag"] not in FLAGS:
                errors.append(f"{at}: flag '{r['flag']}' not in {sorted(FLAGS)}")
            try:
                value = float(r["value"])
                if not math.isfinite(value):
                    raise ValueError
            except ValueError:
                errors.append(f"{at}: value '{r['value']}' is not a finite number")
                value = math.nan
            if not re.fullmatch(r"\d{4}", r["year"]) or not YEAR_MIN <= int(r["year"]) <= YEAR_MAX:
                errors.append(f"{at}: year '{r['year']}' not in {YEAR_MIN}-{YEAR_MAX}")
            if r["period"]:
                m = PERIOD.match(r["period"])
                if not m or m.group(1) != r["year"]:
                    errors.append(f"{at}: period '{r['period']}' must be YYYY[-MM][/MM] of "
                                  f"year {r['year']}")
            if (r["flag"] == "derived") != bool(r["formula"].strip()):
                errors.append(f"{at}: a formula is required on derived rows and only there")
            key = (r["series"], r["year"], r["sector"], r["period"])
            if key in index:
                errors.append(f"{at}: duplicate (series, year, sector, period) {key}, first at "
                              f"{index[key][0]}")
            else:
                index[key] = (at, value)
            if r["flag"] == "derived" and r["formula"].strip():
                derived.append((at, r))
    for at, r in derived:
        missing = [m for m in REF.findall(r["formula"]) if ref_key(m) not in index]
        if missing:
            errors.append(f"{at}: formula refers to rows not in data/: {missing}")
            continue
        expr = REF.sub(lambda m: repr(index[ref_key(m.group(1))][1]), r["formula"])
        try:
            got = evaluate(expr)
        except (ValueError, SyntaxError, ZeroDivisionError) as e:
            errors.append(f"{at}: formula '{r['formula']}' cannot be evaluated: {e}")
            continue
        stated = float(r["value"])
        tol = 0.5 * 10 ** -decimals(r["value"]) + 1e-9 * abs(stated)
        if not abs(got - stated) <= tol:
            errors.append(f"{at}: derived value {r['value']} does not reproduce: formula gives "
                          f"{got:.6g} (tolerance {tol:.3g})")
    return errors


def test_every_csv_in_data_is_valid():
    errors = check_dir(DATA)
    assert errors == [], "\n".join(errors)


def test_readme_describes_every_file():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for f in sorted(DATA.glob("*.csv")):
        assert f"`{f.name}`" in readme, f"data/README.md does not describe {f.name}"


def test_data_has_the_official_manufacturing_share():
    with (DATA / "macro.csv").open(newline="", encoding="utf-8") as fh:
        share = [r for r in csv.DictReader(fh)
                 if r["series"] == "manufacturing_share_of_gdp_basic_prices"]
    assert share and all(r["flag"] == "official" for r in share)


# ---- the checks can fail: one corruption of a copy of data/ at a time ----------------------

def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"corruption anchor {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


CORRUPTIONS = {
    "header": (lambda d: _edit(d / "rd.csv", "series,unit,year", "series,units,year"),
               "rd.csv:1: header"),
    "empty_source": (lambda d: _append(d / "trade.csv", "x_series,percent,2020,,,1.0,official,,,,"),
                     "empty source"),
    "bad_flag": (lambda d: _append(d / "trade.csv", "x_series,percent,2020,,,1.0,estimated,s,,,"),
                 "flag 'estimated'"),
    "nan_value": (lambda d: _append(d / "trade.csv", "x_series,percent,2020,,,nan,official,s,,,"),
                  "not a finite number"),
    "text_value": (lambda d: _append(d / "trade.csv", "x_series,percent,2020,,,about 3,official,s,,,"),
                   "not a finite number"),
    "year_out_of_range": (lambda d: _append(d / "trade.csv", "x_series,percent,1899,,,1,official,s,,,"),
                          "year '1899'"),
    "period_of_other_year": (lambda d: _append(d / "trade.csv",
                                                "x_series,percent,2020,2019-06,,1,official,s,,,"),
                             "period '2019-06'"),
    "duplicate_across_files": (lambda d: _append(
        d / "trade.csv", "gdp_basic_prices,HKD billion,2014,,,2204.0,official,s,,,"),
        "duplicate (series, year, sector, period)"),
    "derived_off": (lambda d: _edit(d / "rd.csv", "rd_business_share_of_gerd,percent,2019,,,44.11",
                                    "rd_business_share_of_gerd,percent,2019,,,45.11"),
                    "does not reproduce"),
    "input_changed": (lambda d: _edit(d / "macro.csv", ",1581.8,", ",1591.8,"),
                      "does not reproduce"),
    "missing_input": (lambda d: _append(d / "trade.csv",
                                        "x_series,percent,2020,,,1,derived,s,,,{no_such_series|2020}"),
                      "refers to rows not in data/"),
    "derived_without_formula": (lambda d: _append(d / "trade.csv",
                                                  "x_series,percent,2020,,,1,derived,s,,,"),
                                "formula is required"),
    "formula_on_official_row": (lambda d: _append(d / "trade.csv",
                                                  "x_series,percent,2020,,,1,official,s,,,1+1"),
                                "formula is required"),
    "unsafe_formula": (lambda d: _append(d / "trade.csv",
                                         "x_series,percent,2020,,,1,derived,s,,,__import__('os')"),
                       "cannot be evaluated"),
}


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_corruption_is_detected(name: str, tmp_path: Path):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    assert check_dir(copy) == []
    corrupt, expected = CORRUPTIONS[name]
    corrupt(copy)
    errors = check_dir(copy)
    assert any(expected in e for e in errors), f"{name}: expected '{expected}' in {errors}"
