"""Reading a submission folder (``grader.files``) and grading a class whatever its files.

- only regular, single-link files owned by the submission, with plain names and a capped
  size, are read or copied: symbolic and hard links (to the solutions, a classmate's
  notebook, the held-out secret, a canary), FIFOs, sockets, huge sparse files, names that
  are not UTF-8 and trees too deep are refused with a reason, quickly, and never read;
- a folder swapped for a link after the walk does not redirect a read;
- a notebook of any shape (lone surrogates, grade ids and cells of the wrong type, 3,000
  cells) is graded or gets a status; one student's failure (a notebook, a save) is that
  student's status with the assignment's real maximum, a failure of ours (a bug, a worker
  process that dies) leaves the submission "not graded" (no record, no zero), and the rest
  of the class is graded;
- the held-out secret is private from its creation and refused when it is not;
- end to end (``grader autograde``, real kernels): a class of hostile folders beside the
  reference, which keeps 8/8.
"""

import contextlib
import functools
import io
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path

import nbformat
import pytest

from grader import engines, files, jobs, pipeline, splice
from grader.course import EXERCISES, SOLUTIONS, fill_in, make_course_dir, solution_sources

ASSIGNMENT = "ex01"
NOTEBOOK = "ex01_single_neuron.ipynb"
SOURCE = SOLUTIONS / ASSIGNMENT / NOTEBOOK
REFERENCE = solution_sources(ASSIGNMENT)
CANARY = "CANARY-files-5e21b9"
MAX = 8.0


@contextlib.contextmanager
def within(seconds):
    """Fail (instead of hanging) if the block takes more than ``seconds``."""
    def expired(*_):  # not TimeoutError: that is an OSError, which the grader handles
        raise AssertionError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def reference_text(**changes):
    """The student version with the reference answers (and ``changes``) typed in."""
    answers = {**REFERENCE, **changes}
    return nbformat.writes(fill_in(EXERCISES / ASSIGNMENT / NOTEBOOK, answers))


def solution_lines():
    """Long lines of the reference answers and of the hidden tests: none may leak."""
    lines = {line.strip() for source in REFERENCE.values() for line in source.splitlines()}
    for cell in nbformat.read(SOURCE, as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            lines |= {line.strip() for line in cell.source.splitlines()}
    return {line for line in lines if len(line) > 25}


def leaked(text):
    return [line for line in solution_lines() if line in text]


@pytest.fixture
def canary(tmp_path):
    path = tmp_path / "outside" / "canary.txt"
    path.parent.mkdir()
    path.write_text(CANARY + "\n")
    return path


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "submitted" / "student" / ASSIGNMENT
    path.mkdir(parents=True)
    return path


def scan(folder):
    with files.Submission(folder) as submission:
        return submission.files, dict(submission.refused)


# ---------------------------------------------------------------------------------------
# 1. grader.files: what is read, what is refused
# ---------------------------------------------------------------------------------------

def test_links_are_refused_and_never_read(folder, canary):
    (folder / "answer.txt").write_text("mine")
    (folder / "notes").mkdir()
    (folder / "notes" / "todo.txt").write_text("mine too")
    (folder / NOTEBOOK).symlink_to(SOURCE)
    (folder / "secret.txt").symlink_to(canary)
    (folder / "outside").symlink_to(canary.parent, target_is_directory=True)
    (folder / "dangling").symlink_to(folder / "nowhere")
    os.link(canary, folder / "hard.txt")
    accepted, refused = scan(folder)
    assert accepted == ["answer.txt", "notes/todo.txt"]
    for name in (NOTEBOOK, "secret.txt", "outside", "dangling"):
        assert refused[name] == "a symbolic link", (name, refused)
    assert refused["hard.txt"] == "a hard link (2 links)"
    with files.Submission(folder) as submission:
        for name in (NOTEBOOK, "secret.txt", "hard.txt", "outside/canary.txt"):
            with pytest.raises(files.Refused):
                submission.read(name)
        assert submission.read("notes/todo.txt") == b"mine too"


def test_fifos_sockets_and_huge_sparse_files_are_refused_at_once(folder):
    os.mkfifo(folder / NOTEBOOK)
    os.mkfifo(folder / "data.csv")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(folder / "kernel.sock"))
    with open(folder / "weights.h5", "wb") as file:
        file.truncate(100 * 2**30)  # 100 GB, no blocks used
    with within(10):
        accepted, refused = scan(folder)
        digest = files.fingerprint(folder)
    listener.close()
    assert accepted == []
    assert refused[NOTEBOOK] == refused["data.csv"] == "a FIFO"
    assert refused["kernel.sock"] == "a socket"
    assert refused["weights.h5"] == f"larger than {files.MAX_FILE_BYTES // 2**20} MB"
    assert len(digest) == 64


def test_names_that_are_not_utf8_hidden_or_control_are_refused(folder):
    raw = os.fsencode(folder)
    for name in (b"bad\xff.txt", b"dir\xfe"):
        path = raw + b"/" + name
        os.mkdir(path) if name.startswith(b"dir") else open(path, "wb").close()
    (folder / "line\nbreak.txt").write_text("x")
    (folder / ".kernel").mkdir()
    (folder / "__MACOSX").mkdir()
    (folder / "ok.txt").write_text("x")
    accepted, refused = scan(folder)
    assert accepted == ["ok.txt"]
    assert refused["bad\\xff.txt"] == refused["dir\\xfe"] == "a name that is not valid UTF-8"
    assert refused["line\nbreak.txt"] == "a name with control characters"
    assert refused[".kernel"] == refused["__MACOSX"] == "a hidden or system name"
    json.dumps(refused, ensure_ascii=False).encode()  # every name shown is valid UTF-8


def test_deep_trees_and_too_many_names_are_cut(folder):
    deep = folder.joinpath(*["d"] * 30)
    deep.mkdir(parents=True)
    (deep / "bottom.txt").write_text("x")
    many = folder / "many"
    many.mkdir()
    for i in range(files.MAX_ENTRIES + 50):
        (many / f"{i:05}.txt").write_text("x")
    with within(20):
        accepted, refused = scan(folder)
    assert not any("bottom" in path for path in accepted)
    assert refused["/".join(["d"] * (files.MAX_DEPTH + 1))].startswith("folders nested")
    assert any(reason.startswith(f"more than {files.MAX_ENTRIES} names") for reason in
               refused.values())
    assert len(accepted) < files.MAX_ENTRIES


def test_other_owners_and_oversized_files_are_refused(folder):
    (folder / "theirs.txt").write_text("x")
    os.chown(folder / "theirs.txt", 65534, 65534)
    (folder / "big.bin").write_bytes(b"0" * (files.MAX_FILE_BYTES + 1))
    (folder / "grows.txt").write_text("small")
    with files.Submission(folder) as submission:
        refused = dict(submission.refused)
        assert refused["theirs.txt"] == "not owned by the submission's owner"
        assert refused["big.bin"].startswith("larger than")
        with open(folder / "grows.txt", "ab") as file:  # grows after the walk
            file.write(b"0" * (files.MAX_FILE_BYTES + 1))
        with pytest.raises(files.Refused, match="larger than"):
            submission.read("grows.txt")


def test_the_size_cap_of_a_submission_never_costs_its_notebook(folder):
    for name in ("a.bin", "b.bin", "c.bin"):
        with open(folder / name, "wb") as file:
            file.truncate(files.MAX_FILE_BYTES)
    (folder / "z.ipynb").write_text("{}")
    accepted, refused = scan(folder)
    assert accepted[0] == "z.ipynb" and "c.bin" not in accepted
    assert refused["c.bin"] == f"over the submission's {files.MAX_TOTAL_BYTES // 2**20} MB"


def test_a_folder_swapped_for_a_link_after_the_walk_reads_nothing(folder, canary):
    (folder / "data").mkdir()
    (folder / "data" / "canary.txt").write_text("mine")
    (folder / "answer.txt").write_text("mine")
    with files.Submission(folder) as submission:
        assert submission.files == ["answer.txt", "data/canary.txt"]
        os.rename(folder / "data", folder / "old")
        (folder / "data").symlink_to(canary.parent, target_is_directory=True)
        (folder / "answer.txt").unlink()
        (folder / "answer.txt").symlink_to(canary)
        for path in ("data/canary.txt", "answer.txt"):
            with pytest.raises(files.Refused):
                submission.read(path)


def test_the_submission_folder_itself_may_not_be_a_link(tmp_path, canary):
    (tmp_path / "alias").symlink_to(canary.parent, target_is_directory=True)
    with pytest.raises(OSError):
        files.Submission(tmp_path / "alias")
    assert files.fingerprint(tmp_path / "alias") == files.fingerprint(tmp_path / "alias")
    assert len(files.fingerprint(tmp_path / "missing")) == 64


def test_fingerprint_covers_what_is_read_and_what_is_refused(folder, canary, tmp_path):
    (folder / NOTEBOOK).write_text("{}")
    first = files.fingerprint(folder)
    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / NOTEBOOK).write_text("{}")
    assert files.fingerprint(twin) == first
    (folder / "secret.txt").symlink_to(canary)
    with_link = files.fingerprint(folder)
    assert with_link != first
    canary.write_text("changed")  # a link's target is never read
    assert files.fingerprint(folder) == with_link
    (folder / NOTEBOOK).write_text("{ }")
    assert files.fingerprint(folder) != with_link
    assert pipeline.fingerprint is files.fingerprint


def test_write_file_never_follows_a_planted_link(tmp_path, canary):
    base = tmp_path / "autograded"
    (base / "student").mkdir(parents=True)
    (base / "student" / ASSIGNMENT).symlink_to(canary.parent, target_is_directory=True)
    with pytest.raises(OSError):
        files.write_file(base, ["student", ASSIGNMENT, "canary.txt"], b"overwritten")
    (base / "other" / ASSIGNMENT).mkdir(parents=True)
    (base / "other" / ASSIGNMENT / "grading.json").symlink_to(canary)
    files.write_file(base, ["other", ASSIGNMENT, "grading.json"], b"{}")
    assert canary.read_text() == CANARY + "\n"
    assert (base / "other" / ASSIGNMENT / "grading.json").read_bytes() == b"{}"
    assert sorted(p.name for p in (base / "other" / ASSIGNMENT).iterdir()) == ["grading.json"]


# ---------------------------------------------------------------------------------------
# 2. The pipeline's use of it: notebooks, extra files
# ---------------------------------------------------------------------------------------

@pytest.fixture
def source_folder(tmp_path):
    folder = tmp_path / "solutions" / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / NOTEBOOK).write_text(SOURCE.read_text())
    (folder / "data.csv").write_text("provided\n")
    (folder / "images").write_text("a provided file, not a folder\n")
    return folder


def test_copy_extras_copies_only_the_students_own_files(folder, source_folder, canary,
                                                        tmp_path):
    (folder / "helper.py").write_text("mine")
    (folder / "sub").mkdir()
    (folder / "sub" / "table.csv").write_text("mine")
    (folder / "secret.txt").symlink_to(canary)
    os.link(canary, folder / "hard.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "kernel.log").write_text("fake log")
    (folder / "data.csv").write_text("the student's version")
    (folder / "images").mkdir()
    (folder / "images" / "cat.png").write_text("x")
    (folder / "other.ipynb").write_text("{}")
    work = tmp_path / "work"
    work.mkdir()
    provided = {"data.csv": b"provided\n", "images": b"a provided file, not a folder\n"}
    with within(10):
        submission = files.snapshot(folder)
        refused = dict(jobs.copy_extras(submission, work, provided))
    refused.update(submission.refused)
    copied = sorted(str(p.relative_to(work)) for p in work.rglob("*") if p.is_file())
    assert copied == ["data.csv", "helper.py", "images", "sub/table.csv"]
    assert (work / "data.csv").read_text() == "provided\n", "the course's file must win"
    assert not any(p.is_symlink() for p in work.rglob("*"))
    for name in ("kernel.log", "data.csv", "images/cat.png"):
        assert refused[name] == "a name the grader or the course uses", name
    assert all(CANARY not in p.read_text() for p in work.rglob("*") if p.is_file())


def test_a_linked_or_fifo_notebook_is_not_graded(folder, tmp_path):
    classmate = tmp_path / "submitted" / "classmate" / ASSIGNMENT / NOTEBOOK
    classmate.parent.mkdir(parents=True)
    classmate.write_text(reference_text())
    for target, reason in [(SOURCE, "a symbolic link"), (classmate, "a symbolic link"),
                           (None, "a FIFO")]:
        os.mkfifo(folder / NOTEBOOK) if target is None else (folder / NOTEBOOK).symlink_to(
            target)
        (folder / "copy.ipynb").write_text(reference_text()) if target == classmate else None
        with within(10):
            name, status, _ = jobs._student_notebook(files.snapshot(folder), NOTEBOOK, True)
        assert name is None and status == f"notebook ignored: {reason}", status
        for path in folder.iterdir():
            path.unlink()


def hostile_notebook():
    """The reference answers in a notebook holding every wrong type we could think of."""
    nb = json.loads(reference_text())
    junk = [5, "cell", None, [], {"cell_type": ["code"]}, {"cell_type": "code", "source": 7},
            {"cell_type": "code", "metadata": [], "source": ["print(1)", 3]},
            {"cell_type": "code", "metadata": {"nbgrader": None}, "source": "x = 1"}]
    for grade_id in (["build_model"], 3, {"id": "shapes"}, None, "\ud800"):
        junk.append({"cell_type": "code", "metadata": {"nbgrader": {"grade_id": grade_id,
                                                                     "solution": [1]}},
                     "source": "y = '\ud800'"})
    nb["cells"][1:1] = junk
    nb["cells"].append({"cell_type": "markdown", "source": "\udfff", "metadata": 4})
    return json.dumps(nb).encode()  # lone surrogates as JSON escapes


def test_a_hostile_notebook_is_made_safe_and_keeps_its_answers():
    source_nb = nbformat.read(SOURCE, as_version=4)
    raw = json.loads(hostile_notebook())
    found = splice.answer_cells(raw, *splice.cell_ids(source_nb))  # no crash on raw JSON
    assert set(found) == set(REFERENCE)
    nb, status = jobs.safe_notebook(hostile_notebook())
    assert status == "graded"
    nbformat.writes(nb).encode()  # no lone surrogate left
    answers = splice.answers(source_nb, nb)
    for grade_id, source in REFERENCE.items():
        assert answers[grade_id].endswith(source), grade_id
    kinds = [step.kind for step in splice.steps(source_nb, nb)]
    assert kinds.count("test") == 5 and "student" in kinds


@pytest.mark.parametrize("data, status", [
    (b"not json {", "not a notebook"),
    (b"[" * 100_000 + b"]" * 100_000, "not a notebook"),
    (b'{"cells": 5}', "not a notebook"),
    (b"\xff\xfe\x00garbage", "not a notebook"),
    (json.dumps({"cells": [{"cell_type": "code", "source": ""}] * 3000}).encode(),
     "notebook too large"),
    (json.dumps({"cells": [{"cell_type": "code", "source": "#" * 2**20}] * 6}).encode(),
     "notebook too large"),
])
def test_unusable_notebooks_get_a_status(data, status):
    assert jobs.safe_notebook(data) == (None, status)


def fake_grade_notebook(source_nb, student_nb, work, limits, secret, private=()):
    """Stands in for the kernel: full marks for an answer found, 0 otherwise; an answer
    that says BUG raises (a bug of the grader's)."""
    answers = splice.answers(source_nb, student_nb)
    if "BUG" in answers.get("build_model", ""):
        raise RuntimeError("injected bug")
    tests = [s for s in splice.steps(source_nb, student_nb) if s.kind == "test"]
    parts = {s.grade_id: {"points": s.points if answers else 0.0, "max": s.points,
                          "message": "", "output": ""} for s in tests}
    graded = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s.source) for s in
                                             splice.steps(source_nb, student_nb)])
    return parts, "graded", graded


def test_grade_submission_records_answers_and_what_it_ignored(folder, canary, monkeypatch):
    monkeypatch.setattr(jobs, "grade_notebook", fake_grade_notebook)
    (folder / NOTEBOOK).write_text(reference_text())
    (folder / "secret.txt").symlink_to(canary)
    record, graded = jobs.grade({NOTEBOOK: nbformat.read(SOURCE, as_version=4)}, {},
                                files.snapshot(folder), pipeline.Limits(), "s")
    assert record["score"] == record["max_score"] == MAX
    notebook = record["notebooks"][NOTEBOOK]
    assert notebook["answers"] == REFERENCE
    assert record["ignored"] == [{"name": "secret.txt", "reason": "a symbolic link"}]
    assert "secret.txt (a symbolic link)" in notebook["note"]
    assert json.loads(graded[NOTEBOOK])["metadata"].get("trusted") is not True


# ---------------------------------------------------------------------------------------
# 3. A class with one failure per student: the rest is graded (no kernels: a fake grader)
# ---------------------------------------------------------------------------------------

class InProcessPool:
    """The worker pool, in this process (so that the monkeypatched grader is the one used)
    and in its main thread (so that a time limit can interrupt a job that blocks)."""

    def __init__(self, max_workers, mp_context):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    @staticmethod
    def submit(function, *args):
        future = Future()
        try:
            future.set_result(function(*args))
        except Exception as error:
            future.set_exception(error)
        return future


def hand_in_to(submitted, student, data=None):
    """A submission folder for ``student``, with ``data`` as its notebook if given."""
    folder = submitted / student / ASSIGNMENT
    folder.mkdir(parents=True)
    if data is not None:
        (folder / NOTEBOOK).write_bytes(data)
    return folder


@pytest.fixture(scope="module")
def isolated(tmp_path_factory):
    root = tmp_path_factory.mktemp("isolated")
    course = make_course_dir(root / "course", [ASSIGNMENT])
    outside = root / "outside"
    outside.mkdir()
    (outside / "canary.txt").write_text(CANARY)
    submitted = course / "submitted"
    hand_in = functools.partial(hand_in_to, submitted)

    hand_in("good", reference_text().encode())
    hand_in("buggy", reference_text(build_model="# BUG\n" + REFERENCE["build_model"]).encode())
    hand_in("crashes", reference_text().encode())
    hand_in("hostile", hostile_notebook())
    hand_in("many-cells", json.dumps({"cells": [{"cell_type": "code", "source": ""}] * 3000})
            .encode())
    hand_in("linked").joinpath(NOTEBOOK).symlink_to(SOURCE)
    hand_in("classmate").joinpath(NOTEBOOK).symlink_to(submitted / "good" / ASSIGNMENT / NOTEBOOK)
    os.mkfifo(hand_in("fifo") / NOTEBOOK)
    with open(hand_in("sparse") / NOTEBOOK, "wb") as file:
        file.truncate(100 * 2**30)
    hand_in("unsaved", reference_text().encode())
    hand_in("planted", reference_text().encode())
    (course / "autograded" / "planted").mkdir(parents=True)
    (course / "autograded" / "planted" / ASSIGNMENT).symlink_to(outside)
    os.makedirs(os.fsencode(submitted) + b"/bad\xff/" + ASSIGNMENT.encode())
    hand_in("=HYPERLINK(1)", reference_text().encode())
    hand_in("\x1b[2Jclear", reference_text().encode())  # a terminal escape
    (submitted / "alias").symlink_to(submitted / "good")

    real_write, real_job = files.write_file, jobs.run

    def write_file(base, parts, data):
        if parts[0] == "unsaved" and parts[-1] == NOTEBOOK:
            raise OSError("injected: disk full")
        return real_write(base, parts, data)

    def job(job):
        if job["student"] == "crashes":
            raise RuntimeError("injected: the worker died")
        return real_job(job)

    with pytest.MonkeyPatch.context() as patch, within(120):
        patch.setattr(jobs, "grade_notebook", fake_grade_notebook)
        patch.setattr(engines, "ProcessPoolExecutor", InProcessPool)
        patch.setattr(pipeline.files, "write_file", write_file)
        patch.setattr(jobs, "run", job)
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            done = pipeline.autograde(pipeline.Course(course), ASSIGNMENT, workers=2,
                                      progress=False)
    not_graded = {s: why for (_, s), why in done.not_graded.items()}
    return course, outside, {s: r for (_, s), r in done.items()}, stderr.getvalue(), not_graded


def gradebook_students(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return sorted(s.id for s in gradebook.students)


def test_one_failing_student_does_not_stop_the_class(isolated):
    course, _, records, _, not_graded = isolated
    assert sorted(records) == sorted(["good", "hostile", "many-cells", "linked", "classmate",
                                      "fifo", "sparse", "unsaved", "planted"])
    assert records["good"]["score"] == records["hostile"]["score"] == MAX
    assert records["hostile"]["notebooks"][NOTEBOOK]["answers"].keys() == REFERENCE.keys()
    expected = {"many-cells": "notebook too large",
                "linked": "notebook ignored: a symbolic link",
                "classmate": "notebook ignored: a symbolic link",
                "fifo": "notebook ignored: a FIFO",
                "sparse": f"notebook ignored: larger than {files.MAX_FILE_BYTES // 2**20} MB"}
    for student, status in expected.items():
        record = records[student]
        assert record["status"] == status, (student, record["status"])
        assert record["score"] == 0.0 and record["max_score"] == MAX, student
        parts = record["notebooks"][NOTEBOOK]["parts"]
        assert sum(p["max"] for p in parts.values()) == MAX and len(parts) == 5
        assert json.loads((course / "autograded" / student / ASSIGNMENT / "grading.json")
                          .read_text())["status"] == status
    assert "unsaved" not in gradebook_students(course)
    for student in ("linked", "classmate"):
        saved = (course / "autograded" / student / ASSIGNMENT / "grading.json").read_text()
        assert not leaked(saved), student
        assert not list((course / "autograded" / student / ASSIGNMENT).glob("*.ipynb"))


def test_a_failure_of_ours_is_not_the_students_zero(isolated):
    """A bug of the grader (while grading, or in the job itself) leaves no record and no
    gradebook row: the submission is reported as not graded and graded by the next run."""
    course, _, records, _, not_graded = isolated
    assert not_graded == {"buggy": "grader error: RuntimeError: injected bug",
                          "crashes": "grader error: RuntimeError: injected: the worker died"}
    for student in not_graded:
        assert student not in records
        assert not (course / "autograded" / student).exists()
        assert student not in gradebook_students(course)


def test_a_failed_save_is_the_students_status(isolated):
    course, outside, records, _, _ = isolated
    for student in ("unsaved", "planted"):
        assert records[student]["status"].startswith("not saved: "), records[student]
        assert records[student]["fingerprint"] is None  # graded again next run
    saved = json.loads((course / "autograded" / "unsaved" / ASSIGNMENT / "grading.json")
                       .read_text())
    assert saved["status"].startswith("not saved: OSError: injected")
    assert sorted(p.name for p in outside.iterdir()) == ["canary.txt"]
    assert (outside / "canary.txt").read_text() == CANARY


def test_folders_that_are_not_submissions_are_reported_and_skipped(isolated):
    course, _, records, stderr, _ = isolated
    for name in ("bad\\xff", "=HYPERLINK(1)", "alias"):
        assert f"skipped {course / 'submitted'}/{name}: " in stderr, (name, stderr)
    assert "\x1b" not in stderr and "\\x1b[2Jclear: not a safe" in stderr, stderr
    students = gradebook_students(course)
    assert "alias" not in students
    assert not any(word in s for s in students for word in ("HYPERLINK", "bad", "clear"))
    assert "good" in students and "hostile" in students


def dying_job(job):
    """The grading job in a real worker process: one student's kills its worker."""
    if job["student"] == "kills-worker":
        os._exit(3)
    time.sleep(1)  # the others are in flight when it dies
    source = nbformat.read(SOURCE, as_version=4)
    parts = jobs.zero_parts(source, "graded")
    return {"record": jobs.summary({NOTEBOOK: {"status": "graded", "parts": parts}}, 0.0),
            "graded": {}}


@pytest.mark.slow  # real worker processes, each importing the course library
@pytest.mark.parametrize("workers", [1, 2])
def test_a_worker_that_dies_costs_only_its_own_submission(monkeypatch, workers):
    monkeypatch.setattr(jobs, "run", dying_job)
    names = ["a", "kills-worker", "b", "c"]
    tasks = [engines.Task((ASSIGNMENT, name), functools.partial(
        lambda name: {"student": name, "fingerprint": name}, name)) for name in names]
    with within(120):
        outcomes = {task.key[1]: outcome for task, outcome in engines.local(tasks, workers)}
    assert sorted(outcomes) == sorted(names)
    for name, outcome in outcomes.items():
        if name == "kills-worker":
            assert isinstance(outcome, jobs.NotGraded) and outcome.reason == engines.LOST
        else:
            record = outcome["record"]
            assert record["status"] == "graded" and record["max_score"] == MAX


# ---------------------------------------------------------------------------------------
# 4. The held-out secret
# ---------------------------------------------------------------------------------------

@pytest.fixture
def course(tmp_path):
    root = tmp_path / "course"
    root.mkdir()
    (root / "nbgrader_config.py").write_text("")
    return pipeline.Course(root)


def test_secret_is_private_from_its_creation(course, monkeypatch):
    # With no umask and no chmod, only the mode given at creation can make it private.
    monkeypatch.setattr(os, "chmod", lambda *a, **k: None)
    monkeypatch.setattr(Path, "chmod", lambda *a, **k: None)
    old = os.umask(0)
    try:
        secret = course.heldout_secret()
    finally:
        os.umask(old)
    path = course.root / ".grader" / "heldout-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(secret) == 64 and int(secret, 16) >= 0
    assert course.heldout_secret() == secret


@pytest.mark.parametrize("plant", ["symlink", "fifo", "readable", "folder-link"])
def test_an_unsafe_secret_is_refused(course, tmp_path, plant):
    folder = course.root / ".grader"
    target = tmp_path / "planted"
    target.write_text("f" * 64 + "\n")
    if plant == "folder-link":
        folder.symlink_to(tmp_path, target_is_directory=True)
    else:
        folder.mkdir(mode=0o700)
    path = folder / "heldout-secret"
    if plant == "symlink":
        path.symlink_to(target)
    elif plant == "fifo":
        os.mkfifo(path, 0o600)
    elif plant == "readable":
        path.write_text("f" * 64 + "\n")
        path.chmod(0o644)
    with within(10), pytest.raises(ValueError, match="refused"):
        course.heldout_secret()
    assert target.read_text() == "f" * 64 + "\n"


# ---------------------------------------------------------------------------------------
# 5. End to end: ``grader autograde`` on a class of hostile folders and the reference
# ---------------------------------------------------------------------------------------

READ_PLANTED = """\
for name in ("secret.txt", "canary.txt", "classmate.txt", "pipe.txt", "big.bin"):
    try:
        with open(name) as file:
            print("READ", name, file.read(200))
    except OSError as error:
        print("MISSING", name, type(error).__name__)
"""


@pytest.fixture(scope="module")
def class_graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    course = make_course_dir(root / "course", [ASSIGNMENT])
    secret = pipeline.Course(course).heldout_secret()
    (course / "canary.txt").write_text(CANARY + "\n")
    submitted = course / "submitted"
    hand_in = functools.partial(hand_in_to, submitted)

    hand_in("reference", reference_text().encode())
    nb = json.loads(reference_text())
    first_answer = next(i for i, c in enumerate(nb["cells"])
                        if c["metadata"].get("nbgrader", {}).get("solution"))
    nb["cells"].insert(first_answer, nbformat.v4.new_code_cell(READ_PLANTED))
    extras = hand_in("extras", json.dumps(nb).encode())
    (extras / "secret.txt").symlink_to(course / ".grader" / "heldout-secret")
    os.link(course / "canary.txt", extras / "canary.txt")
    (extras / "classmate.txt").symlink_to(submitted / "reference" / ASSIGNMENT / NOTEBOOK)
    os.mkfifo(extras / "pipe.txt")
    with open(extras / "big.bin", "wb") as file:
        file.truncate(100 * 2**30)
    hand_in("hostile", hostile_notebook())
    hand_in("linked").joinpath(NOTEBOOK).symlink_to(course / "solutions" / ASSIGNMENT / NOTEBOOK)
    os.mkfifo(hand_in("fifo") / NOTEBOOK)
    os.makedirs(os.fsencode(submitted) + b"/bad\xff/" + ASSIGNMENT.encode())
    result = subprocess.run([sys.executable, "-m", "grader", "autograde", ASSIGNMENT,
                             "--course-dir", str(course), "--workers", "1"],
                            capture_output=True, text=True, timeout=1800)
    return course, secret, result


def e2e_record(course, student):
    path = course / "autograded" / student / ASSIGNMENT / "grading.json"
    return json.loads(path.read_text())


def everything_written(course, student):
    folder = course / "autograded" / student / ASSIGNMENT
    return "\n".join(p.read_text() for p in sorted(folder.iterdir()))


@pytest.mark.slow
def test_hostile_folders_beside_the_reference(class_graded):
    course, secret, result = class_graded
    assert result.returncode == 0, result.stderr[-3000:]
    assert "graded 5 submission(s) of ex01" in result.stdout, result.stdout
    assert "bad\\xff: not a safe student or assignment id" in result.stderr
    for student in ("reference", "extras", "hostile"):
        saved = e2e_record(course, student)
        assert (saved["status"], saved["score"], saved["max_score"]) == ("graded", MAX, MAX), (
            student, saved["status"], saved["notebooks"][NOTEBOOK]["parts"])
    written = everything_written(course, "extras")
    assert secret not in written and CANARY not in written
    assert not any(f"READ {name}" in written for name in ("secret", "canary", "classmate"))
    assert "MISSING secret.txt" in written and "MISSING canary.txt" in written
    ignored = {i["name"]: i["reason"] for i in e2e_record(course, "extras")["ignored"]}
    assert ignored == {"secret.txt": "a symbolic link", "canary.txt": "a hard link (2 links)",
                       "classmate.txt": "a symbolic link", "pipe.txt": "a FIFO",
                       "big.bin": f"larger than {files.MAX_FILE_BYTES // 2**20} MB"}
    for student, status in [("linked", "notebook ignored: a symbolic link"),
                            ("fifo", "notebook ignored: a FIFO")]:
        saved = e2e_record(course, student)
        assert (saved["status"], saved["score"], saved["max_score"]) == (status, 0.0, MAX)
        assert not leaked(everything_written(course, student)), student
