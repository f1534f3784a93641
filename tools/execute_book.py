"""Execute the book's notebooks into its execution cache, one per CPU core at a time.

Usage: ``python tools/execute_book.py`` (``make book`` runs it before Jupyter Book).

Jupyter Book executes notebooks one after the other, and a chapter's small models keep
about one core busy: on a 2-core machine half of it waits. This fills the same cache
(``_build/.jupyter_cache``, with jupyter-cache's parallel executor) with the notebooks of
the toc that the book executes and whose code changed, so that the build then finds every
one cached ("Using cached notebook"). A notebook that fails here stops the build with its
traceback; a notebook this misses is simply executed by the build, as before.
"""

import fnmatch
import sys
import time
from pathlib import Path

import yaml
from jupyter_cache import get_cache
from jupyter_cache.executors import load_executor

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools.toc import ROOT, toc_entries  # noqa: E402

CACHE = ROOT / "_build" / ".jupyter_cache"


def executed_notebooks():
    """The toc's notebooks that the book executes (not those its config excludes), and the
    book's execution settings."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]
    excluded = config.get("exclude_patterns", [])
    return [ROOT / f"{name}.ipynb" for name in toc_entries()
            if (ROOT / f"{name}.ipynb").exists()
            and not any(fnmatch.fnmatch(f"{name}.ipynb", p) for p in excluded)], config


def main():
    notebooks, config = executed_notebooks()
    cache = get_cache(str(CACHE))
    uris = [cache.add_nb_to_project(str(path)).uri for path in notebooks]
    start = time.monotonic()
    result = load_executor("local-parallel", cache=cache).run_and_cache(
        filter_uris=uris, timeout=config["timeout"], allow_errors=config["allow_errors"])
    ran = result.succeeded + result.excepted + result.errored
    print(f"executed {len(ran)} of {len(uris)} notebooks in {time.monotonic() - start:.0f} s"
          f" (the others were cached)")
    for uri in sorted(result.succeeded):
        seconds = cache.match_cache_notebook(cache.get_project_notebook(uri).nb).data
        print(f"  {Path(uri).relative_to(ROOT)}: {seconds.get('execution_seconds', 0):.1f} s")
    for uri in sorted(result.excepted + result.errored):
        record = cache.get_project_record(uri)
        print(f"FAILED {Path(uri).relative_to(ROOT)}\n{record.traceback or ''}", file=sys.stderr)
    return 1 if result.excepted or result.errored else 0


if __name__ == "__main__":
    sys.exit(main())
