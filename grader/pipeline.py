"""Autograde a whole class: every submission of an assignment, in parallel, resumable.

Layout of a course folder (nbgrader's): ``solutions/<assignment>/`` (the instructor's
notebooks), ``submitted/<student>/<assignment>/`` (what students handed in),
``autograded/<student>/<assignment>/`` (the graded notebooks and ``grading.json``, the
record of one grading) and the gradebook (``gradebook.db`` or nbgrader's ``db_url``).
Workers grade jobs of plain data (:mod:`grader.jobs`), in local processes or on a Dask
cluster (:mod:`grader.engines`); only this process reads the submissions and writes the
graded notebooks, the gradebook and the records, so any number of workers share them
without lock errors, and one run at a time holds the course (:meth:`Course.run_lock`).
"""

import fcntl
import json
import os
import re
import secrets
import sys
import time
import warnings
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from tqdm import tqdm

from grader import engines, files, jobs
from grader.course import nbgrader
from grader.files import fingerprint
from grader.sandbox import Limits, bubblewrap, preflight, sweep
from grader.sanitize import safe_text

RECORD = "grading.json"
# Student ids and assignment names as nbgrader's folders hold them (``jane_doe``, ``ex01``):
# plain characters only, so that a name is never a path, an option or a terminal escape.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,99}")
SECRET = "heldout-secret"
RUN_LOCK = "run.lock"


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

    def provided_files(self, assignment):
        """``{relative path: bytes}`` of the instructor's files of ``assignment`` besides its
        notebooks (data files the notebooks read)."""
        folder = self.source / assignment
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
                if p.is_file() and p.suffix != ".ipynb"}

    def _grader_folder(self):
        """A descriptor of ``.grader/``, the course's private folder (made private on first
        use; a link or a folder of another user is refused)."""
        folder = self.root / ".grader"
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY)
        except OSError as error:
            raise ValueError(f"refused {folder}: {files.why(error)}") from None
        if os.fstat(fd).st_uid != os.geteuid():
            os.close(fd)
            raise ValueError(f"refused {folder}: owned by another user")
        os.fchmod(fd, 0o700)
        return fd

    def heldout_secret(self):
        """This course's secret for private held-out data (made once, never committed).

        The file is private from its creation; one that is a link, not a regular file or
        readable by anyone else is refused (the secret decides trained-result grades)."""
        fd = self._grader_folder()
        try:
            try:
                new = os.open(SECRET, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW,
                              0o600, dir_fd=fd)
                with open(new, "w") as file:
                    file.write(secrets.token_hex(32) + "\n")
            except FileExistsError:
                pass
            return _read_secret(fd, self.root / ".grader" / SECRET)
        finally:
            os.close(fd)

    @contextmanager
    def run_lock(self):
        """Held while a run grades this course: a second run stops at once, with a clear
        error, instead of grading the same submissions and racing on the gradebook. The
        lock goes with the process that holds it, however it ends."""
        folder = self._grader_folder()
        try:
            fd = os.open(RUN_LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600, dir_fd=folder)
        finally:
            os.close(folder)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode(errors="replace").strip()
                raise RuntimeError(f"another grading run holds {self.root} ({holder}):"
                                   " wait for it to end") from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%H:%M:%S')}\n".encode(), 0)
            yield
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
    """Write the graded notebooks to ``autograded/`` (never through a link planted there),
    then commit the scores to the gradebook, then write the record, atomically: the record
    marks the submission done, so a crash at any point leaves it to the next run."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    for name, data in (graded or {}).items():
        files.write_file(course.autograded, [student, assignment, name], data)
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
    _write_record(course, student, assignment, record)


def _write_record(course, student, assignment, record):
    data = (json.dumps(record, indent=1) + "\n").encode()
    files.write_file(course.autograded, [student, assignment, RECORD], data)


def _save_or_report(course, student, assignment, record, graded):
    """Save a record; if that fails, the record says so (and has no fingerprint, so the
    next run grades the submission again)."""
    try:
        save(course, student, assignment, record, graded)
    except Exception as error:
        record.update(status=jobs.error_text("not saved", error), fingerprint=None)
        try:
            _write_record(course, student, assignment, record)
        except Exception:  # the record says what it can; the run goes on
            pass
    return record


def _plan(course, assignment, force, refused):
    """The submissions of ``assignment`` to grade: ``(student, folder)``."""
    found, skipped = course.scan(assignment)
    refused += [(f"{course.submitted}/{path}", reason) for path, reason in skipped]
    todo = []
    for student, _, folder in found:
        old = course.record(student, assignment)
        if force or not old or old.get("fingerprint") != fingerprint(folder):
            todo.append((student, folder))
    return todo


class Graded(dict):
    """``{(assignment, student): record}`` of the submissions graded in a run;
    ``not_graded`` is ``{(assignment, student): why}`` of those the machine failed."""

    def __init__(self):
        super().__init__()
        self.not_graded = {}


def _deadline(job):
    """Seconds a job may take on a cluster before it is sent again: twice what its
    notebooks may run, and time to start their sandboxes."""
    return len(job["sources"]) * (2 * job["limits"]["notebook_seconds"] + 300)


def _build(assignment, student, folder, shared):
    """The job's builder: ``shared`` are the arguments of :func:`grader.jobs.make` that all
    submissions of the assignment share (read once)."""
    def build():
        try:
            submission = files.snapshot(folder)
        except OSError as error:
            raise jobs.NotGraded(f"the submission folder cannot be read:"
                                 f" {files.why(error)}") from None
        return jobs.make(assignment, student, submission=submission, **shared)
    return build


def autograde(course, assignments, workers=None, force=False, limits=None, progress=True,
              scheduler=None, tls=None, allow_unsandboxed=False):
    """Grade every submission of ``assignments`` (one name or several) not graded yet (all
    with ``force``), in one pool of local workers, or on the Dask cluster ``scheduler``
    (:class:`grader.engines.Cluster`; ``tls`` its ``(ca, cert, key)`` files). A submission
    that cannot be graded gets a record saying why (every part 0 of its real points); one
    the machine failed gets no record (``not_graded``) and is graded by the next run.
    Folders that are not submissions are reported on stderr and skipped.

    Returns a :class:`Graded` of the submissions graded in this run."""
    limits = limits or Limits()
    names = [assignments] if isinstance(assignments, str) else list(assignments)
    with course.run_lock(), _engine(scheduler, tls, allow_unsandboxed) as cluster:
        secret = course.heldout_secret()
        unsandboxed = allow_unsandboxed if cluster else not bubblewrap()
        tasks, refused, private = [], [], course.private_folders()
        for assignment in names:
            shared = {"sources": {p.name: p.read_bytes()
                                  for p in course.source_notebooks(assignment)},
                      "provided": course.provided_files(assignment), "limits": limits,
                      "secret": secret, "private": private, "unsandboxed": unsandboxed}
            ensure_in_gradebook(course, assignment)
            tasks += [engines.Task((assignment, student),
                                   _build(assignment, student, folder, shared))
                      for student, folder in _plan(course, assignment, force, refused)]
        for path, reason in refused:
            print(safe_text(f"skipped {path}: {reason}", 300), file=sys.stderr)
        bar = tqdm(total=len(tasks), desc=f"grading {', '.join(names)}", unit="submission",
                   disable=not progress)
        outcomes = (cluster.run(tasks, _deadline) if cluster
                    else engines.local(tasks, max(1, workers or os.cpu_count() or 1)))
        done = Graded()
        for task, outcome in outcomes:
            assignment, student = task.key
            if isinstance(outcome, jobs.NotGraded):
                done.not_graded[task.key] = outcome.reason
                bar.set_postfix_str(f"{assignment} {student}: not graded")
            else:
                record = {"student_id": student, "assignment": assignment,
                          **outcome["record"], "fingerprint": task.fingerprint,
                          "limits": asdict(limits),
                          "graded_at": time.strftime("%Y-%m-%d %H:%M:%S")}
                done[task.key] = _save_or_report(course, student, assignment, record,
                                                 outcome["graded"])
                bar.set_postfix_str(f"{assignment} {student}: {record['score']:g}"
                                    f"/{record['max_score']:g}")
            bar.update()
        bar.close()
    return done


@contextmanager
def _engine(scheduler, tls, allow_unsandboxed):
    """The Dask cluster to grade on, or None for this machine's worker processes (which
    are checked here: stale cgroups swept, sandbox users and cgroups made once)."""
    if scheduler is None:
        sweep()  # cgroups left by graders that died
        preflight()
        yield None
        return
    with engines.Cluster(scheduler, tls, allow_unsandboxed) as cluster:
        yield cluster
