"""`FIRST-LAST` ranges on the command line (seeds, years), shared by the tools."""
from __future__ import annotations


def parse_range(text: str, lowest: int = 0) -> list[int]:
    """The integers FIRST..LAST of `FIRST-LAST` (or the one of `N`); ValueError if FIRST is below
    `lowest`, LAST below FIRST, or either is not an integer."""
    first, _, last = text.partition("-")
    lo, hi = int(first), int(last or first)
    if lo < lowest or hi < lo:
        raise ValueError(text)
    return list(range(lo, hi + 1))
