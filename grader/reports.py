"""What graders hand out: per-student feedback pages and the class's grades as CSV.

Both are built from the grading records only, never from the submissions or the graded
notebooks: a page shows the scores, each part's result and message, the lines the visible
checks printed and the student's own answers (as recorded at grading), and no test source.
Everything in a record that a student could have influenced is treated as hostile: it is
made printable, capped and escaped (:mod:`grader.sanitize`), and one broken record, odd
folder name or planted link costs only that student's page or row, never the class's.
"""

import base64
import csv
import hashlib
import html
import io
import itertools
import json
import math
import os
import stat
from pathlib import Path

import nbformat

from grader import files
from grader.sanitize import csv_cell, safe_text

PAGE = "feedback.html"
MAX_RECORD_BYTES = 64 * 2**20  # answers of 5 M characters, JSON-escaped
MAX_ITEMS = 200  # notebooks, parts or answers shown from one record
NAME_CHARS, MESSAGE_CHARS, OUTPUT_CHARS, ANSWER_CHARS = 200, 2000, 10_000, 20_000

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #ccc;
padding: .4rem .6rem; text-align: left; vertical-align: top; }
.ok { color: #16663a; } .lost { color: #a11; }
pre { background: #f6f6f6; padding: .6rem; overflow-x: auto; white-space: pre-wrap; }
"""
# A second line of defence behind the escaping: the page may load and run nothing, and
# only its own style sheet applies.
_CSP = ("default-src 'none'; style-src 'sha256-"
        + base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
        + "'; base-uri 'none'; form-action 'none'")


class Unreadable(ValueError):
    """A grading record that cannot be used (the message says why)."""


# --- reading and writing without following what others may have planted -------------------


def _number(value):
    """A record's number as a finite float, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        value = float(value)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


def read_record(course, student, assignment):
    """The grading record of a submission (None if it was not graded); raises
    :class:`Unreadable` for a record that is not a regular file, not JSON or not a record."""
    *folders, name = course.record_path(student, assignment).relative_to(course.autograded).parts
    try:
        dir_fd = files.open_folder(course.autograded, folders)
    except FileNotFoundError:
        return None
    except OSError:
        raise Unreadable("its autograded folder is not a real folder") from None
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except OSError:
        raise Unreadable("the record is a link or cannot be opened") from None
    finally:
        os.close(dir_fd)
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("the record is not a regular file")
        data = file.read(MAX_RECORD_BYTES + 1) if info.st_size <= MAX_RECORD_BYTES else b""
    if info.st_size > MAX_RECORD_BYTES or len(data) > MAX_RECORD_BYTES:
        raise Unreadable(f"the record is larger than {MAX_RECORD_BYTES // 2**20} MB")
    try:
        record = json.loads(data)
    except (ValueError, RecursionError):
        raise Unreadable("the record is not JSON") from None
    _check(record)
    return record


def _check(record):
    if not isinstance(record, dict):
        raise Unreadable("the record is not a record")
    for key in ("score", "max_score"):
        if _number(record.get(key)) is None:
            raise Unreadable(f"the record's {key} is not a number")
    notebooks = record.get("notebooks")
    if not isinstance(notebooks, dict) or not all(isinstance(n, dict) for n in notebooks.values()):
        raise Unreadable("the record's notebooks are not notebooks")


# --- feedback pages -------------------------------------------------------------------------


def _e(value, limit=NAME_CHARS):
    return html.escape(safe_text(value, limit))


def _entries(mapping):
    """The first :data:`MAX_ITEMS` ``(key, value)`` pairs of a record's mapping."""
    return list(itertools.islice(mapping.items(), MAX_ITEMS)) if isinstance(mapping, dict) else []


def _points(value):
    number = _number(value)
    return f"{number:g}" if number is not None else _e(value)


def _part_row(grade_id, part):
    if not isinstance(part, dict):
        return f"<tr><td>{_e(grade_id)}</td><td>?</td><td>(unreadable)</td></tr>"
    points, top = _number(part.get("points")), _number(part.get("max"))
    full = points is not None and top is not None and points >= top
    message = part.get("message")
    detail = _e("passed" if message in ("", None) else message, MESSAGE_CHARS)
    if part.get("output"):
        detail += f"<pre>{_e(part['output'], OUTPUT_CHARS)}</pre>"
    return (f"<tr><td>{_e(grade_id)}</td><td class={'ok' if full else 'lost'}>"
            f"{_points(part.get('points'))} / {_points(part.get('max'))}</td>"
            f"<td>{detail}</td></tr>")


def _notebook_section(name, notebook):
    """One notebook's results and the answers recorded from it, apart from the others."""
    note = notebook.get("note")
    rows = "".join(_part_row(g, p) for g, p in _entries(notebook.get("parts")))
    answers = "".join(f"<h4>{_e(g)}</h4><pre>{_e(source, ANSWER_CHARS)}</pre>"
                      for g, source in _entries(notebook.get("answers")))
    return f"""<section><h2>{_e(name)}</h2>
<p>status: {_e(notebook.get('status', ''))}</p>{f'<p>{_e(note, MESSAGE_CHARS)}</p>' if note else ''}
<table><tr><th>part</th><th>points</th><th>result</th></tr>
{rows}</table>
<h3>Your answers</h3>{answers or '<p>(no answers recorded)</p>'}
</section>
"""


def feedback_page(student, assignment, record):
    """One student's feedback for one assignment, as an HTML page (``record`` checked)."""
    title = _e(f"{assignment}: feedback for {safe_text(student, NAME_CHARS)}", 2 * NAME_CHARS)
    sections = "".join(_notebook_section(n, nb) for n, nb in _entries(record["notebooks"]))
    status, graded_at = _e(record.get("status", "")), _e(record.get("graded_at", ""))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<title>{title}</title>
<style>{_STYLE}</style></head><body>
<h1>{title}</h1>
<p><strong>Score: {_points(record['score'])} / {_points(record['max_score'])}</strong>
 &middot; status: {status} &middot; graded {graded_at}</p>
{sections}</body></html>
"""


def write_feedback(course, assignment):
    """Write ``feedback/<student>/<assignment>/feedback.html`` for every graded submission.

    Returns ``(pages, problems)``: the pages written, and ``(student, why)`` (printable)
    for every submission without a page; one student's problem never stops the others."""
    pages, problems = [], []
    course.feedback.mkdir(parents=True, exist_ok=True)
    for student, _, _ in course.submissions(assignment):
        try:
            record = read_record(course, student, assignment)
            if record is None:
                problems.append((safe_text(student, NAME_CHARS), "not graded yet"))
                continue
            page = feedback_page(student, assignment, record).encode()
            dir_fd = files.open_folder(course.feedback, [student, assignment], create=True)
            try:
                files.write_atomic(dir_fd, PAGE, page)
            finally:
                os.close(dir_fd)
            pages.append(course.feedback / student / assignment / PAGE)
        except Exception as error:  # this student's problem only
            why = str(error) if isinstance(error, Unreadable) else \
                f"{type(error).__name__}: {error}"
            problems.append((safe_text(student, NAME_CHARS), f"no page: {safe_text(why, 300)}"))
    return pages, problems


# --- the grades as CSV ----------------------------------------------------------------------

COLUMNS = ["student_id", "assignment", "score", "max_score", "status", "graded_at"]


def max_score(course, assignment):
    """The assignment's points from the instructor's notebooks ("" if it has none)."""
    try:
        cells = [c for path in course.source_notebooks(assignment)
                 for c in nbformat.read(path, as_version=4).cells]
    except (OSError, ValueError):
        return ""
    metas = [c.metadata.get("nbgrader", {}) for c in cells]
    return sum(float(m.get("points", 0)) for m in metas if m.get("grade"))


def _row(course, student, assignment, maxima):
    try:
        record = read_record(course, student, assignment)
        status = "not graded"
    except Exception:  # this row's problem only
        record, status = None, "record unreadable"
    if record is None:
        if assignment not in maxima:
            maxima[assignment] = max_score(course, assignment)
        values = ["", maxima[assignment], status, ""]
    else:
        values = [_number(record["score"]), _number(record["max_score"]),
                  safe_text(record.get("status", ""), NAME_CHARS),
                  safe_text(record.get("graded_at", ""), NAME_CHARS)]
    names = [safe_text(student, NAME_CHARS), safe_text(assignment, NAME_CHARS)]
    return dict(zip(COLUMNS, [csv_cell(v) for v in names + values], strict=True))


def export_csv(course, to=None):
    """One row per submission folder found (graded, not graded or with a broken record) in
    a CSV file, written whole or not at all; returns its path."""
    to = Path(to) if to else course.root / "grades.csv"
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    maxima = {}
    for student, assignment, _ in course.submissions():
        writer.writerow(_row(course, student, assignment, maxima))
    dir_fd = files.open_folder(to.parent, [])
    try:
        files.write_atomic(dir_fd, to.name, out.getvalue().encode())
    finally:
        os.close(dir_fd)
    return to
