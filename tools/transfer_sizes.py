"""Transfer learning against the size of the training set, for chapter 13.

Usage: ``python tools/transfer_sizes.py [--seeds N] [--part vehicles|textures] [--sizes N ...]``
(tens of minutes on 2 busy cores; processes can share the work by part and by size: each
merges its runs into the results file, under a lock, and skips runs already there).

Writes ``dlcourse/transfer_sizes.json``, which the chapter plots and tabulates. Two target
tasks, each with balanced training subsets of several sizes drawn with each seed, scored on
their whole validation split:

- **vehicles** (similar to the base's source task, objects in cluttered scenes): car vs
  truck, subsets of the 2,000 training scenes, 500 validation scenes;
- **textures** (different from it): brick, grass and gravel, 64 x 64 crops of the gray
  photographs with the gray channel copied into the three colour channels
  (:func:`dlcourse.transfer.textures_for_base`), subsets of 600 training crops, 600
  validation crops.

Methods (:data:`dlcourse.transfer.METHODS`): the data report's small convnet trained from
scratch; a pooled head on the features of the base with random weights; the same head on
the pretrained base's features (feature extraction), and on its features after block 2;
fine-tuning (that head first, then block 3 unfrozen, Adam at 0.0001, 5 epochs). The random
base and block 2 run at the sizes of the four cases only (``CASE_SIZES``), and the scratch
convnet on all 2,000 scenes is left to the data report, which measured it over five seeds.
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import dlcourse  # noqa: E402, F401  (quiets TensorFlow before keras is imported)
from dlcourse import transfer  # noqa: E402
from dlcourse.data import load_vehicles  # noqa: E402

# In the order they are measured: the sizes of the four cases first.
VEHICLE_SIZES = [200, 2000, 50]
# The scratch convnet on all 2,000 scenes is measured by the data report (5 seeds,
# dlcourse/data/report.json); too slow to repeat here.
VEHICLE_SKIP = [(2000, "scratch")]
TEXTURE_SIZES = [30, 600, 90]  # 10, 200 and 30 crops per class
# The sizes of the four cases ("small" and "large" target sets), where every method runs;
# at the other sizes only scratch, feature extraction and fine-tuning.
CASE_SIZES = {"vehicles": [200, 2000], "textures": [30, 600]}


def environment():
    import keras
    import tensorflow as tf

    from dlcourse.quiet import onednn_enabled

    return {"python": platform.python_version(), "numpy": np.__version__,
            "tensorflow": tf.__version__, "keras": keras.__version__,
            "onednn": onednn_enabled(), "cpu_count": os.cpu_count(),
            "load_average_at_start": [round(v, 2) for v in os.getloadavg()]}


PARTS = ("vehicles", "textures")


def task(name):
    if name == "vehicles":
        return {"train": load_vehicles("train"), "valid": load_vehicles("validation"),
                "sizes": VEHICLE_SIZES, "case_sizes": CASE_SIZES["vehicles"],
                "skip": VEHICLE_SKIP}
    return {"train": transfer.textures_for_base("train", 200),
            "valid": transfer.textures_for_base("validation", 200),
            "sizes": TEXTURE_SIZES, "classes": 3, "case_sizes": CASE_SIZES["textures"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--part", choices=PARTS, action="append",
                        help="what to measure (default: all three, one after the other)")
    parser.add_argument("--sizes", type=int, nargs="+",
                        help="only these training-set sizes (several processes can share a"
                             " part this way; runs already in the file are not repeated)")
    args = parser.parse_args(argv)
    seeds = list(range(args.seeds))
    log = lambda line: print(line, flush=True)  # noqa: E731
    for part in args.part or PARTS:
        env = environment()
        start = time.perf_counter()
        def partial(results, part=part, env=env):
            write(part, {**results[part], "environment": env}, seeds)

        measured = task(part)
        if args.sizes:
            measured["sizes"] = [n for n in measured["sizes"] if n in args.sizes]
        results = transfer.run_experiment({part: measured}, seeds, log=log, save=partial,
                                          done=done_runs())
        name = part
        results[name].update(environment=env, seconds=round(time.perf_counter() - start, 1),
                             load_average_at_end=[round(v, 2) for v in os.getloadavg()])
        write(name, results[name], seeds)
        print(f"{part}: written to {transfer.RESULTS_FILE.relative_to(ROOT)}"
              f" ({results[name]['seconds']:.0f} s)")


def done_runs():
    """``(task, size, seed, method)`` of the runs already in the results file."""
    if not transfer.RESULTS_FILE.exists():
        return set()
    tasks = json.loads(transfer.RESULTS_FILE.read_text()).get("tasks", {})
    return {(name, r["size"], r["seed"], r["method"]) for name, section in tasks.items()
            for r in section.get("runs", []) if "method" in r}


def write(name, section, seeds):
    """Put one task's results into the results file, keeping the other tasks'."""
    # Parts may run side by side: read, update and replace the file under a lock.
    import fcntl

    with open(transfer.RESULTS_FILE.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _write_locked(name, section, seeds)


def _write_locked(name, section, seeds):
    report = (json.loads(transfer.RESULTS_FILE.read_text()) if transfer.RESULTS_FILE.exists()
              else {"tasks": {}})
    report.update({
        "command": "python tools/transfer_sizes.py",
        "seeds": seeds,
        "case_sizes": CASE_SIZES,
        "methods": transfer.METHODS,
        "recipe": {"head": f"GlobalAveragePooling2D + Dense, Adam {transfer.HEAD_LEARNING_RATE},"
                           f" batches of {transfer.BATCH}, about 600 steps (10 to 60 epochs)",
                   "scratch": f"small convnet, Adam {transfer.SCRATCH_LEARNING_RATE}, batches of"
                              f" {transfer.BATCH}, 15 epochs on 2,000 images, more on fewer"
                              " (up to 80)",
                   "fine-tuning": f"block 3 unfrozen, Adam {transfer.FINE_TUNE_LEARNING_RATE},"
                                  f" {transfer.FINE_TUNE_EPOCHS} epochs"},
    })
    old = report["tasks"].get(name, {})
    if all("method" in r for r in section.get("runs", []) + old.get("runs", [])):
        # Several processes may measure one task: keep every run, the newest of each.
        runs = {(r["size"], r["seed"], r["method"]): r for r in old.get("runs", [])
                if "method" in r}
        runs.update({(r["size"], r["seed"], r["method"]): r for r in section.get("runs", [])})
        section = {**old, **section, "runs": sorted(runs.values(), key=lambda r: (
            r["size"], r["seed"], list(transfer.METHODS).index(r["method"])))}
    report["tasks"][name] = section
    transfer.RESULTS_FILE.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
