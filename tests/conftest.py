"""Shared test settings and helpers: the repository root on sys.path (for ``tools``), quiet
TensorFlow, where the built site is, and the pages listed in the table of contents."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SITE = ROOT / "_build" / "html"

os.environ.setdefault("MPLBACKEND", "Agg")  # this process only; nbgrader kernels drop it

import dlcourse  # noqa: E402, F401  (sets the quiet-TensorFlow environment)
from tools.toc import toc_entries  # noqa: E402, F401  (the pages, for the tests)
