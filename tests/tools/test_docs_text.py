"""The Markdown pages hold no control characters: a page rewritten through a string with
unescaped backslashes (`"\\begin"`, `"\\rfloor"`, `"\\tag"` in a non-raw Python string) turns `\\b`,
`\\r`, `\\t`, `\\f` into control bytes and breaks the equations (docs/model.md eqs. 3.4e and 4.1f
once read `egin{cases}` and `ag{3.4e}`)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # all but the newline


def pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "data" / "README.md"]


def control_characters(text: str) -> list[tuple[int, str]]:
    return [(text.count("\n", 0, m.start()) + 1, repr(m.group(0)))
            for m in CONTROL.finditer(text)]


def test_no_page_holds_a_control_character() -> None:
    found = {p.relative_to(ROOT).as_posix(): control_characters(p.read_text(encoding="utf-8"))
             for p in pages() if p.exists()}
    assert len(found) >= 10, found.keys()
    assert not {k: v for k, v in found.items() if v}


def test_the_check_finds_an_escape_gone_wrong() -> None:
    broken = "o = \begin{cases} a \rfloor \tag{3.4e}"  # non-raw: \b, \r, \t are control bytes
    assert [c for _, c in control_characters(broken)] == ["'\\x08'", "'\\r'", "'\\t'"]
    assert control_characters(r"o = \begin{cases} a \rfloor \tag{3.4e}") == []
