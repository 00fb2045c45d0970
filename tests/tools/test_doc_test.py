"""tools/doc_test.py: it runs the shell blocks of a Markdown file, honours its markers, and fails
on a failing command, a wrong exit status, output that differs from the shown output (under
`output`), and a skip without a reason."""
from __future__ import annotations

from pathlib import Path

from conftest import TOOLS, run_tool

PYTHON = "/usr/bin/python3"


def doc_test(nisim_bin: Path, tmp_path: Path, text: str, *extra: str):
    md = tmp_path / "page.md"
    md.write_text(text)
    return run_tool(PYTHON, TOOLS / "doc_test.py", "--bin", nisim_bin, *extra, md)


def test_passing_blocks_markers_and_a_shared_scratch_directory(nisim_bin: Path,
                                                               tmp_path: Path) -> None:
    r = doc_test(nisim_bin, tmp_path, (
        "```sh\nnisim --version\necho made > out/a.txt\n```\n\n"
        "```console\n$ cat out/a.txt\nmade\n$ cat b.toml\n[run]\nhorizon = 2020\n```\n\n"
        "<!-- doc-test: output, exit 4 -->\n```console\n$ nisim validate nothere.toml\n"
        "nisim: error: nothere.toml: cannot read scenario file: No such file or directory\n```\n\n"
        "<!-- doc-test: output -->\n```console\n$ nisim validate b.toml\nb.toml: valid\n```\n\n"
        "<!-- doc-test: slow -->\n```sh\nfalse\n```\n\n"
        "<!-- doc-test: skip(a reason) -->\n```sh\nfalse\n```\n\n"
        "<!-- doc-test: cwd scenarios -->\n```sh\ntest -f baseline.toml\n```\n"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "5 passed, 0 failed, 1 skipped (with reasons), 1 slow not run" in r.stdout
    assert "SKIP" in r.stdout and "a reason" in r.stdout


def test_slow_blocks_run_with_slow(nisim_bin: Path, tmp_path: Path) -> None:
    r = doc_test(nisim_bin, tmp_path, "<!-- doc-test: slow -->\n```sh\nfalse\n```\n", "--slow")
    assert r.returncode == 1 and "FAIL" in r.stdout


def test_a_failing_command_fails_the_block_even_before_the_last(nisim_bin: Path,
                                                                tmp_path: Path) -> None:
    r = doc_test(nisim_bin, tmp_path, "```sh\nnisim run nothere.toml -o out/x.h5\necho ok\n```\n")
    assert r.returncode == 1
    assert "exit status 4, expected 0" in r.stdout and "nothere.toml" in r.stdout


def test_wrong_exit_status_and_wrong_output_fail(nisim_bin: Path, tmp_path: Path) -> None:
    r = doc_test(nisim_bin, tmp_path, "<!-- doc-test: exit 2 -->\n```sh\nnisim validate x.toml\n```\n")
    assert r.returncode == 1 and "expected 2" in r.stdout
    r = doc_test(nisim_bin, tmp_path, "<!-- doc-test: output, exit 4 -->\n```console\n"
                 "$ nisim validate nothere.toml\nnisim: error: something else\n```\n")
    assert r.returncode == 1 and "differs" in r.stdout and "cannot read scenario" in r.stdout


def test_skip_without_reason_and_unknown_markers_are_usage_errors(nisim_bin: Path,
                                                                 tmp_path: Path) -> None:
    for marker in ("skip", "skip()", "sometimes"):
        r = doc_test(nisim_bin, tmp_path, f"<!-- doc-test: {marker} -->\n```sh\ntrue\n```\n")
        assert r.returncode == 2, (marker, r.stdout, r.stderr)
        assert "page.md:2" in r.stderr


def test_every_block_of_the_docs_is_run_or_has_a_reason() -> None:
    r = run_tool(PYTHON, TOOLS / "doc_test.py", "--list")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert any(line.startswith("README.md:") for line in lines)
    for line in lines:
        markers = line.split(" ", 2)[2]
        if "skip" in markers:
            assert "skip(" in markers and not markers.startswith("skip()"), line
