"""Regenerate ``exercises/`` (the student versions) from ``solutions/`` with nbgrader.

Usage: ``make exercises`` (or ``python tools/generate_exercises.py [ASSIGNMENT ...]``).
Runs ``nbgrader generate_assignment`` in a throw-away course folder, so the instructor's
gradebook is never touched, then replaces ``exercises/<assignment>/`` with the result.
"""

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.course import EXERCISES, assignments, generate, make_course_dir  # noqa: E402


def main(names):
    for name in names or assignments():
        with tempfile.TemporaryDirectory() as tmp:
            fresh = generate(name, make_course_dir(tmp, [name]))
            target = EXERCISES / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(fresh, target)
        print(f"exercises/{name}: " + ", ".join(sorted(p.name for p in target.iterdir())))


if __name__ == "__main__":
    main(sys.argv[1:])
