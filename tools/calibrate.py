"""Calibrate the trained-result thresholds of the exercises over many seeds.

Usage: ``make calibrate`` (or ``python tools/calibrate.py [ASSIGNMENT ...] [--seeds N]``).

For each assignment it runs the reference solution's own cells (setup, model, training; not
the whole notebook) once per seed, measures every graded metric the way the hidden tests do,
and writes ``grader/calibration/<assignment>.json`` and the summary ``grader/calibration.md``
(min, median and max per metric, the threshold and its margin). A threshold must sit
clearly on the safe side of the worst seed; ``tests/test_calibration.py`` checks that.
"""

import argparse
import contextlib
import importlib
import io
import json
import statistics
import sys
import time
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dlcourse  # noqa: E402  (quiets TensorFlow before keras is imported)
from dlcourse.quiet import onednn_enabled  # noqa: E402

REPORTS = ROOT / "grader" / "calibration"  # one JSON per assignment
REPORT_MD = ROOT / "grader" / "calibration.md"
BASELINE = "baseline: "  # a metric of a model simpler than the task asks: it must fail
# A metric of another model worth comparing with but not one the threshold must reject (the
# least-squares line for a single linear neuron, which IS a linear model).
REFERENCE_POINT = "reference point: "

# assignment -> notebook, cells to run (by grade_id), metrics and their thresholds, one module
# per assignment in tools/calibration/. "below": a correct solution must score under the
# threshold (an error); "above": over it.
SPECS = {
    path.stem: importlib.import_module(f"tools.calibration.{path.stem}").SPEC
    for path in sorted((ROOT / "tools" / "calibration").glob("ex*.py"))
}


def report(name):
    """The committed calibration of one assignment (its JSON report)."""
    return json.loads((REPORTS / f"{name}.json").read_text())


def compiled_cells(spec):
    """The spec's cells, in its order, as Python code (IPython magics translated)."""
    sources = {}
    for cell in nbformat.read(ROOT / spec["notebook"], as_version=4).cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in spec["cells"]:
            sources[grade_id] = TransformerManager().transform_cell(cell.source)
    return [compile(sources[g], f"<{g}>", "exec") for g in spec["cells"]]


def run_cells(spec, cells, seed):
    """Execute the cells in a fresh namespace, seeding right before the model is built."""
    import keras
    import matplotlib.pyplot as plt

    keras.backend.clear_session()
    namespace = {"__name__": "__calibration__"}
    for i, code in enumerate(cells):
        if i == 1:
            dlcourse.seed(seed)
        with contextlib.redirect_stdout(io.StringIO()):  # the cells' own prints
            exec(code, namespace)
    metrics = spec["metrics"](namespace)
    plt.close("all")  # the cells' figures: twenty seeds would keep twenty sets open
    return metrics


def environment():
    """What the figures depend on besides the code: versions and the oneDNN setting."""
    import keras
    import tensorflow as tf

    return {"tensorflow": tf.__version__, "keras": keras.__version__, "onednn": onednn_enabled()}


def summarize(values):
    return {"min": min(values), "median": statistics.median(values), "max": max(values),
            "values": values}


def summaries(runs, prefix):
    """The summary of every metric whose key starts with ``prefix``, under its name."""
    return {key[len(prefix):]: summarize([run[key] for run in runs])
            for key in runs[0] if key.startswith(prefix)}


def calibrate(name, seeds):
    spec = SPECS[name]
    cells = compiled_cells(spec)
    runs = []
    for seed in range(seeds):
        start = time.perf_counter()
        values = run_cells(spec, cells, seed)
        runs.append(values)
        shown = ", ".join(f"{k} {v:.3f}" for k, v in values.items())
        print(f"{name} seed {seed:2d}: {shown}  ({time.perf_counter() - start:.1f} s)", flush=True)
    summary = {}
    for metric, (direction, threshold) in spec["thresholds"].items():
        values = [run[metric] for run in runs]
        worst = max(values) if direction == "below" else min(values)
        summary[metric] = {
            "direction": direction,
            "threshold": threshold,
            "min": min(values),
            "median": statistics.median(values),
            "max": max(values),
            "margin": threshold - worst if direction == "below" else worst - threshold,
            "values": values,
        }
    result = {"seeds": seeds, "metrics": summary, "baselines": summaries(runs, BASELINE),
              "environment": environment()}
    if references := summaries(runs, REFERENCE_POINT):
        result["reference points"] = references
    return result


def write_reports(results):
    for name, result in results.items():
        (REPORTS / f"{name}.json").write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    lines = [
        "# Calibration of the exercise thresholds",
        "",
        "Each trained-result threshold is checked against the reference solution trained over",
        "many seeds (its own cells, not the whole notebook), measured as the hidden tests do.",
        "Reproduce with `make calibrate` (2-core CPU, the pinned environment).",
        "",
        "| assignment | metric | seeds | min | median | max | threshold | margin |",
        "|---|---|---|---|---|---|---|---|",
    ]
    baselines = []
    for path in sorted(REPORTS.glob("*.json")):
        name, result = path.stem, json.loads(path.read_text())
        for metric, s in result["metrics"].items():
            sign = "<" if s["direction"] == "below" else ">"
            lines.append(
                f"| {name} | {metric} | {result['seeds']} | {s['min']:.3f} | {s['median']:.3f}"
                f" | {s['max']:.3f} | {sign} {s['threshold']:g} | {s['margin']:.3f} |"
            )
        compared = [*result.get("baselines", {}).items(),
                    *((REFERENCE_POINT + what, r)
                      for what, r in result.get("reference points", {}).items())]
        for what, b in compared:
            baselines.append(f"| {name} | {what} | {b['min']:.3f} | {b['median']:.3f}"
                             f" | {b['max']:.3f} |")
    env = environment()
    lines += ["", f"Made with TensorFlow {env['tensorflow']}, Keras {env['keras']}, oneDNN"
              f" {'on' if env['onednn'] else 'off'} (each report's `environment` says its own).",
              "", "## Baselines, measured on the same rows", "",
              "Every baseline fails every threshold of its assignment; a reference point is"
              " shown for comparison only.", "",
              "| assignment | baseline | min | median | max |", "|---|---|---|---|---|", *baselines]
    REPORT_MD.write_text("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", default=sorted(SPECS))
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    write_reports({name: calibrate(name, args.seeds) for name in args.assignments})
    print(REPORT_MD.read_text())


if __name__ == "__main__":
    main()
