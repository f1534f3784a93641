"""The instructor's grading pipeline, through the ``grader`` command line, on throw-away
course folders (assignment ``ex01``).

- a course folder holding only ``nbgrader_config.py``, ``solutions/`` and ``submitted/``
  is graded: reference 8/8, stub 0, the plausible wrong answer exactly its expected parts;
- grading resumes (nothing is regraded twice unless ``--force`` or the submission changed)
  and is consistent (identical notebooks, identical scores);
- ``feedback`` pages show scores, parts and messages but no test source;
- ``export`` writes one CSV row per submission folder;
- ``collect-zip`` imports an LMS download and reports what it could not match;
- the student side end to end: nbgrader's exchange (release, fetch, validate, submit,
  collect) and an LMS upload, then ``autograde``;
- a PostgreSQL gradebook, with two workers;
- grading without bubblewrap.
"""

import csv
import glob
import html
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import types
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from grader.course import (
    EXERCISES,
    SOLUTIONS,
    fill_in,
    make_course_dir,
    max_scores,
    nbgrader,
    scores,
    solution_sources,
    submit,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("pipeline")]

ASSIGNMENT = "ex01"
NOTEBOOK = "ex01_single_neuron.ipynb"
STUDENT_VERSION = EXERCISES / ASSIGNMENT / NOTEBOOK
SOURCE = SOLUTIONS / ASSIGNMENT / NOTEBOOK
WRONG = importlib.import_module(f"wrong_answers.{ASSIGNMENT}")
REFERENCE = solution_sources(ASSIGNMENT)
PARTS = ["test_model", "test_shapes", "test_param_count", "test_linear_unit", "test_training"]

# Answers of cheap partial submissions (no training runs) and the parts they earn.
ONLY_COUNT = {"param_count": REFERENCE["param_count"]}
ONLY_COUNT_SCORES = {**dict.fromkeys(PARTS, 0.0), "test_param_count": 1.0}
ONLY_MODEL_SHAPES = {k: REFERENCE[k] for k in ("build_model", "shapes")}
ONLY_MODEL_SHAPES_SCORES = {**dict.fromkeys(PARTS, 0.0), "test_model": 2.0, "test_shapes": 1.0}
ONLY_LINEAR = {"linear_unit": REFERENCE["linear_unit"]}
ONLY_LINEAR_SCORES = {**dict.fromkeys(PARTS, 0.0), "test_linear_unit": 2.0}
FULL = {"test_model": 2.0, "test_shapes": 1.0, "test_param_count": 1.0,
        "test_linear_unit": 2.0, "test_training": 2.0}
ZERO = dict.fromkeys(PARTS, 0.0)
WRONG_SCORES = {part: float(points) for part, points in WRONG.EXPECTED.items()}


def grader(*args, check=True, cwd=None):
    """Run ``python -m grader ARGS``; returns the completed process."""
    result = subprocess.run([sys.executable, "-m", "grader", *map(str, args)],
                            capture_output=True, text=True, cwd=cwd, timeout=3600)
    if check and result.returncode != 0:
        raise AssertionError(f"grader {' '.join(map(str, args))} failed ({result.returncode}):"
                             f"\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def notebook(answers):
    """The student version of ex01 with ``answers`` (grade_id -> source) typed in."""
    return fill_in(STUDENT_VERSION, answers)


def record(course, student):
    path = Path(course) / "autograded" / student / ASSIGNMENT / "grading.json"
    return json.loads(path.read_text())


def record_scores(course, student):
    parts = record(course, student)["notebooks"][NOTEBOOK]["parts"]
    return {grade_id: part["points"] for grade_id, part in parts.items()}


def gradebook_scores(db_url, student):
    """``grade_id -> score`` of a student's ex01 submission in the gradebook at ``db_url``."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student)
        return {grade.name: float(grade.score) for nb in submission.notebooks
                for grade in nb.grades}


def long_test_lines():
    """Every line longer than 25 characters of the solution notebook's test cells."""
    lines = set()
    for cell in nbformat.read(SOURCE, as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            lines |= {line.strip() for line in cell.source.splitlines()
                      if len(line.strip()) > 25}
    return lines


# ---------------------------------------------------------------------------------------
# 1. A bare course folder: config, solutions and submissions only
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course folder with only ``nbgrader_config.py``, ``solutions/`` and ``submitted/``
    (no ``exercises/``, no gradebook), graded once with ``grader autograde``.

    Students: ``reference``, ``stub``, ``wrong`` and ``wrong-twin`` (the same notebook,
    byte for byte), ``empty`` (a folder without a notebook) and ``garbage`` (a file named
    like the notebook that is not one)."""
    course = make_course_dir(tmp_path_factory.mktemp("bare") / "course", [ASSIGNMENT])
    submit(course, ASSIGNMENT, "reference", {NOTEBOOK: notebook(REFERENCE)})
    submit(course, ASSIGNMENT, "stub", {NOTEBOOK: notebook({})})
    wrong = submit(course, ASSIGNMENT, "wrong", {NOTEBOOK: notebook({**REFERENCE,
                                                                     **WRONG.ANSWERS})})
    twin = course / "submitted" / "wrong-twin" / ASSIGNMENT
    twin.mkdir(parents=True)
    shutil.copyfile(wrong / NOTEBOOK, twin / NOTEBOOK)
    (course / "submitted" / "empty" / ASSIGNMENT).mkdir(parents=True)
    garbage = course / "submitted" / "garbage" / ASSIGNMENT
    garbage.mkdir(parents=True)
    (garbage / NOTEBOOK).write_text("this is not a notebook {")
    before = sorted(p.name for p in course.iterdir())
    start = time.monotonic()
    result = grader("autograde", ASSIGNMENT, "--course-dir", course, "--workers", 2)
    return types.SimpleNamespace(root=course, before=before, result=result,
                                 seconds=time.monotonic() - start)


def test_bare_course_folder_is_graded(graded):
    course = graded.root
    assert graded.before == ["nbgrader_config.py", "solutions", "submitted"]
    assert (course / "gradebook.db").exists(), "the gradebook was not created"
    assert max_scores(course, ASSIGNMENT) == FULL, "the assignment's parts in the gradebook"
    assert "graded 6 submission(s) of ex01" in graded.result.stdout, graded.result.stdout
    for student, expected in [("reference", FULL), ("stub", ZERO), ("wrong", WRONG_SCORES)]:
        assert scores(course, ASSIGNMENT, student) == expected, student
        assert record_scores(course, student) == expected, student
        saved = record(course, student)
        assert saved["status"] == "graded", saved["status"]
        assert saved["score"] == sum(expected.values()) and saved["max_score"] == 8.0
        assert list((course / "autograded" / student / ASSIGNMENT).glob("*.ipynb"))


def test_problem_submissions_are_recorded_with_zero(graded):
    course = graded.root
    for student, status in [("empty", "no notebook"), ("garbage", "not a notebook")]:
        saved = record(graded.root, student)
        assert saved["status"] == status and saved["score"] == 0.0, saved
        assert saved["max_score"] == 8.0
        assert scores(course, ASSIGNMENT, student) == ZERO
        assert f"{student}: {status}" in graded.result.stdout


# ---------------------------------------------------------------------------------------
# 2. Resumable and consistent
# ---------------------------------------------------------------------------------------

def test_identical_notebooks_get_identical_scores(graded):
    course = graded.root
    assert scores(course, ASSIGNMENT, "wrong-twin") == scores(course, ASSIGNMENT, "wrong")
    one, two = record(course, "wrong"), record(course, "wrong-twin")
    assert one["fingerprint"] == two["fingerprint"]
    parts_one = one["notebooks"][NOTEBOOK]["parts"]
    parts_two = two["notebooks"][NOTEBOOK]["parts"]
    assert {k: v["points"] for k, v in parts_one.items()} == {
        k: v["points"] for k, v in parts_two.items()}


def test_second_run_grades_nothing(graded):
    course = graded.root
    records = {p: p.read_bytes() for p in (course / "autograded").rglob("*") if p.is_file()}
    start = time.monotonic()
    result = grader("autograde", ASSIGNMENT, "--course-dir", course, "--workers", 2)
    seconds = time.monotonic() - start
    assert "graded 0 submission(s)" in result.stdout, result.stdout
    after = {p: p.read_bytes() for p in (course / "autograded").rglob("*") if p.is_file()}
    assert after == records, "a second run changed the graded records"
    assert seconds < graded.seconds / 2, (seconds, graded.seconds)
    assert scores(course, ASSIGNMENT, "wrong") == WRONG_SCORES


@pytest.fixture(scope="module")
def resumed(graded, tmp_path_factory):
    """A copy of the graded course (gradebook and records included) keeping only the cheap
    submissions ``stub`` and ``empty``; ``stub`` then hands in a better notebook."""
    course = tmp_path_factory.mktemp("resumed") / "course"
    shutil.copytree(graded.root, course)
    for student in ("reference", "wrong", "wrong-twin", "garbage"):
        shutil.rmtree(course / "submitted" / student)
    first = {s: record(course, s) for s in ("stub", "empty")}
    time.sleep(1.1)  # graded_at has a resolution of one second
    submit(course, ASSIGNMENT, "stub", {NOTEBOOK: notebook(ONLY_COUNT)})
    changed = grader("autograde", ASSIGNMENT, "--course-dir", course, "--workers", 2)
    second = {s: record(course, s) for s in ("stub", "empty")}
    second_scores = scores(course, ASSIGNMENT, "stub")
    time.sleep(1.1)
    forced = grader("autograde", ASSIGNMENT, "--course-dir", course, "--workers", 2, "--force")
    third = {s: record(course, s) for s in ("stub", "empty")}
    return types.SimpleNamespace(root=course, first=first, changed=changed, second=second,
                                 second_scores=second_scores, forced=forced, third=third)


def test_a_changed_submission_is_regraded(resumed):
    assert "graded 1 submission(s)" in resumed.changed.stdout, resumed.changed.stdout
    assert resumed.second["empty"] == resumed.first["empty"], "an unchanged one was regraded"
    stub_before, stub_after = resumed.first["stub"], resumed.second["stub"]
    assert stub_after["fingerprint"] != stub_before["fingerprint"]
    assert stub_after["graded_at"] != stub_before["graded_at"]
    assert stub_after["score"] == 1.0
    assert resumed.second_scores == ONLY_COUNT_SCORES, "the gradebook kept the old scores"


def test_force_regrades_everything(resumed):
    assert "graded 2 submission(s)" in resumed.forced.stdout, resumed.forced.stdout
    for student in ("stub", "empty"):
        assert resumed.third[student]["graded_at"] != resumed.second[student]["graded_at"]
        assert resumed.third[student]["score"] == resumed.second[student]["score"]
    assert scores(resumed.root, ASSIGNMENT, "stub") == ONLY_COUNT_SCORES


# ---------------------------------------------------------------------------------------
# 3. Feedback pages
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def feedback(graded):
    result = grader("feedback", ASSIGNMENT, "--course-dir", graded.root)
    pages = {p.parents[1].name: p.read_text()
             for p in (graded.root / "feedback").glob(f"*/{ASSIGNMENT}/feedback.html")}
    return types.SimpleNamespace(result=result, pages=pages)


def test_feedback_page_for_each_graded_student(graded, feedback):
    students = sorted(p.name for p in (graded.root / "submitted").iterdir())
    assert sorted(feedback.pages) == students
    assert f"wrote {len(students)} feedback page(s)" in feedback.result.stdout
    for student, page in feedback.pages.items():
        saved = record(graded.root, student)
        assert f"Score: {saved['score']:g} / 8" in page, student
        assert html.escape(saved["status"]) in page
        for grade_id, part in saved["notebooks"][NOTEBOOK]["parts"].items():
            assert grade_id in page
            assert f"{part['points']:g} / {part['max']:g}" in page
            assert html.escape(part["message"] or "passed") in page, (student, grade_id)
    # Lost points come with a reason.
    lost = record(graded.root, "wrong")["notebooks"][NOTEBOOK]["parts"]["test_model"]
    assert lost["message"], "a failed part has no message"
    # The student's own answers are shown back.
    assert html.escape("activation='relu'") in feedback.pages["wrong"]


@pytest.mark.parametrize("student", ["reference", "stub", "wrong", "empty", "garbage"])
def test_feedback_shows_no_test_source(feedback, student):
    page = feedback.pages[student]
    assert "BEGIN HIDDEN TESTS" not in page and "END HIDDEN TESTS" not in page
    lines = long_test_lines()
    assert len(lines) > 20, "the test cells should have many long lines"
    leaked = [line for line in lines if line in page or html.escape(line) in page]
    assert not leaked, f"test source in {student}'s feedback: {leaked[:3]}"


# ---------------------------------------------------------------------------------------
# 4. Export
# ---------------------------------------------------------------------------------------

def read_csv(path):
    with open(path, newline="") as file:
        reader = csv.DictReader(file)
        return reader.fieldnames, list(reader)


def test_export_one_row_per_submission_folder(graded, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(graded.root, course)
    late = submit(course, ASSIGNMENT, "late", {NOTEBOOK: notebook(REFERENCE)})  # not graded
    (course / "submitted" / "late" / "ex03").mkdir()  # another assignment, empty
    result = grader("export", "--course-dir", course)
    assert "grades.csv" in result.stdout
    columns, rows = read_csv(course / "grades.csv")
    assert {"student_id", "assignment", "score", "max_score", "status"} <= set(columns)
    folders = sorted((p.parent.name, p.name) for p in (course / "submitted").glob("*/*"))
    assert sorted((r["student_id"], r["assignment"]) for r in rows) == folders
    assert len(rows) == 8 and late.exists()
    by_student = {(r["student_id"], r["assignment"]): r for r in rows}
    for student in ("reference", "stub", "wrong", "wrong-twin", "empty", "garbage"):
        saved = record(course, student)
        row = by_student[(student, ASSIGNMENT)]
        assert float(row["score"]) == saved["score"] and float(row["max_score"]) == 8.0
        assert row["status"] == saved["status"]
    assert by_student[("reference", ASSIGNMENT)]["score"] in ("8", "8.0")
    assert by_student[("empty", ASSIGNMENT)]["status"] == "no notebook"
    assert by_student[("garbage", ASSIGNMENT)]["status"] == "not a notebook"
    for key in [("late", ASSIGNMENT), ("late", "ex03")]:
        assert by_student[key]["status"] == "not graded" and by_student[key]["score"] == ""

    elsewhere = tmp_path / "out" / "class.csv"
    elsewhere.parent.mkdir()
    result = grader("export", "--course-dir", course, "--to", elsewhere)
    assert str(elsewhere) in result.stdout
    assert read_csv(elsewhere) == (columns, rows)


# ---------------------------------------------------------------------------------------
# 5. collect-zip
# ---------------------------------------------------------------------------------------

def test_collect_zip_imports_lms_names_and_reports_the_rest(tmp_path):
    course = make_course_dir(tmp_path / "course", [ASSIGNMENT])
    nb_bytes = nbformat.writes(notebook({})).encode()
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("smithjane_1234_5678_ex01_single_neuron.ipynb", nb_bytes)
        zf.writestr("doejohn/ex01_single_neuron.ipynb", nb_bytes)  # a folder per student
        zf.writestr("leeann_999_ex01_single_neuron.ipynb", nb_bytes + b"\n")
        zf.writestr("notes_1234_readme.txt", b"hello")  # not a notebook
        zf.writestr("ex01_single_neuron.ipynb", nb_bytes)  # no student id
        zf.writestr("../../evil.ipynb", nb_bytes)  # path traversal
        zf.writestr("../../mallory_1_2_evil.ipynb", nb_bytes)
        zf.writestr("/tmp/abs_1_2_evil.ipynb", nb_bytes)
    outside_before = sorted(str(p) for p in tmp_path.rglob("*"))
    result = grader("collect-zip", ASSIGNMENT, archive, "--course-dir", course, check=False)
    assert result.returncode != 0, "unmatched members must fail the command"
    submitted = course / "submitted"
    found = sorted(str(p.relative_to(submitted)) for p in submitted.rglob("*") if p.is_file())
    # Whatever a traversal name says, a notebook lands only as submitted/<id>/ex01/<name>.
    expected = {f"{s}/ex01/{NOTEBOOK}" for s in ("smithjane", "doejohn", "leeann")}
    assert expected <= set(found), found
    assert all(f.count("/") == 2 and f.endswith(f"/ex01/{NOTEBOOK}") for f in found), found
    assert not any(".." in Path(f).parts for f in found)
    assert (submitted / "smithjane" / ASSIGNMENT / NOTEBOOK).read_bytes() == nb_bytes
    assert (submitted / "doejohn" / ASSIGNMENT / NOTEBOOK).read_bytes() == nb_bytes
    for name in ("notes_1234_readme.txt", "ex01_single_neuron.ipynb", "../../evil.ipynb"):
        assert f"not imported: {name} (" in result.stdout, (name, result.stdout)
    assert "notes_1234_readme.txt (not a notebook)" in result.stdout
    assert "ex01_single_neuron.ipynb (no student id in the name)" in result.stdout
    # Nothing written outside submitted/: next to the course, above it, or in /tmp.
    outside_after = sorted(str(p) for p in tmp_path.rglob("*")
                           if submitted not in p.parents and p != submitted)
    assert outside_after == outside_before, "a member was written outside"
    for path in (tmp_path.parent / "evil.ipynb", tmp_path.parents[1] / "evil.ipynb",
                 Path("/tmp/abs_1_2_evil.ipynb"), tmp_path / "evil.ipynb"):
        assert not path.exists(), path


# ---------------------------------------------------------------------------------------
# 6. The student side: nbgrader's exchange and an LMS upload
# ---------------------------------------------------------------------------------------

STUDENTS = {"alice": (REFERENCE, FULL), "bob": ({}, ZERO), "carol": (ONLY_COUNT,
                                                                    ONLY_COUNT_SCORES)}


@pytest.fixture(scope="module")
def student_side(tmp_path_factory):
    """Three students work through nbgrader's exchange, and the same notebooks reach a
    second course as an LMS download; both courses are then autograded (at once).

    nbgrader names a submission after the account that runs ``nbgrader submit``
    (``pwd.getpwuid(os.getuid())``, not ``$USER``), so one account simulates several
    students with ``--student``, each with its own home folder and exchange cache."""
    base = tmp_path_factory.mktemp("student-side")
    exchange = base / "exchange"
    settings = (f"\nc.Exchange.root = {str(exchange)!r}\n"
                "c.CourseDirectory.course_id = 'dl-keras'\n")
    course = make_course_dir(base / "course", [ASSIGNMENT])
    with open(course / "nbgrader_config.py", "a") as file:
        file.write(settings)
    nbgrader(["generate_assignment", ASSIGNMENT], course)
    released = nbgrader(["release_assignment", ASSIGNMENT], course)

    def work(student):
        home = base / "home" / student
        home.mkdir(parents=True)
        # The course's settings as installed for students, with their own cache.
        (home / "nbgrader_config.py").write_text(
            (course / "nbgrader_config.py").read_text()
            + f"c.Exchange.cache = {str(home / '.nbgrader_cache')!r}\n")
        nbgrader(["fetch_assignment", ASSIGNMENT], home)
        path = home / ASSIGNMENT / NOTEBOOK
        assert path.exists(), f"{student} did not fetch the assignment"
        nbformat.write(fill_in(path, STUDENTS[student][0]), path)
        check = nbgrader(["validate", str(path)], home)
        nbgrader(["submit", ASSIGNMENT, f"--student={student}"], home)
        return path, check.stdout + check.stderr

    with ThreadPoolExecutor(len(STUDENTS)) as pool:
        done = dict(zip(STUDENTS, pool.map(work, STUDENTS), strict=True))
    collected = nbgrader(["collect", ASSIGNMENT], course)

    lms = make_course_dir(base / "lms", [ASSIGNMENT])
    archive = base / "canvas-download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for number, (student, (path, _)) in enumerate(done.items()):
            zf.write(path, f"{student}_{1000 + number}_{5000 + number}_{NOTEBOOK}")
    imported = grader("collect-zip", ASSIGNMENT, archive, "--course-dir", lms)

    command = [sys.executable, "-m", "grader", "autograde", ASSIGNMENT, "--workers", "2",
               "--course-dir"]
    runs = {name: subprocess.Popen([*command, str(folder)], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
            for name, folder in [("exchange", course), ("lms", lms)]}
    outputs = {name: run.communicate(timeout=3600) for name, run in runs.items()}
    for name, run in runs.items():
        assert run.returncode == 0, f"autograde of the {name} course failed: {outputs[name]}"
    return types.SimpleNamespace(course=course, lms=lms, exchange=exchange, released=released,
                                 validations={s: out for s, (_, out) in done.items()},
                                 collected=collected, imported=imported, outputs=outputs)


def test_exchange_release_fetch_submit_collect_autograde(student_side):
    course, exchange = student_side.course, student_side.exchange
    assert (exchange / "dl-keras" / "outbound" / ASSIGNMENT / NOTEBOOK).exists()
    inbound = sorted(p.name.split("+")[0] for p in (exchange / "dl-keras" / "inbound").iterdir())
    assert inbound == sorted(STUDENTS), inbound
    for student, (_, expected) in STUDENTS.items():
        assert (course / "submitted" / student / ASSIGNMENT / NOTEBOOK).exists(), student
        assert scores(course, ASSIGNMENT, student) == expected, student
        assert record_scores(course, student) == expected, student
        assert record(course, student)["status"] == "graded"
    assert f"graded {len(STUDENTS)} submission(s)" in student_side.outputs["exchange"][0]


def test_lms_upload_collect_zip_autograde(student_side):
    lms = student_side.lms
    assert f"imported {len(STUDENTS)} notebook(s)" in student_side.imported.stdout
    for student, (_, expected) in STUDENTS.items():
        assert scores(lms, ASSIGNMENT, student) == expected, student
        assert record_scores(lms, student) == expected, student
        # The same notebook scores the same whichever way it was handed in.
        assert scores(lms, ASSIGNMENT, student) == scores(student_side.course, ASSIGNMENT,
                                                          student)


def test_nbgrader_validate_is_the_students_check(student_side):
    passed = student_side.validations["alice"]
    assert "Success! Your notebook passes all the tests." in passed, passed[-2000:]
    for student in ("bob", "carol"):
        failed = student_side.validations[student]
        assert "VALIDATION FAILED ON" in failed, failed[-2000:]
        assert "NotImplementedError" in failed


# ---------------------------------------------------------------------------------------
# 7. A PostgreSQL gradebook
# ---------------------------------------------------------------------------------------

AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture(scope="module")
def postgres():
    """A throw-away PostgreSQL server on a Unix socket: yields its SQLAlchemy URL."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not binaries:
        pytest.skip("PostgreSQL server binaries not installed (/usr/lib/postgresql/*/bin)")
    bin_dir = Path(binaries[-1]).parent
    prefix = AS_NOBODY if os.getuid() == 0 else []  # initdb refuses to run as root
    if prefix and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot start PostgreSQL as nobody")
    pytest.importorskip("psycopg2")
    root = Path(tempfile.mkdtemp(prefix="grader-pg-"))  # /tmp: reachable by nobody
    server = None
    try:
        os.chmod(root, 0o755)
        if prefix:
            os.chown(root, 65534, 65534)
        subprocess.run([*prefix, str(bin_dir / "initdb"), "-D", str(root / "data"),
                        "-U", "grader", "--auth=trust", "-E", "UTF8", "--no-sync"],
                       cwd=root, check=True, capture_output=True, timeout=300)
        with open(root / "server.log", "w") as log:
            server = subprocess.Popen(
                [*prefix, str(bin_dir / "postgres"), "-D", str(root / "data"), "-k", str(root),
                 "-c", "listen_addresses=", "-c", "fsync=off"],
                cwd=root, stdout=log, stderr=subprocess.STDOUT)
        import psycopg2

        for _ in range(300):
            try:
                connection = psycopg2.connect(host=str(root), user="grader", dbname="postgres")
                break
            except psycopg2.OperationalError:
                assert server.poll() is None, (root / "server.log").read_text()
                time.sleep(0.2)
        else:
            raise RuntimeError("PostgreSQL did not start: " + (root / "server.log").read_text())
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("CREATE DATABASE gradebook")
        connection.close()
        yield f"postgresql+psycopg2://grader@/gradebook?host={root}"
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)  # fast shutdown: disconnect clients
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(root, ignore_errors=True)


PG_STUDENTS = {"pg-stub": ({}, ZERO), "pg-count": (ONLY_COUNT, ONLY_COUNT_SCORES),
               "pg-shapes": (ONLY_MODEL_SHAPES, ONLY_MODEL_SHAPES_SCORES),
               "pg-linear": (ONLY_LINEAR, ONLY_LINEAR_SCORES)}


def test_postgresql_gradebook_with_two_workers(postgres, tmp_path):
    course = make_course_dir(tmp_path / "course", [ASSIGNMENT])
    with open(course / "nbgrader_config.py", "a") as file:
        file.write(f"\nc.CourseDirectory.db_url = {postgres!r}\n")
    for student, (answers, _) in PG_STUDENTS.items():
        submit(course, ASSIGNMENT, student, {NOTEBOOK: notebook(answers)})
    result = grader("autograde", ASSIGNMENT, "--course-dir", course, "--workers", 2)
    assert f"graded {len(PG_STUDENTS)} submission(s) of ex01" in result.stdout, result.stdout
    assert "problems" not in result.stdout, result.stdout
    for error in ("Traceback", "database is locked", "deadlock", "could not obtain lock"):
        assert error not in result.stdout + result.stderr, result.stderr[-3000:]
    assert not (course / "gradebook.db").exists(), "graded into SQLite, not PostgreSQL"

    from nbgrader.api import Gradebook

    with Gradebook(postgres) as gradebook:
        assert sorted(s.id for s in gradebook.students) == sorted(PG_STUDENTS)
        assignment = gradebook.find_assignment(ASSIGNMENT)
        assert sorted(c.name for nb in assignment.notebooks for c in nb.grade_cells) == sorted(
            PARTS)
        assert len(assignment.submissions) == len(PG_STUDENTS)
    for student, (_, expected) in PG_STUDENTS.items():
        assert gradebook_scores(postgres, student) == expected, student
        assert record_scores(course, student) == expected, student


# ---------------------------------------------------------------------------------------
# 8. Without bubblewrap
# ---------------------------------------------------------------------------------------

def nobody_can_run_python():
    """Whether user nobody can start this environment's Python (it cannot when the
    interpreter lives under a private folder such as /root)."""
    # Through prlimit, as the sandbox does (setpriv itself may find another interpreter).
    command = ["prlimit", "--core=0", "--", sys.executable, "-c", "import grader"]
    run = subprocess.run([*AS_NOBODY, *command], capture_output=True, cwd="/")
    return run.returncode == 0


class _NotRoot:
    """The ``os`` module as seen by a grader started by an ordinary user."""

    def __getattr__(self, name):
        return getattr(os, name)

    @staticmethod
    def getuid():
        return 1000


def test_grading_without_bubblewrap_warns_once_and_still_scores(tmp_path, monkeypatch):
    from grader import files, grade, jobs, sandbox

    monkeypatch.setattr(sandbox, "bubblewrap", lambda: None)
    monkeypatch.setattr(sandbox, "_warned", threading.Lock())  # a fresh "warned once"
    if os.getuid() == 0 and not nobody_can_run_python():
        # As root the grader drops to nobody, who cannot run an interpreter kept under
        # /root (as on this machine): grade as an ordinary instructor account would.
        monkeypatch.setattr(sandbox, "os", _NotRoot())
        monkeypatch.setattr(grade, "os", _NotRoot())
    folders = {}
    for student, answers in [("reference", REFERENCE), ("stub", {})]:
        folders[student] = submit(tmp_path / "course", ASSIGNMENT, student,
                                  {NOTEBOOK: notebook(answers)})
    results = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for student, folder in folders.items():
            results[student], _ = jobs.grade({NOTEBOOK: nbformat.read(SOURCE, as_version=4)},
                                             {}, files.snapshot(folder), sandbox.Limits(),
                                             "not-so-secret")
    reference, stub = results["reference"], results["stub"]
    assert reference["status"] == "graded", reference
    assert reference["score"] == 8.0 and reference["max_score"] == 8.0, reference
    assert stub["status"] == "graded" and stub["score"] == 0.0, stub
    parts = reference["notebooks"][NOTEBOOK]["parts"]
    assert {k: v["points"] for k, v in parts.items()} == FULL
    about = [w for w in caught if issubclass(w.category, RuntimeWarning)
             and "bubblewrap" in str(w.message)]
    assert len(about) == 1, [str(w.message) for w in caught]
