#!/usr/bin/env python3
"""`nisim-nifs-channels` (python/nisim/tools/nifs_channels.py) run from this checkout, no install needed.

Usage, options and exit codes: python/nisim/tools/nifs_channels.py, and docs/python.md.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), os.pardir, "python"))
from nisim.tools._checkout import run  # noqa: E402

run(__name__, "nifs_channels")
