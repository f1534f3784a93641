"""Time grading a class: the pipeline with 1 and 2 workers, and plain nbgrader.

Usage: ``make bench-grade`` (or ``python tools/bench_grade.py [--students N] [ASSIGNMENT]``).

Builds a throw-away course folder with N submissions of the assignment (reference answers,
the plausible wrong answers of ``tests/wrong_answers`` and untouched stubs, in turn), then
grades them all three ways and prints seconds per submission and the speed-up:

- ``grader autograde --workers 1`` and ``--workers 2`` (sandboxed, judged apart);
- ``nbgrader autograde`` (sequential, unsandboxed, in-kernel tests) for comparison.
"""

import argparse
import importlib
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
        results = {}
        for workers in (1, 2):
            results[f"grader, {workers} worker(s)"] = timed([*grader, "--workers", str(workers)],
                                                            course)
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


if __name__ == "__main__":
    main()
