#!/usr/bin/env python3
"""`nisim-factor-markets` (python/nisim/tools/factor_markets.py) run from this checkout, no install needed.

Usage, options and exit codes: python/nisim/tools/factor_markets.py, and docs/python.md.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), os.pardir, "python"))
from nisim.tools._checkout import run  # noqa: E402

run(__name__, "factor_markets")
