"""Used by the scripts tools/*.py of an nisim checkout: each puts the checkout's python/ first on
sys.path and calls `run(__name__, "fan_chart")`. Run as a program, the script is the tool's
command (exit code of cli()); imported as a module (the tests import tools/kpi_table.py as
`kpi_table`), it *is* the package module nisim.tools.<tool>, so patches and attributes reach
the code that runs."""
from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path


def run(name: str, tool: str) -> None:
    # knowledge_effect runs the checkout's scenarios/ (see its ROOT).
    os.environ.setdefault("NISIM_SOURCE_DIR", str(Path(__file__).resolve().parents[3]))
    module = importlib.import_module(f"nisim.{tool}" if tool == "h5" else f"nisim.tools.{tool}")
    if name == "__main__":
        if not hasattr(module, "cli"):
            print(f"{Path(sys.argv[0]).name}: error: a module of the other tools, not a command",
                  file=sys.stderr)
            sys.exit(2)
        sys.exit(module.cli())
    sys.modules[name] = module
