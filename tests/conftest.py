"""Shared test settings and helpers: the repository root on sys.path (for ``tools``), quiet
TensorFlow, where the built site is, and the pages listed in the table of contents."""

import os
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SITE = ROOT / "_build" / "html"

os.environ.setdefault("MPLBACKEND", "Agg")  # this process only; nbgrader kernels drop it

import dlcourse  # noqa: E402, F401  (sets the quiet-TensorFlow environment)


def toc_entries():
    """Every document of ``_toc.yml`` (root first), as a path without its extension."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [entry["file"] for part in toc["parts"] for entry in part["chapters"]]
