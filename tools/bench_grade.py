"""Time grading a class: the pipeline with 1 and 2 workers, through Dask, and plain nbgrader.

Usage: ``make bench-grade`` (or ``python tools/bench_grade.py [--students N] [ASSIGNMENT]``).

Builds a throw-away course folder with N submissions of the assignment (reference answers,
the plausible wrong answers of ``tests/wrong_answers`` and untouched stubs, in turn), then
grades them all four ways and prints seconds per submission and the speed-up over plain
nbgrader:

- ``grader autograde --workers 1`` and ``--workers 2`` (sandboxed, judged apart);
- ``grader autograde --scheduler local:2`` (the same, on a Dask cluster of two local
  worker processes, its start and stop included);
- ``nbgrader autograde`` (sequential, unsandboxed, in-kernel tests) for comparison.

Each way's CPU seconds are measured too, as the whole machine's busy time during it (from
/proc/stat: the sandboxes' processes are nobody's reaped children, so the figures of
getrusage would miss them; run the benchmark on a quiet machine), and how many cores that
kept busy. Plain nbgrader's figure bounds what any grader can gain over it here.

Then the ratios the grader is held to (one worker against nbgrader, two workers against
nbgrader, Dask against the local pool) and what a class of 2,000 would take on N workers
at the measured speed.

Then where the grader's time goes: the mean wall-clock and CPU seconds per submission of
each phase of grading, from the records (each notebook's ``phases``), and what the pipeline
adds around them (worker processes, the gradebook, waiting for a worker).
"""

import argparse
import importlib
import json
import os
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
DASK = "grader, Dask local:2"
NBGRADER = "nbgrader autograde (sequential)"


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


def machine_cpu():
    """CPU seconds the whole machine has computed since it booted: /proc/stat's first line,
    user, nice, system, irq and softirq time (not idle, waiting or stolen by a hypervisor)."""
    user, nice, system, _idle, _iowait, irq, softirq = map(
        int, Path("/proc/stat").read_text().split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def timed(run, *args, **kwargs):
    """``(wall, cpu)`` seconds of ``run(*args, **kwargs)``: its wall-clock time and the
    machine's busy CPU time meanwhile."""
    start, cpu = time.perf_counter(), machine_cpu()
    run(*args, **kwargs)
    return time.perf_counter() - start, machine_cpu() - cpu


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
        quiet = {"cwd": course, "check": True, "capture_output": True}
        results, cpu, phases = {}, {}, {}
        for workers in (1, 2):
            how = f"grader, {workers} worker(s)"
            results[how], cpu[how] = timed(subprocess.run,
                                           [*grader, "--workers", str(workers)], **quiet)
            phases[f"{workers} worker(s)"] = (workers, results[how],
                                              phase_means(course, args.assignment))
        results[DASK], cpu[DASK] = timed(subprocess.run,
                                         [*grader, "--scheduler", "local:2"], **quiet)
        graded = {s: sum(scores(course, args.assignment, s).values())
                  for s in (p.name for p in (course / "submitted").iterdir())}
        if not args.skip_nbgrader:
            shutil.rmtree(course / "autograded")
            results[NBGRADER], cpu[NBGRADER] = timed(
                nbgrader, ["autograde", args.assignment, "--force"], course)
    n = args.students
    print(f"\n{n} submissions of {args.assignment}; scores: "
          + ", ".join(f"{s} {v:g}" for s, v in sorted(graded.items())))
    base = results.get(NBGRADER)
    print(f"{'how':<36} {'seconds':>8} {'s/submission':>13} {'vs nbgrader':>12}"
          f" {'CPU s':>8} {'cores busy':>11}")
    for how, seconds in results.items():
        ratio = f"{base / seconds:11.2f}x" if base else f"{'-':>12}"
        print(f"{how:<36} {seconds:8.1f} {seconds / n:13.1f} {ratio}"
              f" {cpu[how]:8.1f} {cpu[how] / seconds:11.2f}")
    print()
    print("\n".join(ratios(results, cpu, len(os.sched_getaffinity(0)))))
    if any(means for _, _, means in phases.values()):
        print()
        print("\n".join(phase_table(phases, n)))
    print()
    print("\n".join(projection(results, n)))


def ratios(results, cpu=None, cores=None):
    """The lines that hold the grader to its goals (issue 12), and, given the CPU seconds
    of each way and the machine's cores, the most any grader could gain over nbgrader."""
    one, two = (results[f"grader, {workers} worker(s)"] for workers in (1, 2))
    lines = []
    if NBGRADER in results:
        plain = results[NBGRADER]
        lines += [f"one worker costs {one / plain:.2f}x plain nbgrader per submission"
                  " (goal: at most 1.10x)",
                  f"two workers are {plain / two:.2f}x faster than plain sequential nbgrader"
                  " (goal: at least 1.80x)"]
        if cpu and cores:
            busy = cpu[NBGRADER] / plain
            lines.append(f"  plain nbgrader kept {busy:.2f} of the {cores} cores busy: a grader"
                         f" doing at least its CPU work on {cores} cores is at most"
                         f" {cores / busy:.2f}x faster")
    lines.append(f"Dask with two local workers takes {results[DASK] / two:.2f}x the local"
                 " pool's time (goal: at most 1.10x)")
    return lines


def projection(results, students, klass=2000):
    """A class of ``klass`` on N workers, at the measured speed: one worker's seconds per
    submission, and the efficiency two workers reached on this machine's two cores."""
    one = results["grader, 1 worker(s)"] / students
    efficiency = results["grader, 1 worker(s)"] / results["grader, 2 worker(s)"] / 2
    lines = [f"a class of {klass} at {one:.1f} s per submission on one worker, N workers"
             f" each on its own core at the {efficiency:.0%} efficiency two workers reached"
             " here:"]
    for workers in (1, 2, 8, 32, 128):
        minutes = klass * one / (workers * (efficiency if workers > 1 else 1.0)) / 60
        lines.append(f"  {workers:>4} worker(s): {int(minutes // 60):3d} h {minutes % 60:4.1f} min")
    return lines


if __name__ == "__main__":
    main()
