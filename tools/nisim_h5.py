#!/usr/bin/env python3
"""The module nisim.h5 (python/), for the tools and tests that import nisim_h5.

Usage, options and exit codes: python/nisim/h5.py, and docs/python.md.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), os.pardir, "python"))
from nisim.tools._checkout import run  # noqa: E402

run(__name__, "h5")
