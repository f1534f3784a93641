"""Exercise 4, Part 7: are the three learning curves unmistakable, whatever the seed?

Usage: ``python -m tools.calibration.curves_ex04 [--seeds N]`` (20 by default; about two
minutes on the course's 2-core machine).

Runs the notebook's own cell that trains the three networks (``three_runs``) with
``run_seed`` set to 0, 1, ... instead of the notebook's seed, reads each set of curves with
the test cell's own ``_read_curves``, and prints per seed each run's last training loss,
its lowest validation loss (and epoch) and its last validation loss, then the margins the
diagnosis rests on: the underfitting run's last training loss over the next highest, the
overfitting run's rise since its lowest validation loss against the good fit's, and the
next lowest last validation loss over the one to keep. It exits with status 1 if any seed
gives another diagnosis or another run to keep than the reference answer. This is not a
threshold calibration (``tools/calibrate.py``): nothing is written.
"""

import argparse
import ast
import contextlib
import io
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import dlcourse  # noqa: E402  (quiets TensorFlow before keras is imported)

NOTEBOOK = ROOT / "solutions" / "ex04" / "ex04_overfitting.ipynb"
SEED_LINE = "run_seed = 4"
REFERENCE = {"A": "overfitting", "B": "underfitting", "C": "good fit"}, "C"


def cells():
    """The training cell's source and the test cell's ``_read_curves`` function."""
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source
             for c in nbformat.read(NOTEBOOK, as_version=4).cells}
    train = by_id["three_runs"]
    assert SEED_LINE in train, f"the training cell no longer says {SEED_LINE!r}"
    tree = ast.parse(by_id["test_read_curves"])
    reader = next(node for node in tree.body
                  if isinstance(node, ast.FunctionDef) and node.name == "_read_curves")
    return train, ast.unparse(reader)


def run(train, reader, seed):
    import keras
    import matplotlib.pyplot as plt
    import numpy as np

    keras.backend.clear_session()
    namespace = {"dlcourse": dlcourse, "keras": keras, "np": np}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(train.replace(SEED_LINE, f"run_seed = {seed}"), namespace)
    plt.close("all")
    exec(reader, namespace)
    return namespace["histories"], namespace["_read_curves"](namespace["histories"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    train, reader = cells()
    failures = 0
    print("seed  run  label         last train  lowest val (epoch)  last val  rise")
    for seed in range(args.seeds):
        histories, (truth, keep, stop) = run(train, reader, seed)
        rise, last_train, last_val = {}, {}, {}
        for name, c in histories.items():
            low = min(c["val_loss"])
            rise[name] = c["val_loss"][-1] / low - 1
            last_train[name], last_val[name] = c["loss"][-1], c["val_loss"][-1]
            epoch = c["val_loss"].index(low) + 1
            print(f"{seed:4d}  {name:3s}  {truth[name]:12s}  {c['loss'][-1]:10.2f}"
                  f"  {low:10.2f} ({epoch:3d})    {c['val_loss'][-1]:8.2f}"
                  f"  {100 * rise[name]:3.0f} %")
        by_label = {label: name for name, label in truth.items()}
        under, over, good = (by_label[k] for k in ("underfitting", "overfitting", "good fit"))
        others = sorted(last_val[name] for name in histories if name != keep)
        ok = (truth, keep) == REFERENCE
        failures += not ok
        print(f"      margins: under's last training loss {last_train[under]:.2f} ="
              f" {last_train[under] / max(last_train[over], last_train[good]):.2f} x the"
              f" next; rise {100 * rise[over]:.0f} % (over) vs {100 * rise[good]:.0f} %"
              f" (good); keep {keep}: next last val {others[0] / last_val[keep]:.2f} x;"
              f" stop_epoch {stop}; {'as the reference' if ok else 'DIFFERENT'}",
              flush=True)
    print(f"{args.seeds - failures} of {args.seeds} seeds give the reference answer")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
