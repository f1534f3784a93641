"""One submission's grading as plain data, and :func:`run`, which grades it on any worker.

A job is a dict that holds everything grading needs and nothing the worker would have to
read from the client's disk:

- ``assignment``, ``student``: names (safe ids);
- ``sources``: ``{notebook name: bytes}`` of the instructor's notebooks, ``provided``:
  ``{relative path: bytes}`` of the instructor's other files;
- ``files`` and ``refused``: the submission as :func:`grader.files.snapshot` read it;
- ``limits``: the :class:`grader.sandbox.Limits` as a dict;
- ``secret``: the held-out secret, only when the assignment's tests use held-out data;
- ``private``: folders no sandbox may see on the machine that grades (on a cluster with a
  shared file system the course folder is visible from the workers too);
- ``fingerprint``: the submission's, for the record;
- ``environment``: the :func:`environment` fingerprint the worker must have, and
  ``unsandboxed``: whether the instructor allowed grading without bubblewrap.

:func:`run` is the same function in a local worker process and on a Dask worker. It returns
``{"record": ..., "graded": {notebook name: bytes}}``; the client alone writes them. When
the machine fails rather than the submission (another environment, no sandbox, a kernel or
judge that does not start, a judge that crashes, a bug of ours) it raises :class:`NotGraded`:
that is never recorded as the student's zero.
"""

import functools
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import nbformat

from grader import files, splice
from grader.grade import JudgeCrashed, NotStarted, grade_notebook
from grader.sandbox import REPO, Limits, bubblewrap, preflight
from grader.sanitize import clean_notebook

MAX_CELLS = 2000  # cells of a submitted notebook
MAX_SOURCE_CHARS = 5 * 2**20  # characters of code in a submitted notebook
MAX_GRADED_BYTES = 8 * 2**20  # a graded notebook as written to autograded/
RESERVED = {"kernel.log", "judge.log"}  # what the grader writes in the work folder
# What decides a grade besides the submission: the pinned packages, the grader, the course
# library (data generators, checks) and the Python version.
_ENVIRONMENT = ["requirements.lock", "grader", "dlcourse"]


class NotGraded(Exception):
    """The machine could not grade this job (``reason``); ``worker`` says which, if known.
    The submission keeps no new record: the next run grades it."""

    def __init__(self, reason, worker=None):
        super().__init__(reason, worker)
        self.reason, self.worker = reason, worker

    def __str__(self):
        return self.reason


@functools.cache
def environment():
    """A hash of what decides a grade on this machine, besides the submission."""
    digest = hashlib.sha256(f"python {sys.version_info[:3]}\0".encode())
    for name in _ENVIRONMENT:
        root = REPO / name
        paths = sorted(p for p in root.rglob("*") if p.is_file()
                       and "__pycache__" not in p.parts) if root.is_dir() else [root]
        for path in paths:
            data = path.read_bytes() if path.is_file() else b"missing"
            digest.update(f"{path.relative_to(REPO)}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()


def sandbox_problem():
    """Why this machine cannot sandbox a student's kernel, or ``""``."""
    bwrap = bubblewrap()
    if not bwrap:
        return "bubblewrap (bwrap) is not installed"
    try:  # user namespaces can be disabled (containers, hardened kernels)
        subprocess.run([bwrap, "--ro-bind", "/", "/", "--unshare-net", "--", "true"],
                       check=True, capture_output=True, timeout=30)
        preflight()
    except (OSError, RuntimeError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        return f"the sandbox does not start: {error} {detail.decode(errors='replace')}"[:300]
    return ""


def describe():
    """This machine's grading environment, as the client checks it before a run."""
    return {"host": socket.gethostname(), "python": ".".join(map(str, sys.version_info[:3])),
            "environment": environment(), "sandbox": sandbox_problem()}


def make(assignment, student, sources, provided, submission, limits, secret, private,
         unsandboxed):
    """A job (see the module's docstring) from what the client read; its ``fingerprint``
    is the submission's (:meth:`grader.files.Snapshot.fingerprint`)."""
    needs_secret = any(b"heldout" in data for data in sources.values())
    return {"assignment": assignment, "student": student, "sources": sources,
            "provided": provided, "files": submission.data, "refused": submission.refused,
            "fingerprint": submission.fingerprint(), "limits": asdict(limits),
            "secret": secret if needs_secret else None, "private": [str(p) for p in private],
            "environment": environment(), "unsandboxed": unsandboxed}


def run(job):
    """Grade one job here: ``{"record", "graded"}``, or :class:`NotGraded`."""
    if job["environment"] != environment():
        raise NotGraded("this worker's environment (packages, grader, course library or"
                        " Python) differs from the client's")
    if not job["unsandboxed"] and (problem := sandbox_problem()):
        raise NotGraded(f"this worker has no sandbox: {problem}")
    try:
        sources = {name: nbformat.reads(data.decode(), as_version=4)
                   for name, data in job["sources"].items()}
        record, graded = grade(sources, job["provided"],
                               files.Snapshot(job["files"], job["refused"]),
                               Limits(**job["limits"]), job["secret"] or "", job["private"])
    except (NotStarted, JudgeCrashed) as error:
        raise NotGraded(str(error)) from None
    except Exception as error:  # a bug of ours: the student is not the one to pay for it
        raise NotGraded(error_text("grader error", error)) from None
    return {"record": record, "graded": graded}


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


def _write(work, path, data):
    (work / path).parent.mkdir(parents=True, exist_ok=True)
    (work / path).write_bytes(data)


def copy_extras(submission, work, provided):
    """Copy the submission's accepted files but notebooks into ``work``, then the
    instructor's ``provided`` files (which win); returns ``(name, reason)`` of the student's
    files not copied: names the grader or the course uses."""
    taken = set(provided)
    taken |= {str(parent) for name in taken for parent in Path(name).parents} - {"."}
    refused = []
    for path in submission.files:
        if path.endswith(".ipynb"):
            continue
        clash = path in taken or any(str(p) in taken for p in Path(path).parents)
        if path.split("/")[0] in RESERVED or clash:
            refused.append((path, "a name the grader or the course uses"))
        else:
            _write(work, path, submission.read(path))
    for path, data in provided.items():
        _write(work, path, data)
    return refused


def zero_parts(source_nb, status):
    """Every graded part of the instructor's notebook at 0 of its points, with the reason."""
    return {c.metadata.nbgrader["grade_id"]: {
        "points": 0.0, "max": float(c.metadata.nbgrader.get("points", 0)),
        "message": status, "output": ""}
        for c in source_nb.cells if c.metadata.get("nbgrader", {}).get("grade")}


def summary(notebooks, seconds, **extra):
    parts = [p for nb in notebooks.values() for p in nb["parts"].values()]
    failed = [nb["status"] for nb in notebooks.values() if nb["status"] != "graded"]
    return {"status": failed[0] if failed else "graded",
            "score": sum(p["points"] for p in parts),
            "max_score": sum(p["max"] for p in parts),
            "notebooks": notebooks, "seconds": seconds, **extra}


def error_text(what, error):
    """``what: the exception's type: its message``, safe to show and at most 200 characters."""
    return files.clean_text(f"{what}: {type(error).__name__}: {error}")[:200]


def _ignored_note(ignored):
    names = ", ".join(f"{i['name']} ({i['reason']})" for i in ignored[:10])
    more = f" and {len(ignored) - 10} more" if len(ignored) > 10 else ""
    return f"ignored {len(ignored)} file(s) of the submission: {names}{more}"


def _grade_one(name, source_nb, submission, provided, only_one, limits, secret, private):
    """Grade one notebook of a submission: ``(its record entry, graded notebook bytes or
    None, the extra files not copied)``."""
    found, status, note = _student_notebook(submission, name, only_one)
    student_nb, parts, graded, refused, phases = None, None, None, [], None
    if found is not None:
        student_nb, status = safe_notebook(submission.read(found))
    if student_nb is not None:
        # The run removes what the sandboxes wrote (grade.Run.close): what is left is the
        # grader's own logs, and a failure to remove them costs the student nothing.
        with tempfile.TemporaryDirectory(prefix="grader-", ignore_cleanup_errors=True) as tmp:
            # Without bubblewrap a root grader's kernel runs as its own user in the real
            # /tmp: it must be able to pass through this (0700) folder to reach work/.
            os.chmod(tmp, 0o711)
            work = Path(tmp) / "work"
            work.mkdir()
            refused = copy_extras(submission, work, provided)
            parts, status, nb = grade_notebook(source_nb, student_nb, work, limits, secret,
                                               private)
        phases = nb.metadata.pop("grading_phases", None)  # seconds: for the benchmark
        try:
            graded = nbformat.writes(clean_notebook(nb, MAX_GRADED_BYTES)).encode()
        except Exception as error:  # the grades stand without their notebook
            problem = error_text("graded notebook not written", error)
            note = " ".join(filter(None, [note, problem]))
    entry = {"status": status, "note": note, "parts": parts or zero_parts(source_nb, status),
             "answers": splice.answers(source_nb, student_nb) if student_nb else {}}
    if phases:
        entry["phases"] = phases
    return entry, graded, refused


def grade(sources, provided, submission, limits, secret, private=()):
    """Grade a submission (a :class:`grader.files.Snapshot`) against the instructor's
    notebooks ``sources`` (``{name: notebook}``) and files ``provided``.

    Returns ``(record, graded)``: the record (also its score) and ``{notebook name: bytes
    of the graded notebook}``. Refused files are listed in the record (``ignored``) and in
    the first notebook's note. ``private`` are folders no sandbox may see."""
    start = time.monotonic()
    notebooks, graded, refused = {}, {}, dict(submission.refused)
    for name, source_nb in sources.items():
        entry, data, extras = _grade_one(name, source_nb, submission, provided,
                                         len(sources) == 1, limits, secret, private)
        notebooks[name] = entry
        refused.update(extras)
        if data is not None:
            graded[name] = data
    ignored = [{"name": name, "reason": reason} for name, reason in refused.items()]
    if ignored:
        first = next(iter(notebooks.values()))
        first["note"] = " ".join(filter(None, [first["note"], _ignored_note(ignored)]))
    record = summary(notebooks, round(time.monotonic() - start, 1), ignored=ignored)
    return record, graded
