"""The documents of the book's table of contents, ``_toc.yml``."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def toc_entries():
    """Every document of ``_toc.yml`` (root first), as a path without its extension."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [entry["file"] for part in toc["parts"] for entry in part["chapters"]]
