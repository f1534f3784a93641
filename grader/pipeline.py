"""Autograde a whole class: every submission of an assignment, in parallel, resumable.

Layout of a course folder (nbgrader's): ``solutions/<assignment>/`` (the instructor's
notebooks), ``submitted/<student>/<assignment>/`` (what students handed in),
``autograded/<student>/<assignment>/`` (the graded notebooks and ``grading.json``, the
record of one grading) and the gradebook (``gradebook.db`` or nbgrader's ``db_url``).
Worker processes grade; only this process writes the gradebook, so any number of workers
share it without lock errors.
"""

import json
import multiprocessing
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict
from pathlib import Path

import nbformat
from tqdm import tqdm

from grader import files, splice
from grader.course import nbgrader
from grader.files import fingerprint
from grader.grade import grade_notebook
from grader.sandbox import Limits, preflight, sweep
from grader.sanitize import clean_notebook, safe_text

RECORD = "grading.json"
# Student ids and assignment names as nbgrader's folders hold them (``jane_doe``, ``ex01``):
# plain characters only, so that a name is never a path, an option or a terminal escape.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,99}")
SECRET = "heldout-secret"
MAX_CELLS = 2000  # cells of a submitted notebook
MAX_SOURCE_CHARS = 5 * 2**20  # characters of code in a submitted notebook
MAX_GRADED_BYTES = 8 * 2**20  # a graded notebook as written to autograded/
RESERVED = {"kernel.log", "judge.log"}  # what the grader writes in the work folder


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

    def scan(self, assignment=None):
        """``(found, refused)``: ``(student, assignment, folder)`` of every submission folder,
        and ``(path, reason)`` of what is not one (a link, a file, a name that is not a safe
        id): those are never graded and never reach the gradebook."""
        found, refused = [], []
        for student, student_dir in self._folders(self.submitted, "", refused):
            for name, folder in self._folders(student_dir, f"{student}/", refused):
                if assignment in (None, name):
                    found.append((student, name, folder))
        return sorted(found), refused

    @staticmethod
    def _folders(parent, prefix, refused):
        try:
            names = sorted(os.listdir(parent))
        except OSError:
            return
        for name in names:
            path = parent / name
            if not SAFE_NAME.fullmatch(name):
                refused.append((prefix + files.shown(name), "not a safe student or assignment id"))
            elif path.is_symlink() or not path.is_dir():
                refused.append((prefix + name, "not a folder"))
            else:
                yield name, path

    def submissions(self, assignment=None):
        """``(student, assignment, folder)`` for every submission folder found."""
        return self.scan(assignment)[0]

    def record_path(self, student, assignment):
        return self.autograded / student / assignment / RECORD

    def record(self, student, assignment):
        """The record of the last grading, or None (also when it is broken)."""
        try:
            record = json.loads(self.record_path(student, assignment).read_text())
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) else None

    def private_folders(self):
        """Folders of this course no sandbox may see, wherever they are (the course's own,
        the gradebook's when it is a file)."""
        folders = [self.root, self.source, self.submitted, self.autograded, self.feedback]
        if self.db_url.startswith("sqlite:///"):
            folders.append(Path(self.db_url[len("sqlite:///"):]).resolve().parent)
        return sorted({f.resolve() for f in folders})

    def heldout_secret(self):
        """This course's secret for private held-out data (made once, never committed).

        The file is private from its creation; one that is a link, not a regular file or
        readable by anyone else is refused (the secret decides trained-result grades)."""
        folder = self.root / ".grader"
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY)
        except OSError as error:
            raise ValueError(f"refused {folder}: {files.why(error)}") from None
        try:
            if os.fstat(fd).st_uid != os.geteuid():
                raise ValueError(f"refused {folder}: owned by another user")
            os.fchmod(fd, 0o700)
            try:
                new = os.open(SECRET, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW,
                              0o600, dir_fd=fd)
                with open(new, "w") as file:
                    file.write(secrets.token_hex(32) + "\n")
            except FileExistsError:
                pass
            return _read_secret(fd, folder / SECRET)
        finally:
            os.close(fd)


def _read_secret(dir_fd, path):
    try:
        fd, info = files.open_regular(dir_fd, SECRET, os.geteuid())
    except files.Refused as refused:
        raise ValueError(f"refused the held-out secret {path}: {refused}") from None
    with open(fd) as file:
        if info.st_mode & 0o077:
            raise ValueError(f"refused the held-out secret {path}: readable by others"
                             f" (make it private: chmod 600)")
        secret = file.read(1024).strip()
    if len(secret) < 32:
        raise ValueError(f"the held-out secret {path} is too short (delete it to make a new one)")
    return secret


def _student_notebook(submission, expected, only_one):
    """The accepted file of ``submission`` to grade as notebook ``expected``: ``(name, why
    none, note)``; another name is taken when it is the only notebook of a one-notebook
    assignment (the note says so)."""
    if expected in submission.files:
        return expected, "", ""
    refused = dict(submission.refused)
    if expected in refused:
        return None, f"notebook ignored: {refused[expected]}", ""
    others = [p for p in submission.files if "/" not in p and p.endswith(".ipynb")]
    if only_one and len(others) == 1:
        return others[0], "", f"graded {others[0]} (expected {expected})"
    return None, "no notebook", ""


def safe_notebook(data):
    """The code cells of a submitted notebook's bytes as a clean notebook (sources and
    grade ids only, UTF-8-safe strings), or the status that says why there is none."""
    text = data.decode("utf-8", errors="replace")
    try:
        nb = json.loads(text)
        if isinstance(nb, dict) and "worksheets" in nb:  # nbformat 3: converted
            nb = nbformat.reads(text, as_version=4)
    except Exception:  # hostile JSON: nesting too deep, numbers too long ...
        return None, "not a notebook"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "not a notebook"
    if len(nb["cells"]) > MAX_CELLS:
        return None, "notebook too large"
    cells, size = [], 0
    for grade_id, source in splice.code_cells(nb):
        size += len(source)
        metadata = {"nbgrader": {"grade_id": files.clean_text(grade_id)}} if grade_id else {}
        cells.append(nbformat.v4.new_code_cell(files.clean_text(source), metadata=metadata))
    if size > MAX_SOURCE_CHARS:
        return None, "notebook too large"
    return nbformat.v4.new_notebook(cells=cells), "graded"


def _copy_extras(submission, work, source_folder):
    """Copy the submission's accepted files but notebooks into ``work``, then the
    instructor's provided files (which win); returns ``(name, reason)`` of the student's
    files not copied: names the grader or the course uses, files that changed."""
    provided = [p for p in source_folder.rglob("*") if p.is_file() and p.suffix != ".ipynb"]
    taken = {str(p.relative_to(source_folder)) for p in provided}
    taken |= {str(parent) for name in taken for parent in Path(name).parents} - {"."}
    refused = []
    for path in submission.files:
        if path.endswith(".ipynb"):
            continue
        clash = path in taken or any(str(p) in taken for p in Path(path).parents)
        if path.split("/")[0] in RESERVED or clash:
            refused.append((path, "a name the grader or the course uses"))
            continue
        try:
            data = submission.read(path)
        except files.Refused as error:
            refused.append((path, str(error)))
            continue
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_bytes(data)
    for path in provided:
        target = work / path.relative_to(source_folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return refused


def _zero_parts(source_nb, status):
    """Every graded part of the instructor's notebook at 0 of its points, with the reason."""
    return {c.metadata.nbgrader["grade_id"]: {
        "points": 0.0, "max": float(c.metadata.nbgrader.get("points", 0)),
        "message": status, "output": ""}
        for c in source_nb.cells if c.metadata.get("nbgrader", {}).get("grade")}


def _summary(notebooks, seconds, **extra):
    parts = [p for nb in notebooks.values() for p in nb["parts"].values()]
    failed = [nb["status"] for nb in notebooks.values() if nb["status"] != "graded"]
    return {"status": failed[0] if failed else "graded",
            "score": sum(p["points"] for p in parts),
            "max_score": sum(p["max"] for p in parts),
            "notebooks": notebooks, "seconds": seconds, **extra}


def _failed(sources, status):
    """The record of a submission that could not be graded: each part 0 of its real max."""
    notebooks = {}
    for path in sources:
        parts = _zero_parts(nbformat.read(path, as_version=4), status)
        notebooks[path.name] = {"status": status, "note": "", "parts": parts, "answers": {}}
    return _summary(notebooks, 0.0)


def _error(what, error):
    return files.clean_text(f"{what}: {type(error).__name__}: {error}")[:200]


def _ignored_note(ignored):
    names = ", ".join(f"{i['name']} ({i['reason']})" for i in ignored[:10])
    more = f" and {len(ignored) - 10} more" if len(ignored) > 10 else ""
    return f"ignored {len(ignored)} file(s) of the submission: {names}{more}"


def _grade_one(source_path, submission, only_one, limits, secret, private):
    """Grade one notebook of a submission: ``(its record entry, graded notebook bytes or
    None, the extra files not copied)``."""
    source_nb = nbformat.read(source_path, as_version=4)
    name, status, note = _student_notebook(submission, source_path.name, only_one)
    student_nb, parts, graded, refused = None, None, None, []
    if name is not None:
        try:
            student_nb, status = safe_notebook(submission.read(name))
        except files.Refused as error:
            status = f"notebook ignored: {error}"
    if student_nb is not None:
        # The run removes what the sandboxes wrote (grade.Run.close): what is left is the
        # grader's own logs, and a failure to remove them costs the student nothing.
        with tempfile.TemporaryDirectory(prefix="grader-", ignore_cleanup_errors=True) as tmp:
            # Without bubblewrap a root grader's kernel runs as its own user in the real
            # /tmp: it must be able to pass through this (0700) folder to reach work/.
            os.chmod(tmp, 0o711)
            work = Path(tmp) / "work"
            work.mkdir()
            refused = _copy_extras(submission, work, source_path.parent)
            parts, status, nb = grade_notebook(source_nb, student_nb, work, limits, secret,
                                               private)
        try:
            graded = nbformat.writes(clean_notebook(nb, MAX_GRADED_BYTES)).encode()
        except Exception as error:  # the grades stand without their notebook
            note = " ".join(filter(None, [note, _error("graded notebook not written", error)]))
    entry = {"status": status, "note": note, "parts": parts or _zero_parts(source_nb, status),
             "answers": splice.answers(source_nb, student_nb) if student_nb else {}}
    return entry, graded, refused


def grade_submission(sources, folder, limits, secret, private=()):
    """Grade one submission folder against the instructor's notebooks ``sources``.

    Returns ``(record, graded)``: the record (also its score) and ``{notebook name: bytes
    of the graded notebook}``. Only files :mod:`grader.files` accepts are read; the others
    are listed in the record (``ignored``) and in the first notebook's note. ``private``
    are folders no sandbox may see (:meth:`Course.private_folders`)."""
    start = time.monotonic()
    notebooks, graded = {}, {}
    with files.Submission(folder) as submission:
        refused = dict(submission.refused)
        for source_path in sources:
            entry, data, extras = _grade_one(source_path, submission, len(sources) == 1,
                                             limits, secret, private)
            notebooks[source_path.name] = entry
            refused.update(extras)
            if data is not None:
                graded[source_path.name] = data
    ignored = [{"name": name, "reason": reason} for name, reason in refused.items()]
    if ignored:
        first = next(iter(notebooks.values()))
        first["note"] = " ".join(filter(None, [first["note"], _ignored_note(ignored)]))
    record = _summary(notebooks, round(time.monotonic() - start, 1), ignored=ignored)
    return record, graded


def _job(sources, folder, limits, secret, private):
    try:
        return grade_submission(sources, folder, limits, secret, private)
    except Exception as error:  # a bug of ours must not stop the class: report it
        return _failed(sources, _error("grader error", error)), {}


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


def save(course, student, assignment, record, graded=None):
    """Write the graded notebooks and the record to ``autograded/`` (never through a link
    planted there) and the scores to the gradebook."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    for name, data in (graded or {}).items():
        files.write_file(course.autograded, [student, assignment, name], data)
    _write_record(course, student, assignment, record)
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


def _write_record(course, student, assignment, record):
    data = (json.dumps(record, indent=1) + "\n").encode()
    files.write_file(course.autograded, [student, assignment, RECORD], data)


def _save_or_report(course, student, assignment, record, graded):
    """Save a record; if that fails, the record says so (and has no fingerprint, so the
    next run grades the submission again)."""
    try:
        save(course, student, assignment, record, graded)
    except Exception as error:
        record.update(status=_error("not saved", error), fingerprint=None)
        try:
            _write_record(course, student, assignment, record)
        except Exception:  # the record says what it can; the run goes on
            pass
    return record


def _plan(course, assignment, force, refused):
    """The submissions of ``assignment`` to grade: ``(student, folder, fingerprint)``."""
    found, skipped = course.scan(assignment)
    refused += [(f"{course.submitted}/{path}", reason) for path, reason in skipped]
    todo = []
    for student, _, folder in found:
        try:
            digest = fingerprint(folder)
        except Exception:  # (never seen) graded all the same, and again next run
            digest = None
        old = course.record(student, assignment)
        if force or not old or old.get("fingerprint") != digest:
            todo.append((student, folder, digest))
    return todo


def _run(jobs, workers):
    """Run ``_job`` on each of ``jobs`` (argument tuples), ``workers`` at a time; yields
    ``(index, finished future)``. A worker process that dies breaks its whole pool: the
    jobs in flight then run again, each in a pool of its own, so that only a job that kills
    its own worker fails (with ``BrokenProcessPool``) and the class goes on."""
    queue, alone = list(enumerate(jobs)), []
    context = multiprocessing.get_context("spawn")
    while queue or alone:
        size, batch = (1, [alone.pop(0)]) if alone else (workers, queue)
        with ProcessPoolExecutor(max_workers=min(size, len(batch)), mp_context=context) as pool:
            flying = {}
            while batch or flying:
                while batch and len(flying) < size:
                    index, args = batch.pop(0)
                    flying[pool.submit(_job, *args)] = index, args
                finished, _ = wait(flying, return_when=FIRST_COMPLETED)
                broken = False
                for future in finished:
                    index, args = flying.pop(future)
                    lost = isinstance(future.exception(), BrokenProcessPool)
                    broken |= lost
                    if lost and size > 1:
                        alone.append((index, args))
                    else:
                        yield index, future
                if broken:  # the pool is lost: what was in flight runs again, alone
                    alone += flying.values()
                    break


def autograde(course, assignments, workers=None, force=False, limits=None, progress=True):
    """Grade every submission of ``assignments`` (one name or several) not graded yet (all
    with ``force``), all in one pool of workers. A submission that cannot be graded gets a
    record saying why (every part 0 of its real points); the rest of the class goes on.
    Folders that are not submissions are reported on stderr and skipped.

    Returns ``{(assignment, student): record}`` for the submissions graded in this run."""
    limits = limits or Limits()
    names = [assignments] if isinstance(assignments, str) else list(assignments)
    secret, private = course.heldout_secret(), course.private_folders()
    sweep()  # cgroups left by graders that died
    preflight()
    todo, refused = [], []
    for assignment in names:
        sources = course.source_notebooks(assignment)
        ensure_in_gradebook(course, assignment)
        todo += [(assignment, sources, *job) for job in _plan(course, assignment, force,
                                                              refused)]
    for path, reason in refused:
        print(safe_text(f"skipped {path}: {reason}", 300), file=sys.stderr)
    jobs = [(sources, folder, limits, secret, private) for _, sources, _, folder, _ in todo]
    bar = tqdm(total=len(todo), desc=f"grading {', '.join(names)}", unit="submission",
               disable=not progress)
    done = {}
    for index, future in _run(jobs, max(1, workers or os.cpu_count() or 1)):
        assignment, sources, student, _, digest = todo[index]
        try:
            result, graded = future.result()
        except Exception as error:  # the worker itself failed
            result, graded = _failed(sources, _error("grader error", error)), {}
        record = {"student_id": student, "assignment": assignment, **result,
                  "fingerprint": digest, "limits": asdict(limits),
                  "graded_at": time.strftime("%Y-%m-%d %H:%M:%S")}
        if record["status"].startswith("grader error"):  # ours: the next run regrades
            record["fingerprint"] = None
        done[assignment, student] = _save_or_report(course, student, assignment, record,
                                                    graded)
        bar.set_postfix_str(f"{assignment} {student}: {record['score']:g}"
                            f"/{record['max_score']:g}")
        bar.update()
    bar.close()
    return done
