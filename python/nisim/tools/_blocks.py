"""Generated regions of a Markdown page: the text between `<!-- NAME:begin -->` and
`<!-- NAME:end -->`, rewritten by the tools that print tables for the docs (attribution_table,
calibration_report, assumed_ranges; docs/python.md, "Numbers in the docs")."""
from __future__ import annotations

from pathlib import Path

from nisim.h5 import fail


def replace_block(doc: Path, name: str, body: str) -> None:
    """Replace the text between the lines `<!-- NAME:begin -->` and `<!-- NAME:end -->` of `doc`
    with `body`; exit EXIT_IO naming the file if it cannot be read or lacks exactly one pair."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    try:
        text = Path(doc).read_text(encoding="utf-8")
    except OSError as e:
        fail(f"{doc}: cannot read ({e.strerror})")
    if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
        fail(f"{doc}: needs one line {begin} followed by one line {end}")
    start = text.index(begin) + len(begin)
    Path(doc).write_text(text[:start] + "\n" + body + text[text.index(end):], encoding="utf-8")
