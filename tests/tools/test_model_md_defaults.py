"""docs/model.md's parameter tables print the binary's defaults (issue #14: "fund defaults in
model.md 6.3-6.4" were stale). Every table row with a `key` and a `default` column is compared
with `nisim params`: a number to the precision the page prints it, `1/3` exactly, a boolean or a
word (`as_announced`) as written, a row of several keys (`schemes.nias.start`, `.end`) value by
value, and a time series (`[[year, value], ...]`) by its values, each of which the page's text
must name. A key the binary does not know is an error too. Rows whose default is prose
("see below", "Table 3.6") or whose key is a family (`sectors.<s>.x`) are not compared."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import run_tool

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "docs" / "model.md"

NUMBER = re.compile(r"[−-]?\d[\d,]*(?:\.\d+)?(?:\s*/\s*\d+)?%?")


def listing_defaults(listing: str) -> dict[str, str]:
    """key -> default text (backticks stripped) from `nisim params`."""
    out = {}
    for line in listing.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 4 and cells[1].startswith("`"):
            out[cells[1].strip("`")] = cells[3].strip("`")
    return out


def parse_number(text: str) -> tuple[float, float] | None:
    """(value, half a unit of its last printed digit) of a number as the page prints it:
    `2,418,000`, `−0.25%`, `1/3`, `0.04167`."""
    s = text.replace(",", "").replace("−", "-").replace(" ", "")
    pct = s.endswith("%")
    s = s.rstrip("%")
    if "/" in s:
        a, b = s.split("/")
        return float(a) / float(b), 0.0
    value = float(s)
    decimals = len(s.split(".")[1]) if "." in s else 0
    half = 0.5 * 10.0 ** (-decimals)
    return (value / 100, half / 100) if pct else (value, half)


def numbers_in(text: str) -> list[tuple[float, float]]:
    return [parse_number(m) for m in NUMBER.findall(text)]


def agrees(doc: str, binary: str) -> bool:
    """Whether the page's default text `doc` states the binary's default `binary`."""
    doc = doc.strip()
    if binary in ("true", "false") or binary.startswith('"'):
        return doc.split()[0].strip("`") == binary.strip('"') if doc else False
    if binary.startswith("[["):
        values = [float(v) for v in re.findall(r",\s*([-\d.e+]+)\]", binary)]
        stated = numbers_in(doc)
        return all(any(abs(v - s) <= h + 1e-12 * max(1.0, abs(v)) for s, h in stated)
                   for v in values)
    m = NUMBER.match(doc)
    if not m:
        return False
    value, half = parse_number(m.group(0))
    b = float(binary)
    return abs(value - b) <= half + 1e-12 * max(1.0, abs(b))


def split_values(cell: str, n: int) -> list[str] | None:
    """A cell of n comma-separated defaults, or None when it does not split into n."""
    parts = [p.strip() for p in re.split(r",\s+", cell)]
    return parts if len(parts) == n else None


def compare(model: str, defaults: dict[str, str]) -> tuple[int, list[str]]:
    """(rows compared, one message per disagreement) over the page's parameter tables."""
    header: list[str] | None = None
    compared, problems = 0, []
    for lineno, line in enumerate(model.splitlines(), 1):
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [h.strip().lower() for h in cells]
            continue
        if set(line.replace("|", "").strip()) <= set("-: ") or len(cells) != len(header):
            continue
        if "key" not in header or "default" not in header:
            continue
        keys = re.findall(r"`([^`]+)`", cells[header.index("key")])
        default = cells[header.index("default")]
        if not keys or "." not in keys[0] or any(c in k for k in keys for c in "<{"):
            continue
        prefix = keys[0].rsplit(".", 1)[0]
        full = [prefix + k if k.startswith(".") else k for k in keys]
        unknown = [k for k in full if k not in defaults]
        if unknown:
            problems.append(f"docs/model.md:{lineno}: {', '.join(unknown)}: not a parameter")
            continue
        if not NUMBER.search(default) and not re.match(r"[a-z_]+\b", default):
            continue  # prose: "see below", "Table 3.6", "—"
        if default.startswith(("see ", "Table", "—")):
            continue
        values = [default] if len(full) == 1 else split_values(default, len(full))
        if values is None:
            continue
        for key, value in zip(full, values):
            compared += 1
            if not agrees(value, defaults[key]):
                problems.append(f"docs/model.md:{lineno}: {key}: the page says '{value}', "
                                f"`nisim params` says {defaults[key]}")
    return compared, problems


def test_every_default_docs_model_md_prints_is_the_binarys(nisim_bin: Path) -> None:
    r = run_tool(nisim_bin, "params")
    assert r.returncode == 0, r.stderr
    compared, problems = compare(MODEL.read_text(), listing_defaults(r.stdout))
    assert not problems, "\n".join(problems)
    assert compared >= 200, f"only {compared} rows compared: the table parser lost rows"


def test_a_stale_default_is_found() -> None:
    defaults = {"funds.outside_prob.seed": "0.45", "schemes.nifs.share": "0.3333333333333333",
                "schemes.nias.start": "2024", "schemes.nias.end": "2040",
                "schemes.rth.posts": "[[2016, 1750.0], [2023, 1600.0]]",
                "demand.competitor_growth": "[[2016, -0.0025]]", "schemes.rth.renewal":
                '"as_announced"', "demand.enabled": "true", "macro.gdp_base": "2418000.0"}
    page = "\n".join([
        "| symbol | key | default | unit |",
        "|---|---|---|---|",
        "| a | `funds.outside_prob.seed` | 0.30 | p |",             # stale: flagged
        "| b | `schemes.nifs.share` | 1/3 | f |",                    # exact
        "| c | `schemes.nias.start`, `.end` | 2024, 2041 | y |",     # .end stale: flagged
        "| d | `schemes.rth.posts` | 1,750 a year to 2022, 1,500 from 2023 | n |",  # flagged
        "| e | `demand.competitor_growth` | −0.25% a year | 1/y |",  # percent, agrees
        "| f | `schemes.rth.renewal` | as_announced (= recurrent) | |",
        "| g | `demand.enabled` | false | |",                        # flagged
        "| h | `macro.gdp_base` | 2,418,000 | HK$ M |",
        "| i | `no.such_key` | 1 | |",                               # flagged
        "| j | `funds.outside_prob.seed` | see below | |",           # prose: skipped
        "",
        "| key | meaning |",                                          # no default column
        "|---|---|",
        "| `funds.outside_prob.seed` | 0.1 |",
    ])
    compared, problems = compare(page, defaults)
    flagged = sorted(p.split(": ")[1] for p in problems)
    assert flagged == ["demand.enabled", "funds.outside_prob.seed", "no.such_key",
                       "schemes.nias.end", "schemes.rth.posts"], problems
    assert compared == 9


def test_printed_precision_decides() -> None:
    assert agrees("0.04167 from 2017 on", "0.041666")
    assert not agrees("0.0417", "0.04150")
    assert agrees("0.3", "0.30000000000000004")
    assert not agrees("0.30", "0.309")
