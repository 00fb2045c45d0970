#!/usr/bin/env python3
"""Run the shell blocks of the docs (README.md, docs/*.md) and check that they work.

    tools/doc_test.py --bin build/debug/app/nisim [--slow] [--list] [FILE.md ...]

Every fenced block tagged ```sh, ```bash or ```console is run, page by page, each page in a
fresh scratch directory holding copies of the repository's input folders (scenarios/, batches/,
attributions/, calibration/, targets/, data/, docs/) and links to tools/ and python/, with the
given binary on PATH as `nisim` (the docs call the installed binary `nisim`: README.md, "Quick
start"), and an empty out/ (the quick start makes it). Blocks of a page run in order and share its scratch directory, so a block may read what
an earlier block of the same page wrote; no page depends on another.

An HTML comment on the line before a block's fence changes how it is run:

    <!-- doc-test: skip(REASON) -->   not run; REASON is required and printed
    <!-- doc-test: slow -->           run only with --slow (CTest's doc_test runs without it)
    <!-- doc-test: exit N -->         the block must exit with status N (default 0)
    <!-- doc-test: output -->         (console) the output shown must equal the output produced
    <!-- doc-test: cwd DIR -->        run in DIR of the scratch directory

Markers combine with commas: `<!-- doc-test: slow, exit 3 -->`.

sh and bash blocks run as one `bash -e -o pipefail` script: the first failing command fails the
block. console blocks are sessions: lines starting with `$ ` are commands, the lines after one
are its output. The commands run in order in one shell (without -e) and the block's status is
that of the last command. The output shown is compared only under `output`. `$ cat FILE` with
FILE absent first writes the shown text to FILE: the docs show the files they use.

Exit codes: 0 every block run passed, 1 a block failed (each failure is listed with its file and
line), 2 usage or a bad marker (an unknown marker, a skip without a reason).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent
COPIED = ("scenarios", "batches", "attributions", "calibration", "targets", "data", "docs")
LINKED = ("tools", "python", "bench")
SHELLS = ("sh", "bash", "console")
MARKER = re.compile(r"^<!--\s*doc-test:\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^```(\w*)\s*$")
TIMEOUT = 900  # seconds per block


class MarkerError(Exception):
    pass


@dataclass
class Block:
    path: Path
    line: int          # 1-based line of the opening fence
    lang: str
    text: str
    skip: str | None = None
    slow: bool = False
    exit: int = 0
    output: bool = False
    cwd: str = "."
    markers: list[str] = field(default_factory=list)

    def where(self) -> str:
        try:
            return f"{self.path.resolve().relative_to(SOURCE)}:{self.line}"
        except ValueError:
            return f"{self.path}:{self.line}"


def parse_markers(block: Block, spec: str) -> None:
    for raw in re.split(r",\s*(?![^()]*\))", spec):
        m = raw.strip()
        if not m:
            continue
        block.markers.append(m)
        if m.startswith("skip"):
            reason = re.fullmatch(r"skip\((.*)\)", m, re.S)
            if not reason or not reason.group(1).strip():
                raise MarkerError(f"{block.where()}: `skip` needs a reason: skip(why)")
            block.skip = reason.group(1).strip()
        elif m == "slow":
            block.slow = True
        elif m == "output":
            if block.lang != "console":
                raise MarkerError(f"{block.where()}: `output` is for console blocks")
            block.output = True
        elif re.fullmatch(r"exit \d+", m):
            block.exit = int(m.split()[1])
        elif re.fullmatch(r"cwd \S+", m):
            block.cwd = m.split()[1]
        else:
            raise MarkerError(f"{block.where()}: unknown doc-test marker {m!r} (skip(reason), "
                              "slow, exit N, output, cwd DIR)")


def blocks_of(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").split("\n")
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        if m.group(1) in SHELLS:
            b = Block(path, i + 1, m.group(1), "\n".join(lines[i + 1:j]) + "\n")
            k = i - 1
            while k >= 0 and not lines[k].strip():
                k -= 1
            mk = MARKER.match(lines[k]) if k >= 0 else None
            if mk:
                parse_markers(b, mk.group(1))
            out.append(b)
        i = j + 1
    return out


def session(text: str) -> list[tuple[str, list[str]]]:
    """(command, output lines) of each `$ ` command of a console block; a command ending in
    a backslash continues on the next line."""
    cmds: list[tuple[str, list[str]]] = []
    lines = text.rstrip("\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            cmd = line[2:]
            while cmd.endswith("\\") and i + 1 < len(lines):
                i += 1
                cmd = cmd + "\n" + lines[i]
            cmds.append((cmd, []))
        elif cmds:
            cmds[-1][1].append(line)
        i += 1
    return cmds


def scratch(root: Path) -> None:
    (root / "out").mkdir()  # as after the quick start (tools/quickstart.sh), which makes it
    for d in COPIED:
        if (SOURCE / d).is_dir():
            shutil.copytree(SOURCE / d, root / d, symlinks=True)
    for d in LINKED:
        if (SOURCE / d).exists():
            (root / d).symlink_to(SOURCE / d)


def run_block(b: Block, root: Path, env: dict[str, str]) -> tuple[bool, str]:
    cwd = (root / b.cwd).resolve()
    if not cwd.is_dir():
        return False, f"cwd {b.cwd}: no such directory in the scratch directory"
    if b.lang == "console":
        cmds = session(b.text)
        for cmd, shown in cmds:
            target = re.fullmatch(r"cat (\S+)", cmd)
            if target and not (cwd / target.group(1)).exists():
                (cwd / target.group(1)).write_text("\n".join(shown) + "\n")
        # Each command's output is delimited by a marker line to compare it with what is shown.
        sep = "@@doc-test-command-done@@"
        script = "".join(f"{cmd}\n__s=$?; echo {sep}; (exit $__s)\n" for cmd, _ in cmds)
        r = subprocess.run(["bash", "-o", "pipefail", "-c", script], cwd=cwd, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=TIMEOUT)
        got = r.stdout.split(sep + "\n")
        if b.output:
            for k, (cmd, shown) in enumerate(cmds):
                actual = got[k].rstrip("\n").split("\n") if k < len(got) and got[k] else []
                want = [s.rstrip() for s in shown]
                if [a.rstrip() for a in actual] != want:
                    return False, (f"output of `{cmd}` differs:\n--- shown\n" + "\n".join(want)
                                   + "\n--- produced\n" + "\n".join(actual))
    else:
        r = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", b.text], cwd=cwd, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=TIMEOUT)
    if r.returncode != b.exit:
        text = r.stdout.replace("@@doc-test-command-done@@\n", "")
        tail = "\n".join(text.rstrip("\n").split("\n")[-15:])
        return False, f"exit status {r.returncode}, expected {b.exit}; last output:\n{tail}"
    return True, ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", type=Path,
                    help="Markdown files (default: README.md and docs/*.md)")
    ap.add_argument("--bin", type=Path, help="the nisim binary the docs call `nisim`")
    ap.add_argument("--slow", action="store_true", help="also run blocks marked slow")
    ap.add_argument("--list", action="store_true", help="list the blocks and their markers")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directories")
    args = ap.parse_args(argv)
    files = args.files or [SOURCE / "README.md", *sorted((SOURCE / "docs").glob("*.md"))]
    try:
        pages = [(f, blocks_of(f)) for f in files]
    except (MarkerError, OSError) as e:
        print(f"doc_test.py: error: {e}", file=sys.stderr)
        return 2
    if args.list:
        for f, blocks in pages:
            for b in blocks:
                print(f"{b.where()} {b.lang} {', '.join(b.markers) or '-'}")
        return 0
    if args.bin is None or not os.access(args.bin, os.X_OK):
        print(f"doc_test.py: error: --bin: no executable nisim binary at {args.bin}",
              file=sys.stderr)
        return 2
    bindir = Path(tempfile.mkdtemp(prefix="nisim-doc-bin-"))
    (bindir / "nisim").symlink_to(args.bin.resolve())
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
               MPLBACKEND="Agg", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    failures, counts = [], {"passed": 0, "skipped": 0, "slow": 0}
    start = time.monotonic()
    for f, blocks in pages:
        if not blocks:
            continue
        root = Path(tempfile.mkdtemp(prefix=f"nisim-doc-{f.stem}-"))
        scratch(root)
        for b in blocks:
            if b.skip:
                counts["skipped"] += 1
                print(f"SKIP {b.where()}: {b.skip}")
                continue
            if b.slow and not args.slow:
                counts["slow"] += 1
                print(f"SLOW {b.where()}: not run (--slow runs it)")
                continue
            t0 = time.monotonic()
            try:
                ok, why = run_block(b, root, env)
            except subprocess.TimeoutExpired:
                ok, why = False, f"timed out after {TIMEOUT} s"
            print(f"{'PASS' if ok else 'FAIL'} {b.where()} ({time.monotonic() - t0:.1f} s)",
                  flush=True)
            if ok:
                counts["passed"] += 1
            else:
                failures.append(b.where())
                print("    " + why.replace("\n", "\n    "), flush=True)
        if args.keep:
            print(f"     scratch directory of {f.name}: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(bindir, ignore_errors=True)
    print(f"{counts['passed']} passed, {len(failures)} failed, {counts['skipped']} skipped "
          f"(with reasons), {counts['slow']} slow not run, {time.monotonic() - start:.0f} s")
    for w in failures:
        print(f"failed: {w}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
