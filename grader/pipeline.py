"""Autograde a whole class: every submission of an assignment, in parallel, resumable.

Layout of a course folder (nbgrader's): ``solutions/<assignment>/`` (the instructor's
notebooks), ``submitted/<student>/<assignment>/`` (what students handed in),
``autograded/<student>/<assignment>/`` (the graded notebooks and ``grading.json``, the
record of one grading) and the gradebook (``gradebook.db`` or nbgrader's ``db_url``).
Worker processes grade; only this process writes the gradebook, so any number of workers
share it without lock errors.
"""

import hashlib
import json
import multiprocessing
import os
import secrets
import shutil
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path

import nbformat
from tqdm import tqdm

from grader.course import nbgrader
from grader.grade import grade_notebook
from grader.sandbox import Limits

RECORD = "grading.json"
MAX_EXTRA_BYTES = 50 * 2**20  # non-notebook files copied from a submission


class Course:
    """A course folder and its nbgrader settings (folders, gradebook URL)."""

    def __init__(self, root):
        from nbgrader.coursedir import CourseDirectory
        from traitlets.config.loader import PyFileConfigLoader

        # nbgrader's gradebook runs alembic from PATH: this environment's first.
        bin_dir = str(Path(sys.executable).parent)
        if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
        self.root = Path(root).resolve()
        if not (self.root / "nbgrader_config.py").exists():
            raise FileNotFoundError(f"{self.root} has no nbgrader_config.py: not a course folder")
        config = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
        directory = CourseDirectory(config=config, root=str(self.root))
        self.db_url = directory.db_url
        self.source = self.root / directory.source_directory
        self.submitted = self.root / directory.submitted_directory
        self.autograded = self.root / directory.autograded_directory
        self.feedback = self.root / directory.feedback_directory

    def source_notebooks(self, assignment):
        notebooks = sorted((self.source / assignment).glob("*.ipynb"))
        if not notebooks:
            raise FileNotFoundError(f"no notebooks in {self.source / assignment}")
        return notebooks

    def submissions(self, assignment=None):
        """``(student, assignment, folder)`` for every submission folder found."""
        pattern = f"*/{assignment}" if assignment else "*/*"
        folders = [p for p in self.submitted.glob(pattern) if p.is_dir()]
        return sorted((p.parent.name, p.name, p) for p in folders)

    def record_path(self, student, assignment):
        return self.autograded / student / assignment / RECORD

    def record(self, student, assignment):
        path = self.record_path(student, assignment)
        return json.loads(path.read_text()) if path.exists() else None

    def heldout_secret(self):
        """This course's secret for private held-out data (made once, never committed)."""
        path = self.root / ".grader" / "heldout-secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(16) + "\n")
            path.chmod(0o600)
        return path.read_text().strip()


def fingerprint(folder):
    """A hash of every file of a submission folder (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _student_notebook(folder, expected, only_one):
    """The student's copy of notebook ``expected``, and a note if it had another name."""
    path = folder / expected
    if path.exists():
        return path, ""
    others = sorted(folder.glob("*.ipynb"))
    if only_one and len(others) == 1:
        return others[0], f"graded {others[0].name} (expected {expected})"
    return None, ""


def _copy_extras(folder, work, source_folder):
    """The submission's other files (size-capped), then the instructor's provided files."""
    total = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".ipynb"):
        total += path.stat().st_size
        if total > MAX_EXTRA_BYTES:
            break
        target = work / path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    for path in source_folder.rglob("*"):
        if path.is_file() and path.suffix != ".ipynb":
            target = work / path.relative_to(source_folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def grade_submission(sources, folder, out_dir, limits, secret):
    """Grade one submission folder against the instructor's notebooks ``sources``.

    Writes the graded notebooks to ``out_dir`` and returns the record (also its score)."""
    start = time.monotonic()
    notebooks, statuses = {}, []
    for source_path in sources:
        source_nb = nbformat.read(source_path, as_version=4)
        path, note = _student_notebook(folder, source_path.name, len(sources) == 1)
        status, parts = "graded", None
        if path is None:
            status = "no notebook"
        else:
            try:
                student_nb = nbformat.reads(path.read_text(errors="replace"), as_version=4)
            except Exception:
                status = "not a notebook"
        if status == "graded":
            with tempfile.TemporaryDirectory(prefix="grader-") as tmp:
                # Without bubblewrap a root grader's kernel runs as nobody in the real
                # /tmp: it must be able to pass through this (0700) folder to reach work/.
                os.chmod(tmp, 0o711)
                work = Path(tmp) / "work"
                work.mkdir()
                _copy_extras(folder, work, source_path.parent)
                parts, status, graded = grade_notebook(source_nb, student_nb, work, limits, secret)
            out_dir.mkdir(parents=True, exist_ok=True)
            nbformat.write(graded, out_dir / source_path.name)
        if parts is None:  # nothing ran: every part scores zero, with the reason
            parts = {c.metadata.nbgrader["grade_id"]: {
                "points": 0.0, "max": float(c.metadata.nbgrader.get("points", 0)),
                "message": status, "output": ""}
                for c in source_nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
        notebooks[source_path.name] = {"status": status, "note": note, "parts": parts}
        statuses.append(status)
    parts = [p for nb in notebooks.values() for p in nb["parts"].values()]
    failed = [s for s in statuses if s != "graded"]
    return {
        "status": failed[0] if failed else "graded",
        "score": sum(p["points"] for p in parts),
        "max_score": sum(p["max"] for p in parts),
        "notebooks": notebooks,
        "seconds": round(time.monotonic() - start, 1),
    }


def _job(sources, folder, out_dir, limits, secret):
    try:
        return grade_submission(sources, folder, out_dir, limits, secret)
    except Exception as error:  # a bug of ours must not stop the class: report it
        return {"status": f"grader error: {type(error).__name__}: {error}"[:200], "score": 0.0,
                "max_score": 0.0, "notebooks": {}, "seconds": 0.0}


def ensure_in_gradebook(course, assignment):
    """Make sure the gradebook knows the assignment (nbgrader's generate_assignment)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url) as gb:
        try:
            gb.find_assignment(assignment)
            return
        except MissingEntry:
            pass
    nbgrader(["generate_assignment", assignment, "--force"], course.root)


def save(course, student, assignment, record):
    """Write a record to ``autograded/`` and its scores to the gradebook."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    path = course.record_path(student, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + "\n")
    with Gradebook(course.db_url) as gb, warnings.catch_warnings():
        # nbgrader's add_submission trips SQLAlchemy's autoflush warning; the rows are fine.
        warnings.simplefilter("ignore", SAWarning)
        gb.update_or_create_student(student)
        gb.update_or_create_submission(assignment, student)
        for name, notebook in record["notebooks"].items():
            for grade_id, part in notebook["parts"].items():
                grade = gb.find_grade(grade_id, Path(name).stem, assignment, student)
                grade.auto_score = part["points"]
        gb.db.commit()


def autograde(course, assignments, workers=None, force=False, limits=None, progress=True):
    """Grade every submission of ``assignments`` (one name or several) not graded yet (all
    with ``force``), all in one pool of workers.

    Returns ``{(assignment, student): record}`` for the submissions graded in this run."""
    limits = limits or Limits()
    names = [assignments] if isinstance(assignments, str) else list(assignments)
    secret = course.heldout_secret()
    todo = []
    for assignment in names:
        sources = course.source_notebooks(assignment)
        ensure_in_gradebook(course, assignment)
        for student, _, folder in course.submissions(assignment):
            digest = fingerprint(folder)
            old = course.record(student, assignment)
            if force or not old or old.get("fingerprint") != digest:
                todo.append((assignment, sources, student, folder, digest))
    workers = max(1, workers or os.cpu_count() or 1)
    done = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, max(1, len(todo))),
                             mp_context=context) as pool:
        futures = {pool.submit(_job, sources, folder, course.autograded / student / assignment,
                               limits, secret): (assignment, student, digest)
                   for assignment, sources, student, folder, digest in todo}
        bar = tqdm(total=len(todo), desc=f"grading {', '.join(names)}", unit="submission",
                   disable=not progress)
        for future in as_completed(futures):
            assignment, student, digest = futures[future]
            record = {"student_id": student, "assignment": assignment, **future.result(),
                      "fingerprint": digest, "limits": asdict(limits),
                      "graded_at": time.strftime("%Y-%m-%d %H:%M:%S")}
            save(course, student, assignment, record)
            done[assignment, student] = record
            bar.set_postfix_str(f"{assignment} {student}: {record['score']:g}"
                                f"/{record['max_score']:g}")
            bar.update()
        bar.close()
    return done
