"""Time every chapter and every reference solution against its budget on this machine.

Usage: ``make bench`` (or ``python tools/bench.py [--only PATTERN]``).

First, one epoch of a small convnet with oneDNN off and on, side by side (the course keeps
oneDNN on). Then each notebook runs top to bottom in a fresh kernel, as the book build and
the grader run it, and the wall-clock time is printed in a table with its budget (chapter
<= 60 s, reference solution <= 90 s on 2 CPU cores). Exit status 1 if any notebook fails or
is over budget.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dlcourse  # noqa: E402, F401  (quiets TensorFlow in the kernels started from here)

BUDGETS = {"chapters": 60.0, "solutions": 90.0}


def notebooks(pattern):
    for folder, budget in BUDGETS.items():
        for path in sorted((ROOT / folder).rglob("*.ipynb")):
            if pattern in str(path):
                yield path, budget


def run(path):
    """Execute a notebook in a fresh kernel from its own folder; return seconds taken."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def onednn_table():
    """One convnet epoch (2,000 images, 64x64) with oneDNN off and on, in fresh processes."""
    seconds = {}
    for label, value in [("off", "0"), ("on", "1")]:
        env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": value}
        result = subprocess.run([sys.executable, str(ROOT / "tools" / "convnet_epoch.py")],
                                env=env, capture_output=True, text=True, check=True)
        seconds[label] = float(result.stdout.split()[-1])
    print("small convnet, one epoch on 2,000 car/truck images (64x64):")
    print(f"  oneDNN off {seconds['off']:6.2f} s   oneDNN on {seconds['on']:6.2f} s"
          f"   ({seconds['off'] / seconds['on']:.1f}x faster on)\n", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="time only paths containing this text")
    args = parser.parse_args()
    if not args.only:  # the whole bench: the oneDNN comparison first
        onednn_table()
    print(f"{'notebook':<52} {'seconds':>8} {'budget':>7}  verdict   ({os.cpu_count()} CPUs)")
    ok = True
    for path, budget in notebooks(args.only):
        name = str(path.relative_to(ROOT))
        try:
            seconds = run(path)
        except Exception as error:  # report every notebook, then fail
            print(f"{name:<52} {'-':>8} {budget:>7.0f}  FAILED: {type(error).__name__}")
            ok = False
            continue
        verdict = "ok" if seconds <= budget else "OVER BUDGET"
        ok &= seconds <= budget
        print(f"{name:<52} {seconds:>8.1f} {budget:>7.0f}  {verdict}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
