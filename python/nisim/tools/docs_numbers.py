"""Regenerate every number the docs print, from the commands the docs show:

    tools/docs_numbers.py --bin build/release/app/nisim [FILE.md ...]   # rewrite the docs
    tools/docs_numbers.py --check [FILE.md ...]                          # markers only, no run

A page takes part if it holds a generated block (default: every docs/*.md that does). Its code
blocks run in order in a scratch directory laid out as tools/doc_test.py lays it out (copies of
scenarios/, batches/, attributions/, calibration/, targets/, data/, docs/; links to tools/,
python/, bench/; an empty out/; the given binary on PATH as `nisim`):

* every ```sh, ```bash and ```console block not marked `<!-- doc-test: skip(...) -->`, slow
  ones included (doc-test's `exit N` and `cwd DIR` markers apply);
* every ```python block whose next block is a generated output block (below), or which is
  marked `<!-- docs-numbers: run -->`, with /usr/bin/python3.

Three kinds of generated blocks:

* `<!-- docs-numbers: output -->` on the line before a ```text fence: the fence's body becomes
  the standard output of the code block just above it (a python, sh, bash or console block);
* `<!-- docs-numbers: transcript -->` on the line before a ```text fence holding a session
  (`$ command` lines, each followed by its output): the commands run in order in one shell, in
  their place among the page's blocks, and each one's output (standard output and error, any
  exit status) replaces the lines shown under it;
* `<!-- NAME:begin -->` ... `<!-- NAME:end -->` (for example `attribution-table`,
  `calibration-report:baseline`): a command of the page writes this region into the page's copy
  in the scratch directory (`attribution_table.py --update docs/analysis.md`,
  `calibration_report.py --doc docs/calibration.md --name baseline`); the region is copied back.
  The command that writes it must be in a code block before the region. A region named
  `docs-numbers:output` (or `docs-numbers:output:ANYTHING`) instead takes the standard output of
  the code block just above it, as Markdown (a table, for example).

`--check` runs nothing: it checks that every marker is well formed, that every output block has a
code block above it that will run, and that every region is written by a command shown before it
on the page (the page's own path appears in a code block before it). Nothing is written.

Exit codes: 0 ok (the docs were rewritten, or --check found nothing wrong), 1 a block failed or
--check found a problem (each listed with its file and line), 2 usage.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

OUTPUT = re.compile(r"^<!--\s*docs-numbers:\s*(output|transcript|run)\s*-->\s*$")
REGION = re.compile(r"^<!--\s*([A-Za-z0-9_.:-]+):(begin|end)\s*-->\s*$")
FENCE = re.compile(r"^```(\w*)\s*$")
RUN_LANGS = ("sh", "bash", "console", "python")
PYTHON = "/usr/bin/python3"
TIMEOUT = 1800  # seconds per block


def source_dir() -> Path:
    """The checkout whose docs are regenerated: $NISIM_SOURCE_DIR (tools/*.py set it), else the
    current directory."""
    return Path(os.environ.get("NISIM_SOURCE_DIR") or Path.cwd()).resolve()


def doc_test(source: Path):
    """tools/doc_test.py of the checkout: its scratch layout and doc-test markers are reused."""
    spec = importlib.util.spec_from_file_location("nisim_doc_test", source / "tools" /
                                                  "doc_test.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"docs_numbers.py: error: {source}/tools/doc_test.py not found "
                         "(run from an nisim checkout or set NISIM_SOURCE_DIR)")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


class PageError(Exception):
    pass


@dataclass
class Code:
    line: int               # 1-based line of the opening fence
    end: int                # 1-based line of the closing fence
    lang: str
    text: str
    doc_test: str = ""      # the doc-test marker's text, if any
    docs_numbers: str = ""  # "output", "transcript" or "run"
    skip: bool = False
    exit: int = 0
    cwd: str = "."
    stdout: str = ""
    runs: bool = False


@dataclass
class Page:
    path: Path
    lines: list[str]
    blocks: list[Code] = field(default_factory=list)
    regions: dict[str, tuple[int, int]] = field(default_factory=dict)  # name: begin, end (0-based)

    def where(self, line: int) -> str:
        return f"{self.path.name}:{line}"


def parse(path: Path, dt) -> Page:
    lines = path.read_text(encoding="utf-8").split("\n")
    page = Page(path, lines)
    opened: dict[str, int] = {}
    i = 0
    while i < len(lines):
        r = REGION.match(lines[i])
        if r and not r.group(1).startswith("doc-test"):
            name, kind = r.groups()
            if kind == "begin":
                if name in opened or name in page.regions:
                    raise PageError(f"{page.where(i + 1)}: a second '{name}:begin'")
                opened[name] = i
            else:
                if name not in opened:
                    raise PageError(f"{page.where(i + 1)}: '{name}:end' without a begin")
                page.regions[name] = (opened.pop(name), i)
        m = FENCE.match(lines[i])
        if not m or not m.group(1):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        if j == len(lines):
            raise PageError(f"{page.where(i + 1)}: fence not closed")
        b = Code(i + 1, j + 1, m.group(1), "\n".join(lines[i + 1:j]) + "\n")
        k = i - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        if k >= 0 and (o := OUTPUT.match(lines[k])):
            b.docs_numbers = o.group(1)
            k -= 1
            while k >= 0 and not lines[k].strip():
                k -= 1
        if k >= 0 and (mk := dt.MARKER.match(lines[k])):
            b.doc_test = mk.group(1)
            probe = dt.Block(path, i + 1, b.lang if b.lang in dt.SHELLS else "sh", b.text)
            try:
                dt.parse_markers(probe, mk.group(1))
            except dt.MarkerError as e:
                raise PageError(str(e)) from None
            b.skip, b.exit, b.cwd = probe.skip is not None, probe.exit, probe.cwd
        page.blocks.append(b)
        i = j + 1
    if opened:
        name, at = next(iter(opened.items()))
        raise PageError(f"{page.where(at + 1)}: '{name}:begin' without an end")
    decide(page, dt)
    return page


def decide(page: Page, dt) -> None:
    """Which blocks run, and check every generated block has its producer."""
    for k, b in enumerate(page.blocks):
        if b.docs_numbers == "output":
            if b.lang != "text":
                raise PageError(f"{page.where(b.line)}: `docs-numbers: output` is for ```text "
                                f"blocks, not ```{b.lang}")
            if k == 0 or page.blocks[k - 1].lang not in RUN_LANGS:
                raise PageError(f"{page.where(b.line)}: output block without a code block "
                                "(python, sh, bash, console) just above it")
            src = page.blocks[k - 1]
            if src.skip:
                raise PageError(f"{page.where(b.line)}: the block above it (line {src.line}) "
                                "is marked doc-test skip, so nothing produces this output")
            src.runs = True
        elif b.docs_numbers == "transcript":
            if b.lang != "text" or not dt.session(b.text):
                raise PageError(f"{page.where(b.line)}: `docs-numbers: transcript` is for "
                                "```text blocks of `$ command` lines")
            b.runs = True
        elif b.docs_numbers == "run" and b.lang not in RUN_LANGS:
            raise PageError(f"{page.where(b.line)}: `docs-numbers: run` on a ```{b.lang} block")
    for b in page.blocks:
        if b.lang in ("sh", "bash", "console") and not b.skip:
            b.runs = True
        elif b.docs_numbers == "run" and not b.skip:
            b.runs = True
    rel = f"docs/{page.path.name}" if page.path.parent.name == "docs" else page.path.name
    for name, (begin, _) in page.regions.items():
        if is_output_region(name):
            src = producer(page, begin)
            if src is None:
                raise PageError(f"{page.where(begin + 1)}: region '{name}' without a code block "
                                "(python, sh, bash, console) just above it")
            src.runs = True
            continue
        writers = [b for b in page.blocks if b.runs and b.end <= begin and rel in b.text]
        if not writers:
            raise PageError(f"{page.where(begin + 1)}: no command before the region '{name}' "
                            f"writes it (a run code block naming {rel})")


def is_output_region(name: str) -> bool:
    return name == "docs-numbers:output" or name.startswith("docs-numbers:output:")


def producer(page: Page, begin: int) -> Code | None:
    """The code block just above line `begin` (0-based), if it is one that can run."""
    above = [b for b in page.blocks if b.end <= begin]
    if not above or above[-1].lang not in RUN_LANGS or above[-1].skip:
        return None
    return above[-1]


def generated(page: Page) -> bool:
    return bool(page.regions) or any(b.docs_numbers in ("output", "transcript")
                                     for b in page.blocks)


SEP = "@@docs-numbers-command-done@@"


def run(b: Code, page: Page, root: Path, env: dict[str, str], dt) -> None:
    cwd = (root / b.cwd).resolve()
    if b.docs_numbers == "transcript":
        cmds = dt.session(b.text)
        script = "".join(f"{c}\n__s=$?; echo {SEP}\n" for c, _ in cmds)
        r = subprocess.run(["bash", "-o", "pipefail", "-c", script], cwd=cwd, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=TIMEOUT)
        got = r.stdout.split(SEP + "\n")
        out = []
        for k, (c, _) in enumerate(cmds):
            out.append("$ " + c)
            if k < len(got) and got[k]:
                out.extend(got[k].rstrip("\n").split("\n"))
        b.stdout = "\n".join(out) + "\n"
        return
    if b.lang == "python":
        cmd = [PYTHON, "-c", b.text]
    elif b.lang == "console":
        cmds = dt.session(b.text)
        for c, shown in cmds:
            target = re.fullmatch(r"cat (\S+)", c)
            if target and not (cwd / target.group(1)).exists():
                (cwd / target.group(1)).write_text("\n".join(shown) + "\n")
        cmd = ["bash", "-o", "pipefail", "-c", "".join(f"{c}\n" for c, _ in cmds)]
    else:
        cmd = ["bash", "-e", "-o", "pipefail", "-c", b.text]
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    if r.returncode != b.exit:
        tail = "\n".join((r.stdout + r.stderr).rstrip("\n").split("\n")[-15:])
        raise PageError(f"{page.where(b.line)}: exit status {r.returncode}, expected {b.exit}; "
                        f"last output:\n{tail}")
    b.stdout = r.stdout


def regenerate(page: Page, root: Path) -> str:
    """The page's text with every generated block replaced."""
    lines = list(page.lines)
    copy = (root / "docs" / page.path.name if page.path.parent.name == "docs"
            else root / page.path.name)
    scratch_lines = (copy.read_text(encoding="utf-8").split("\n") if copy.is_file() else [])
    # Replace from the bottom up so that earlier line numbers stay valid.
    edits: list[tuple[int, int, list[str]]] = []
    for k, b in enumerate(page.blocks):
        if b.docs_numbers in ("output", "transcript"):
            src = page.blocks[k - 1] if b.docs_numbers == "output" else b
            out = src.stdout.rstrip("\n")
            edits.append((b.line, b.end - 1, out.split("\n") if out else []))
    for name, (begin, end) in page.regions.items():
        if is_output_region(name):
            out = producer(page, begin).stdout.rstrip("\n")
            edits.append((begin + 1, end, out.split("\n") if out else []))
            continue
        try:
            sb = scratch_lines.index(lines[begin])
            se = scratch_lines.index(lines[end], sb)
        except ValueError:
            raise PageError(f"{page.where(begin + 1)}: region '{name}' lost in the scratch copy")
        edits.append((begin + 1, end, scratch_lines[sb + 1:se]))
    for start, stop, new in sorted(edits, reverse=True):
        lines[start:stop] = new
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", type=Path,
                    help="Markdown files (default: every docs/*.md with a generated block)")
    ap.add_argument("--bin", type=Path, help="the nisim binary the docs call `nisim`")
    ap.add_argument("--check", action="store_true", help="check the markers; run nothing")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directories")
    args = ap.parse_args(argv)
    source = source_dir()
    dt = doc_test(source)
    files = args.files or sorted((source / "docs").glob("*.md"))
    pages, problems = [], []
    for f in files:
        try:
            p = parse(f, dt)
        except (PageError, OSError) as e:
            problems.append(str(e))
            continue
        if generated(p) or args.files:
            pages.append(p)
    for msg in problems:
        print(f"docs_numbers.py: {msg}", file=sys.stderr)
    if args.check:
        for p in pages:
            outs = sum(b.docs_numbers in ("output", "transcript") for b in p.blocks)
            print(f"{p.path.name}: {outs} output block(s), {len(p.regions)} region(s) "
                  f"({', '.join(p.regions) or '-'}); "
                  f"{sum(b.runs for b in p.blocks)} code block(s) would run")
        return 1 if problems else 0
    if problems:
        return 1
    if args.bin is None or not os.access(args.bin, os.X_OK):
        print(f"docs_numbers.py: error: --bin: no executable nisim binary at {args.bin}",
              file=sys.stderr)
        return 2
    bindir = Path(tempfile.mkdtemp(prefix="nisim-docs-numbers-bin-"))
    (bindir / "nisim").symlink_to(args.bin.resolve())
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
               MPLBACKEND="Agg", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    failed = 0
    for p in pages:
        root = Path(tempfile.mkdtemp(prefix=f"nisim-docs-numbers-{p.path.stem}-"))
        dt.scratch(root)
        t0 = time.monotonic()
        try:
            for b in p.blocks:
                if b.runs:
                    t1 = time.monotonic()
                    run(b, p, root, env, dt)
                    print(f"  ran {p.where(b.line)} {b.lang} ({time.monotonic() - t1:.1f} s)",
                          flush=True)
            text = regenerate(p, root)
        except (PageError, subprocess.TimeoutExpired) as e:
            print(f"docs_numbers.py: {e}", file=sys.stderr)
            failed += 1
            continue
        finally:
            if args.keep:
                print(f"  scratch directory of {p.path.name}: {root}")
            else:
                shutil.rmtree(root, ignore_errors=True)
        old = p.path.read_text(encoding="utf-8")
        if text != old:
            p.path.write_text(text, encoding="utf-8")
        print(f"{p.path.name}: {'rewritten' if text != old else 'unchanged'} "
              f"({time.monotonic() - t0:.0f} s)", flush=True)
    shutil.rmtree(bindir, ignore_errors=True)
    return 1 if failed else 0


def cli() -> int:
    """Console entry point (pyproject.toml)."""
    return main()


if __name__ == "__main__":
    sys.exit(cli())
