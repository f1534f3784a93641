"""Drive nbgrader in a course folder: generate student versions, autograde, read scores.

A *course folder* holds ``nbgrader_config.py``, ``solutions/`` and, once used,
``exercises/``, ``submitted/``, ``autograded/`` and ``gradebook.db``. The repository root is
one; tests and tools build throw-away copies with :func:`make_course_dir` so that no command
ever touches the instructor's real gradebook.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"

def assignments():
    """Names of the assignments in ``solutions/`` (one folder each), sorted."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def nbgrader(args, course_dir, timeout=1800):
    """Run ``nbgrader ARGS`` in ``course_dir`` with the course's Python; raise on failure."""
    # Imported here: dlcourse imports TensorFlow, which a grading client never needs.
    from dlcourse import QUIET_TENSORFLOW

    # TensorFlow stays quiet in every kernel nbgrader starts (they inherit this environment).
    env = {**os.environ, **QUIET_TENSORFLOW, "JUPYTER_PREFER_ENV_PATH": "1"}
    # nbgrader runs helper programs (alembic) from PATH: use this environment's first.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.pop("MPLBACKEND", None)  # let kernels use the inline backend, as in Jupyter
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course_dir, env=env, capture_output=True, text=True, timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"nbgrader {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-4000:]}"
        )
    return result


def make_course_dir(dest, names=None):
    """Copy ``nbgrader_config.py`` and the solutions of ``names`` into a new course folder."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "nbgrader_config.py", dest / "nbgrader_config.py")
    for name in names or assignments():
        shutil.copytree(SOLUTIONS / name, dest / "solutions" / name)
    return dest


def generate(name, course_dir):
    """``nbgrader generate_assignment NAME``: returns the folder of the student version."""
    nbgrader(["generate_assignment", name, "--force"], course_dir)
    return Path(course_dir) / "exercises" / name


def fill_in(student_notebook, answers):
    """A copy of a student notebook with the cells named in ``answers`` replaced.

    ``answers`` maps a cell's nbgrader ``grade_id`` to the source a student would write.
    """
    nb = nbformat.read(student_notebook, as_version=4)
    unknown = set(answers) - {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
    if unknown:
        raise KeyError(f"no cells named {sorted(unknown)} in {student_notebook}")
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


_MARKERS = {"### BEGIN SOLUTION", "### END SOLUTION"}


def solution_sources(name):
    """``grade_id -> source`` of every solution cell of an assignment's reference notebook,
    as a student would type it (without the ``### BEGIN/END SOLUTION`` markers)."""
    sources = {}
    for path in sorted((SOLUTIONS / name).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                lines = cell.source.splitlines()
                kept = [line for line in lines if line.strip() not in _MARKERS]
                sources[meta["grade_id"]] = "\n".join(kept)
    return sources


def submit(course_dir, name, student, notebooks):
    """Place ``{file name: notebook}`` as ``student``'s submission of assignment ``name``."""
    folder = Path(course_dir) / "submitted" / student / name
    folder.mkdir(parents=True, exist_ok=True)
    for filename, nb in notebooks.items():
        nbformat.write(nb, folder / filename)
    return folder


def _gradebook(course_dir):
    from nbgrader.api import Gradebook

    return Gradebook(f"sqlite:///{Path(course_dir) / 'gradebook.db'}")


def max_scores(course_dir, name):
    """``grade_id -> points`` of every graded part of assignment ``name``."""
    with _gradebook(course_dir) as gradebook:
        assignment = gradebook.find_assignment(name)
        return {
            cell.name: float(cell.max_score)
            for notebook in assignment.notebooks
            for cell in notebook.grade_cells
        }


def scores(course_dir, name, student):
    """``grade_id -> score`` of every graded part of ``student``'s autograded submission."""
    with _gradebook(course_dir) as gradebook:
        submission = gradebook.find_submission(name, student)
        return {
            grade.name: float(grade.score)
            for notebook in submission.notebooks
            for grade in notebook.grades
        }
