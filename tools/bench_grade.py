"""Time grading a class: the pipeline with 1 and 2 workers, and plain nbgrader.

Usage: ``make bench-grade`` (or ``python tools/bench_grade.py [--students N] [ASSIGNMENT]``).

Builds a throw-away course folder with N submissions of the assignment (reference answers,
the plausible wrong answers of ``tests/wrong_answers`` and untouched stubs, in turn), then
grades them all three ways and prints seconds per submission and the speed-up:

- ``grader autograde --workers 1`` and ``--workers 2`` (sandboxed, judged apart);
- ``nbgrader autograde`` (sequential, unsandboxed, in-kernel tests) for comparison.

Then where the grader's time goes: the mean wall-clock and CPU seconds per submission of
each phase of grading, from the records (each notebook's ``phases``), and what the pipeline
adds around them (worker processes, the gradebook, waiting for a worker).
"""

import argparse
import importlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from grader.course import (  # noqa: E402
    fill_in,
    generate,
    make_course_dir,
    nbgrader,
    scores,
    solution_sources,
    submit,
)


def make_class(course, name, students):
    release = generate(name, course)
    notebooks = sorted(release.glob("*.ipynb"))
    reference = solution_sources(name)
    wrong = {**reference, **importlib.import_module(f"wrong_answers.{name}").ANSWERS}
    kinds = [("reference", reference), ("wrong", wrong), ("stub", {})]
    for i in range(students):
        kind, answers = kinds[i % len(kinds)]
        submit(course, name, f"{kind}{i:02d}", {nb.name: fill_in(nb, answers) for nb in notebooks})


# Phases of grade.grade_notebook, in order; "judge start" runs while the kernel starts and
# runs the setup, so it is not added to the total.
PHASES = {"sandbox": "sandbox: user ids, cgroups, folders",
          "kernel start": "kernel start (and the judge launched)",
          "judge start": "  judge start, overlapped: Python, imports",
          "judge wait": "waiting for the judge",
          "cells": "notebook cells in the kernel",
          "judge": "judge: tests, rebuilding models",
          "fetch": "fetching values, remote calls",
          "close": "close: kill, cleanup"}
OVERLAPPED = {"judge start"}


def phase_means(course, assignment):
    """``{phase: (wall, cpu)}``: mean seconds per submission of each phase of grading, from
    the records of ``assignment`` in ``course``."""
    totals, records = {}, sorted((course / "autograded").glob(f"*/{assignment}/grading.json"))
    for path in records:
        for entry in json.loads(path.read_text())["notebooks"].values():
            for name, seconds in (entry.get("phases") or {}).items():
                total = totals.setdefault(name, [0.0, 0.0])
                total[0] += seconds["wall"]
                total[1] += seconds["cpu"]
    return {name: (wall / len(records), cpu / len(records))
            for name, (wall, cpu) in totals.items()}


def phase_table(runs, students):
    """The lines of a table of ``runs`` (``{how: (workers, seconds, phase_means)}``)."""
    lines = [f"{'seconds per submission':<42}" + "".join(f"{how:>22}" for how in runs),
             f"{'':<42}" + f"{'wall':>11}{'CPU':>11}" * len(runs)]
    names = [*PHASES, *sorted({n for _, _, m in runs.values() for n in m} - set(PHASES))]
    for name in names:
        cells = [means.get(name) for _, _, means in runs.values()]
        if any(cells):
            lines.append(f"{PHASES.get(name, name):<42}" + "".join(
                f"{c[0]:11.2f}{c[1]:11.2f}" if c else f"{'-':>22}" for c in cells))
    totals = [[sum(v[i] for n, v in means.items() if n not in OVERLAPPED) for i in (0, 1)]
              for _, _, means in runs.values()]
    lines.append(f"{'total in grade_notebook':<42}"
                 + "".join(f"{wall:11.2f}{cpu:11.2f}" for wall, cpu in totals))
    # A worker's time per submission that no phase accounts for.
    lines.append(f"{'pipeline: workers, gradebook, waiting':<42}" + "".join(
        f"{workers * seconds / students - wall:11.2f}{'-':>11}"
        for (workers, seconds, _), (wall, _) in zip(runs.values(), totals, strict=True)))
    return lines


def timed(command, cwd):
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="ex01")
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--skip-nbgrader", action="store_true",
                        help="time only the grading pipeline")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        course = make_course_dir(Path(tmp) / "course", [args.assignment])
        make_class(course, args.assignment, args.students)
        grader = [sys.executable, "-m", "grader", "autograde", args.assignment,
                  "--course-dir", str(course), "--force"]
        results, phases = {}, {}
        for workers in (1, 2):
            how = f"grader, {workers} worker(s)"
            results[how] = timed([*grader, "--workers", str(workers)], course)
            phases[f"{workers} worker(s)"] = (workers, results[how],
                                              phase_means(course, args.assignment))
        graded = {s: sum(scores(course, args.assignment, s).values())
                  for s in (p.name for p in (course / "submitted").iterdir())}
        if not args.skip_nbgrader:
            shutil.rmtree(course / "autograded")
            start = time.perf_counter()
            nbgrader(["autograde", args.assignment, "--force"], course)
            results["nbgrader autograde (sequential)"] = time.perf_counter() - start
    n = args.students
    print(f"\n{n} submissions of {args.assignment}; scores: "
          + ", ".join(f"{s} {v:g}" for s, v in sorted(graded.items())))
    print(f"{'how':<36} {'seconds':>8} {'s/submission':>13} {'speed-up':>9}")
    base = results["grader, 1 worker(s)"]
    for how, seconds in results.items():
        print(f"{how:<36} {seconds:8.1f} {seconds / n:13.1f} {base / seconds:8.2f}x")
    if any(means for _, _, means in phases.values()):
        print()
        print("\n".join(phase_table(phases, n)))


if __name__ == "__main__":
    main()
