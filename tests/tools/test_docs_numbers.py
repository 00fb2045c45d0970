"""tools/docs_numbers.py: it rewrites each generated block of a page from the commands the page
shows (output blocks, transcripts, regions written by a command, Markdown output regions),
leaves everything else alone, fails naming the file and line when a block fails, and `--check`
refuses a generated block that nothing produces."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import TOOLS

PYTHON = "/usr/bin/python3"


def checkout(tmp_path: Path, page: str) -> Path:
    """A minimal checkout: tools/doc_test.py (the scratch layout docs_numbers reuses) and
    docs/page.md."""
    src = tmp_path / "src"
    (src / "tools").mkdir(parents=True)
    (src / "docs").mkdir()
    shutil.copy(TOOLS / "doc_test.py", src / "tools" / "doc_test.py")
    (src / "docs" / "page.md").write_text(page)
    return src


def docs_numbers(src: Path, nisim_bin: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, NISIM_SOURCE_DIR=str(src))
    return subprocess.run([PYTHON, str(TOOLS / "docs_numbers.py"), *args], capture_output=True,
                          text=True, env=env, timeout=300)


PAGE = """# A page

Prose with no marker stays as it is: 1.234.

```sh
echo 41 > out/n.txt
```

```python
print(int(open("out/n.txt").read()) + 1)
```

<!-- docs-numbers: output -->
```text
stale
```

<!-- docs-numbers: transcript -->
```text
$ cat out/n.txt
old
$ nisim --version | head -c 5
old
```

```sh
printf '| a |\\n|---|\\n| %s |\\n' "$(cat out/n.txt)"
```

<!-- docs-numbers:output:table:begin -->
| a |
|---|
| 0 |
<!-- docs-numbers:output:table:end -->

```sh
sed -i 's/^was here$/written by the command/' docs/page.md
```

<!-- note:begin -->
was here
<!-- note:end -->

```text
an unmarked text block: 7
```
"""


def test_every_generated_block_is_rewritten_and_nothing_else(nisim_bin: Path,
                                                             tmp_path: Path) -> None:
    src = checkout(tmp_path, PAGE)
    r = docs_numbers(src, nisim_bin, "--bin", str(nisim_bin))
    assert r.returncode == 0, r.stdout + r.stderr
    got = (src / "docs" / "page.md").read_text()
    version = subprocess.run([str(nisim_bin), "--version"], capture_output=True,
                             text=True).stdout[:5]
    want = (PAGE.replace("```text\nstale\n```", "```text\n42\n```")
            .replace("$ cat out/n.txt\nold\n$ nisim --version | head -c 5\nold\n",
                     f"$ cat out/n.txt\n41\n$ nisim --version | head -c 5\n{version}\n")
            .replace("| 0 |", "| 41 |")
            .replace("<!-- note:begin -->\nwas here\n", "<!-- note:begin -->\nwritten by the "
                     "command\n"))
    assert got == want
    # A second run changes nothing.
    r = docs_numbers(src, nisim_bin, "--bin", str(nisim_bin))
    assert r.returncode == 0 and "unchanged" in r.stdout, r.stdout + r.stderr
    assert (src / "docs" / "page.md").read_text() == want


def test_a_failing_block_names_the_file_and_line_and_writes_nothing(nisim_bin: Path,
                                                                    tmp_path: Path) -> None:
    page = "```python\nraise SystemExit(3)\n```\n\n<!-- docs-numbers: output -->\n```text\nx\n```\n"
    src = checkout(tmp_path, page)
    r = docs_numbers(src, nisim_bin, "--bin", str(nisim_bin))
    assert r.returncode == 1
    assert "page.md:1: exit status 3, expected 0" in r.stderr
    assert (src / "docs" / "page.md").read_text() == page


def test_check_refuses_a_generated_block_without_a_producer(nisim_bin: Path,
                                                            tmp_path: Path) -> None:
    cases = {
        "<!-- docs-numbers: output -->\n```text\nx\n```\n": "output block without a code block",
        "```sh\necho\n```\n\n<!-- r:begin -->\nx\n<!-- r:end -->\n": "no command before the "
                                                                      "region 'r' writes it",
        "<!-- r:begin -->\nx\n": "'r:begin' without an end",
        "<!-- doc-test: skip(why) -->\n```sh\necho 1\n```\n\n<!-- docs-numbers: output -->\n"
        "```text\n1\n```\n": "marked doc-test skip",
    }
    for page, why in cases.items():
        src = checkout(tmp_path / str(abs(hash(page))), page)
        r = docs_numbers(src, nisim_bin, "--check")
        assert r.returncode == 1, (page, r.stdout)
        assert why in r.stderr and "page.md:" in r.stderr, (page, r.stderr)


def test_check_passes_on_the_shipped_docs_without_running_anything(nisim_bin: Path) -> None:
    env = dict(os.environ)
    env.pop("NISIM_SOURCE_DIR", None)
    r = subprocess.run([PYTHON, str(TOOLS / "docs_numbers.py"), "--check"], capture_output=True,
                       text=True, env=env, timeout=120, cwd=TOOLS.parent)
    assert r.returncode == 0, r.stdout + r.stderr
    for page in ("analysis.md", "batches.md", "calibration.md", "output.md", "scenarios.md"):
        assert f"{page}:" in r.stdout, r.stdout
