"""Feedback pages, the grades CSV and cleaned notebooks against hostile records and folders.

Fast: course folders and grading records are made by hand, no kernel runs. What is checked:

- a page is built from the record alone (answers per notebook, never the submission folder,
  whose notebook may be a link to the solutions or to a classmate's work);
- everything student-derived on a page is escaped, and the page forbids scripts (CSP);
- a broken record, an odd folder name or a planted link or FIFO costs that student's page or
  row only, and is reported; the others get theirs;
- CSV cells never start a spreadsheet formula, and scores stay numbers;
- :func:`grader.sanitize.clean_notebook` keeps only inert outputs, caps the size and copes
  with any JSON shape.
"""

import csv
import html
import json
import os
import threading
from html.parser import HTMLParser

import nbformat
import pytest

from grader import cli
from grader.course import make_course_dir
from grader.pipeline import Course
from grader.reports import export_csv, feedback_page, write_feedback
from grader.sanitize import clean_notebook, csv_cell, safe_text

ASSIGNMENT = "ex01"
NOTEBOOK = "ex01_single_neuron.ipynb"
PARTS = {"test_model": 2.0, "test_shapes": 1.0, "test_param_count": 1.0,
         "test_linear_unit": 2.0, "test_training": 2.0}


@pytest.fixture
def course(tmp_path):
    return Course(make_course_dir(tmp_path / "course", [ASSIGNMENT]))


def record(student, notebooks=None, **fields):
    """A well-formed grading record; ``notebooks`` maps a name to ``{"answers": ...}``."""
    notebooks = notebooks or {NOTEBOOK: {"answers": {"build_model": f"model = '{student}'"}}}
    full = {name: {"status": "graded", "note": "", "answers": nb.get("answers", {}),
                   "parts": nb.get("parts", {g: {"points": p, "max": p, "message": "",
                                                 "output": ""} for g, p in PARTS.items()})}
            for name, nb in notebooks.items()}
    return {"student_id": student, "assignment": ASSIGNMENT, "status": "graded",
            "score": 8.0, "max_score": 8.0, "notebooks": full, "seconds": 1.0,
            "fingerprint": "0" * 64, "limits": {}, "graded_at": "2026-12-01 10:00:00",
            **fields}


def hand_in(course, student, record_data=None, assignment=ASSIGNMENT):
    """A submission folder for ``student`` and, unless None, its record (a dict or bytes)."""
    folder = course.submitted / student / assignment
    folder.mkdir(parents=True)
    if record_data is not None:
        path = course.record_path(student, assignment)
        path.parent.mkdir(parents=True)
        data = record_data if isinstance(record_data, bytes) else json.dumps(record_data).encode()
        path.write_bytes(data)
    return folder


def pages(course):
    """``{student: page text}`` of the feedback pages on disk."""
    return {p.parents[1].name: p.read_text()
            for p in course.feedback.glob(f"*/{ASSIGNMENT}/feedback.html") if p.is_file()}


def finishes(function, seconds=30):
    """``function()``'s result; fails (instead of hanging) if it blocks, on a FIFO say."""
    result = {}
    thread = threading.Thread(target=lambda: result.update(value=function()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{function} blocked for {seconds} s"
    return result.get("value")


def raw_listing(course):
    """List submission folders as plain ``glob`` does (odd names included), whatever
    :meth:`Course.submissions` refuses: the reports must cope on their own."""
    def submissions(assignment=None):
        found = course.submitted.glob(f"*/{assignment or '*'}")
        return sorted((p.parent.name, p.name, p) for p in found if p.is_dir())
    course.submissions = submissions
    return course


# --- answers come from the record, per notebook ------------------------------------------------


def sections(page):
    return {html.unescape(s.split("<h2>")[1].split("</h2>")[0]): s
            for s in page.split("<section>")[1:]}


def test_answers_of_two_notebooks_are_shown_apart(course):
    two = {"part_a.ipynb": {"answers": {"build_model": "ANSWER_OF_A", "shapes": "SHAPES_A"}},
           "part_b.ipynb": {"answers": {"build_model": "ANSWER_OF_B"}}}
    hand_in(course, "alice", record("alice", two))
    write_feedback(course, ASSIGNMENT)
    shown = sections(pages(course)["alice"])
    assert sorted(shown) == ["part_a.ipynb", "part_b.ipynb"]
    assert "ANSWER_OF_A" in shown["part_a.ipynb"] and "SHAPES_A" in shown["part_a.ipynb"]
    assert "ANSWER_OF_B" in shown["part_b.ipynb"]
    assert "ANSWER_OF_A" not in shown["part_b.ipynb"]
    assert "ANSWER_OF_B" not in shown["part_a.ipynb"]


def test_a_notebook_without_answers_says_so(course):
    hand_in(course, "alice", record("alice", {NOTEBOOK: {"answers": {}}}))
    write_feedback(course, ASSIGNMENT)
    assert "(no answers recorded)" in sections(pages(course)["alice"])[NOTEBOOK]


def plant_canary_in_solutions(course):
    path = course.source / ASSIGNMENT / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    cell.source += "\n# CANARY_FROM_SOLUTIONS"
    nbformat.write(nb, path)
    return path


def classmates_notebook(course):
    bob = hand_in(course, "bob", record("bob"))
    nb = nbformat.read(course.source / ASSIGNMENT / NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    cell.source = "model = 'CANARY_FROM_BOB'"
    nbformat.write(nb, bob / NOTEBOOK)
    return bob / NOTEBOOK


@pytest.mark.parametrize("link", [os.symlink, os.link], ids=["symlink", "hard link"])
@pytest.mark.parametrize("target", [plant_canary_in_solutions, classmates_notebook],
                         ids=["solutions", "classmate"])
def test_a_linked_notebook_in_the_folder_is_never_shown(course, link, target):
    linked = target(course)
    folder = hand_in(course, "alice", record("alice"))
    link(linked, folder / NOTEBOOK)
    link(linked, folder / "extra.ipynb")
    write_feedback(course, ASSIGNMENT)
    page = pages(course)["alice"]
    assert "CANARY" not in page
    assert html.escape("model = 'alice'") in page  # the record's answer, and only it


# --- escaping and the content security policy --------------------------------------------------

ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p",
                "strong", "section", "table", "tr", "th", "td", "pre"}
PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
            "</pre></td></tr></table><iframe src=//evil>", "\"'><svg onload=alert(1)>"]


class Tags(HTMLParser):
    def __init__(self, page):
        super().__init__()
        self.tags, self.attributes = set(), set()
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}


def assert_inert(page, payload):
    parsed = Tags(page)
    assert parsed.tags <= ALLOWED_TAGS, parsed.tags - ALLOWED_TAGS
    assert parsed.attributes <= {"lang", "charset", "http-equiv", "content", "class"}
    assert payload not in page and html.escape(payload) in page
    csp = page.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
    assert "default-src 'none'" in csp and "script" not in csp


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("where", ["message", "output", "answer", "note", "status",
                                   "graded_at", "grade_id", "notebook"])
def test_student_text_on_a_page_is_escaped(course, payload, where):
    parts = {"test_model": {"points": 0.0, "max": 2.0, "message": "", "output": ""}}
    notebook = {"answers": {"build_model": "x = 1"}, "parts": parts}
    fields = {}
    if where in ("message", "output"):
        parts["test_model"][where] = payload
    elif where == "answer":
        notebook["answers"]["build_model"] = payload
    elif where == "grade_id":
        parts[payload] = parts.pop("test_model")
    elif where in ("status", "graded_at"):
        fields[where] = payload
    data = record("alice", {payload if where == "notebook" else NOTEBOOK: notebook}, **fields)
    if where == "note":
        data["notebooks"][NOTEBOOK]["note"] = payload
    hand_in(course, "alice", data)
    write_feedback(course, ASSIGNMENT)
    assert_inert(pages(course)["alice"], payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_student_id_on_a_page_is_escaped(payload):
    assert_inert(feedback_page(payload, ASSIGNMENT, record(payload)), payload)


def test_long_messages_and_outputs_are_capped(course):
    flood = "A" * 2_000_000
    parts = {"test_model": {"points": 0.0, "max": 2.0, "message": flood, "output": flood}}
    hand_in(course, "alice", record("alice", {NOTEBOOK: {"parts": parts,
                                                         "answers": {"build_model": flood}}}))
    write_feedback(course, ASSIGNMENT)
    page = pages(course)["alice"]
    assert len(page) < 100_000 and page.count("[cut:") == 3


# --- one student's problem is that student's only ----------------------------------------------

BROKEN = {
    "not JSON": b"{ this is not json",
    "not UTF-8": b'{"score": "\xff\xfe"}',
    "not a dict": b"[1, 2, 3]",
    "nested too deep": b"[" * 100_000,
    "number too long": b'{"score": ' + b"9" * 5000 + b"}",
    "score not a number": json.dumps(record("a", score="8")).encode(),
    "score NaN": json.dumps(record("a", score=float("nan"))).encode(),
    "notebooks a list": json.dumps({**record("a"), "notebooks": [1]}).encode(),
    "a notebook not a dict": json.dumps({**record("a"), "notebooks": {NOTEBOOK: "x"}}).encode(),
}


def plant_fifo(course, student):
    path = course.record_path(student, ASSIGNMENT)
    path.parent.mkdir(parents=True)
    os.mkfifo(path)


def plant_link_to_classmate(course, student):
    path = course.record_path(student, ASSIGNMENT)
    path.parent.mkdir(parents=True)
    path.symlink_to(course.record_path("c-good", ASSIGNMENT))


def plant_linked_folder(course, student):
    (course.autograded / student).mkdir(parents=True)
    (course.autograded / student / ASSIGNMENT).symlink_to(course.autograded / "c-good" / ASSIGNMENT)


def plant_sparse(course, student):
    path = course.record_path(student, ASSIGNMENT)
    path.parent.mkdir(parents=True)
    with open(path, "wb") as file:
        file.truncate(2**27)  # 128 MB of nothing, past the cap


PLANTED = {"a FIFO": plant_fifo, "a link to a classmate's": plant_link_to_classmate,
           "in a linked folder": plant_linked_folder, "a 128 MB sparse file": plant_sparse}


def broken_class(course, kind):
    """Two good students and, sorted first, one whose record is broken in way ``kind``."""
    for student in ("b-good", "c-good"):
        hand_in(course, student, record(student))
    if kind in BROKEN:
        hand_in(course, "a-broken", BROKEN[kind])
    else:
        hand_in(course, "a-broken")
        PLANTED[kind](course, "a-broken")


@pytest.mark.parametrize("kind", [*BROKEN, *PLANTED])
def test_a_broken_record_costs_only_its_page(course, kind):
    broken_class(course, kind)
    written, problems = finishes(lambda: write_feedback(course, ASSIGNMENT))
    assert sorted(pages(course)) == ["b-good", "c-good"]
    assert len(written) == 2
    assert [student for student, _ in problems] == ["a-broken"]
    assert "record" in problems[0][1] or "autograded" in problems[0][1]


@pytest.mark.parametrize("kind", [*BROKEN, *PLANTED])
def test_a_broken_record_is_a_row_with_the_real_maximum(course, kind):
    broken_class(course, kind)
    hand_in(course, "d-late")  # not graded yet
    rows = read_csv(finishes(lambda: export_csv(course)))
    by_id = {r["student_id"]: r for r in rows}
    assert sorted(by_id) == ["a-broken", "b-good", "c-good", "d-late"]
    assert by_id["a-broken"]["status"] == "record unreadable"
    assert by_id["d-late"]["status"] == "not graded"
    for student in ("a-broken", "d-late"):
        assert by_id[student]["score"] == "" and float(by_id[student]["max_score"]) == 8.0
    assert float(by_id["b-good"]["score"]) == 8.0


def test_an_assignment_without_notebooks_has_no_maximum(course):
    hand_in(course, "alice", assignment="ex99")
    [row] = read_csv(export_csv(course))
    assert (row["assignment"], row["score"], row["max_score"]) == ("ex99", "", "")


def test_surrogates_in_a_record_still_give_a_page(course):
    parts = {"test_model": {"points": 0.0, "max": 2.0, "message": "bad \ud800 text",
                            "output": "\udcff\x1b[31m"}}
    hand_in(course, "alice", record("alice", {NOTEBOOK: {"parts": parts,
                                                         "answers": {"build_model": "\udfff"}}},
                                    status="odd \ud83d"))
    written, problems = write_feedback(course, ASSIGNMENT)
    page = pages(course)["alice"]
    assert not problems and len(written) == 1
    assert "bad \\ud800 text" in page and "\\xff\\x1b[31m" in page and "\\udfff" in page


def test_wrong_field_types_inside_notebooks_still_give_a_page(course):
    notebook = {"status": ["x"], "note": 7, "answers": [1, 2],
                "parts": {"test_model": "not a part",
                          "test_shapes": {"points": "1", "max": None, "message": {"a": 1}},
                          "test_training": {"points": 10**400, "max": 2.0}}}
    hand_in(course, "alice", record("alice", {NOTEBOOK: notebook}, graded_at=None))
    written, problems = write_feedback(course, ASSIGNMENT)
    page = pages(course)["alice"]
    assert not problems and len(written) == 1
    assert "(unreadable)" in page and "(no answers recorded)" in page


def non_utf8_student(course, name=b"a-caf\xe9"):
    """A graded submission whose folder name is not valid UTF-8 (sorted first)."""
    student = os.fsdecode(name)
    hand_in(course, student, record(student))
    return student


def test_a_folder_name_that_is_not_utf8_gets_its_page(course):
    raw_listing(course)
    student = non_utf8_student(course)
    hand_in(course, "b-good", record("b-good"))
    written, problems = write_feedback(course, ASSIGNMENT)
    assert not problems and len(written) == 2
    page = (course.feedback / student / ASSIGNMENT / "feedback.html").read_text()
    assert "feedback for a-caf\\xe9" in page
    assert "b-good" in pages(course)


def test_a_folder_name_that_is_not_utf8_is_an_escaped_row(course):
    raw_listing(course)
    non_utf8_student(course)
    hand_in(course, "b-good", record("b-good"))
    rows = read_csv(export_csv(course))
    assert [r["student_id"] for r in rows] == ["a-caf\\xe9", "b-good"]


def test_the_command_lists_the_students_without_a_page(course, capsys):
    broken_class(course, "not JSON")
    cli.main(["feedback", ASSIGNMENT, "--course-dir", str(course.root)])
    out = capsys.readouterr().out
    assert "wrote 2 feedback page(s)" in out and "1 submission(s) without one" in out
    assert "  a-broken: no page: the record is not JSON" in out


# --- planted links and FIFOs where pages and the CSV are written -------------------------------


def plant(kind, path, victim):
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "symlink":
        path.symlink_to(victim)
    elif kind == "hard link":
        os.link(victim, path)
    else:
        os.mkfifo(path)


@pytest.mark.parametrize("kind", ["symlink", "hard link", "FIFO"])
def test_a_link_or_fifo_at_the_page_is_replaced_not_followed(course, tmp_path, kind):
    victim = tmp_path / "victim.txt"
    victim.write_text("VICTIM")
    hand_in(course, "alice", record("alice"))
    target = course.feedback / "alice" / ASSIGNMENT / "feedback.html"
    plant(kind, target, victim)
    written, problems = finishes(lambda: write_feedback(course, ASSIGNMENT))
    assert victim.read_text() == "VICTIM" and not problems
    assert target.is_file() and not target.is_symlink() and os.stat(target).st_nlink == 1
    assert "feedback for alice" in target.read_text()


@pytest.mark.parametrize("depth", [1, 2], ids=["student folder", "assignment folder"])
def test_a_linked_feedback_folder_is_refused(course, tmp_path, depth):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for student in ("alice", "bob"):
        hand_in(course, student, record(student))
    link = course.feedback / "alice" / ASSIGNMENT if depth == 2 else course.feedback / "alice"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(elsewhere)
    written, problems = write_feedback(course, ASSIGNMENT)
    assert list(elsewhere.rglob("*")) == []
    assert [s for s, _ in problems] == ["alice"] and list(pages(course)) == ["bob"]


def test_a_folder_at_the_page_is_reported(course):
    for student in ("alice", "bob"):
        hand_in(course, student, record(student))
    (course.feedback / "alice" / ASSIGNMENT / "feedback.html").mkdir(parents=True)
    written, problems = write_feedback(course, ASSIGNMENT)
    assert [s for s, _ in problems] == ["alice"] and list(pages(course)) == ["bob"]


@pytest.mark.parametrize("kind", ["symlink", "hard link", "FIFO"])
def test_a_link_or_fifo_at_grades_csv_is_replaced_not_followed(course, tmp_path, kind):
    victim = tmp_path / "victim.txt"
    victim.write_text("VICTIM")
    hand_in(course, "alice", record("alice"))
    plant(kind, course.root / "grades.csv", victim)
    path = finishes(lambda: export_csv(course))
    assert victim.read_text() == "VICTIM"
    assert path.is_file() and not path.is_symlink() and os.stat(path).st_nlink == 1
    assert [r["student_id"] for r in read_csv(path)] == ["alice"]


# --- CSV cells ---------------------------------------------------------------------------------


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "  =1", "\u00a0=1", "\uff1d1",
            "\uff0b1", "\uff0d1", "\uff20A1", "=HYPERLINK(\"http://evil\",\"x\")"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_cell_is_neutralised(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["alice", "a=b", "1+1", "", "graded", "x-1"])
def test_plain_text_cells_are_unchanged(value):
    assert csv_cell(value) == value


@pytest.mark.parametrize("value", [8.0, 0, -1.5, 3])
def test_our_numbers_stay_numbers(value):
    assert csv_cell(value) == value


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+SUM(1)", "-2+3", "@A1", "\t=x"])
def test_formulas_in_records_and_folder_names_are_neutralised(course, text):
    raw_listing(course)
    student = text.replace("\t", " ").replace("/", "|")  # a folder name can hold neither
    hand_in(course, student, record(student, status=text, graded_at=text))
    [row] = read_csv(export_csv(course))
    for column in ("student_id", "status", "graded_at"):
        assert row[column].startswith("'"), (column, row[column])
    assert float(row["score"]) == 8.0 and float(row["max_score"]) == 8.0


# --- safe_text ---------------------------------------------------------------------------------


def test_safe_text_escapes_what_is_not_printable():
    text = safe_text("a\x00b\x1b[2J\r\n\u202eevil\t\udcff\ud800\x7f")
    assert text == "a\\x00b\\x1b[2J\n\\u202eevil\t\\xff\\ud800\\x7f"
    text.encode("utf-8")


def test_safe_text_caps_with_a_note():
    assert safe_text("x" * 50, 10) == "x" * 10 + " [cut: 40 more characters]"
    assert len(safe_text("\x00" * 10_000, 100)) < 150


class Hostile:
    def __repr__(self):
        raise RuntimeError("no")


def test_safe_text_of_any_value():
    assert safe_text(b"\xff") == "b'\\xff'" and safe_text(None) == "None"
    assert safe_text(Hostile()) == "<unprintable Hostile>"
    deep = []
    for _ in range(100_000):
        deep = [deep]
    assert safe_text(deep) == "<unprintable list>"


# --- clean_notebook ----------------------------------------------------------------------------

PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJ"
       "RU5ErkJggg==")
ACTIVE = {"text/html": "<script>alert(1)</script>", "application/javascript": "alert(1)",
          "image/svg+xml": "<svg onload=alert(1)/>", "text/markdown": "<img onerror=x>",
          "application/vnd.jupyter.widget-view+json": {"model_id": "x"},
          "text/latex": "$x$", "image/png+evil": "x"}


def rich_notebook():
    nb = nbformat.v4.new_notebook(metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
        "signature": "sha256:forged", "trusted": True})
    code = nbformat.v4.new_code_cell("x = 1", metadata={"trusted": True, "grading": "student"})
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="printed\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": "plain", **ACTIVE}),
        nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/html": "<b>"}),
        nbformat.v4.new_output("display_data", data={"image/png": "\"><script>", **ACTIVE}),
        nbformat.v4.new_output("error", ename="E", evalue="v", traceback=["t"]),
    ]
    markdown = nbformat.v4.new_markdown_cell("<script>alert(1)</script> *hi*")
    markdown["attachments"] = {"a.svg": {"image/svg+xml": "<svg onload=alert(1)/>"}}
    raw = nbformat.v4.new_raw_cell("raw <i>text</i>",
                                   metadata={"format": "text/html", "raw_mimetype": "text/html"})
    nb.cells = [code, markdown, raw]
    return nb


def test_clean_notebook_keeps_only_inert_outputs():
    clean = clean_notebook(rich_notebook(), 2**20)
    nbformat.validate(clean)
    written = nbformat.writes(clean)
    for active in ("<script", "<svg", "<img", "<b>", "widget-state", "forged", "trusted",
                   "raw_mimetype"):
        assert active not in written, active
    code, markdown, raw = clean.cells
    kinds = [(o.output_type, sorted(o.get("data", {}))) for o in code.outputs]
    assert kinds[:4] == [("stream", []), ("display_data", ["text/plain"]),
                         ("display_data", ["image/png"]), ("error", [])]
    assert "not kept in the graded notebook" in code.outputs[-1].text
    assert "text/html" in code.outputs[-1].text and "image/svg+xml" in code.outputs[-1].text
    assert markdown.source.startswith("&lt;script>") and "attachments" not in markdown
    assert raw.source == "raw <i>text</i>" and raw.metadata == {}  # shown as text: inert
    assert code.metadata == {"grading": "student"}
    assert clean.metadata == {"kernelspec": rich_notebook().metadata.kernelspec}


def added_cells(source, output):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import keras", metadata={"grading": "instructor"})]
    for _ in range(200):
        cell = nbformat.v4.new_code_cell(source, metadata={"grading": "student"})
        cell.outputs = [nbformat.v4.new_output("stream", text=output)] if output else []
        nb.cells.append(cell)
    return nb


@pytest.mark.parametrize("source, output, note", [
    ("x = 1\n" * 40_000, "", "source cut"),
    ("print(x)", "y" * 240_000, "output(s) cut"),
    ("z = 2\n" * 40_000, "line\n" * 50_000, "source cut"),
], ids=["big sources", "big outputs", "both"])
def test_clean_notebook_caps_the_size(source, output, note):
    limit = 2**20
    clean = clean_notebook(added_cells(source, output), limit)
    nbformat.validate(clean)
    written = nbformat.writes(clean).encode()
    assert len(written) <= limit
    assert clean.cells[0].source == "import keras"  # the instructor's cells are kept
    assert len(clean.cells) == 201 and note.encode() in written
    if output:
        assert all(o.output_type == "stream" for c in clean.cells for o in c.outputs)
    if note == "output(s) cut":  # outputs go first: the sources are all kept
        assert all(c.source in ("import keras", source) for c in clean.cells)


def test_clean_notebook_replaces_surrogates():
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "\ud800", "display_name": ""}})
    cell = nbformat.v4.new_code_cell("s = '\udcff'", metadata={"grade_id": "\udfff"})
    cell.outputs = [nbformat.v4.new_output("stream", text="\ud83d"),
                    nbformat.v4.new_output("error", ename="\ud800", evalue="\ud800",
                                           traceback=["\ud800"]),
                    nbformat.v4.new_output("execute_result", data={"text/plain": "\ud800"})]
    nb.cells = [cell]
    nbformat.writes(clean_notebook(nb, 2**20)).encode("utf-8")


@pytest.mark.parametrize("nb", [
    {"cells": [1, "x", None, {"cell_type": "code", "source": 5, "outputs": "no"},
               {"cell_type": "markdown", "source": ["<b>", 3], "metadata": [1]},
               {"cell_type": "code", "source": ["a", "b"], "execution_count": "1",
                "outputs": [{"output_type": "stream", "text": ["\ud800", 7], "name": 3}, 7,
                            {"output_type": "display_data", "data": "x"},
                            {"output_type": "execute_result", "data": {"text/plain": 5}},
                            {"output_type": "error", "traceback": "x"},
                            {"output_type": ["x"]}]},
               {"cell_type": "weird", "id": "a" * 500, "source": None},
               {"cell_type": "code", "id": "same"}, {"cell_type": "code", "id": "same"}],
     "metadata": "bad"},
    {"cells": {"not": "a list"}, "metadata": {"kernelspec": {1: 2, "x": float("nan")}}},
    [1, 2, 3],
    None,
], ids=["hostile cells", "hostile fields", "a list", "None"])
def test_clean_notebook_copes_with_any_shape(nb):
    clean = clean_notebook(nb, 2**20)
    nbformat.validate(clean)
    nbformat.writes(clean).encode("utf-8")
    assert len({c.id for c in clean.cells}) == len(clean.cells)



def test_export_to_a_folder_is_an_error_not_a_traceback(course, tmp_path):
    hand_in(course, "alice", record("alice"))
    (tmp_path / "out" / "grades.csv").mkdir(parents=True)
    with pytest.raises(SystemExit, match="could not write the grades"):
        cli.main(["export", "--course-dir", str(course.root),
                  "--to", str(tmp_path / "out" / "grades.csv")])
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["grades.csv"]  # no temporary left
