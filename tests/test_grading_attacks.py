"""The grading pipeline under attack: one class of adversarial and broken submissions of
``ex01`` (see ``tests/attacks.py``), graded once by the real command
``python -m grader autograde`` in a throw-away course folder.

- a submission with wrong or missing answers scores no more than the untouched stub (0),
  whatever it adds, edits, patches, forges or reads;
- a broken submission (infinite loop, memory or fork bomb, dead kernel, output flood, a file
  that is not a notebook ...) keeps the points of the parts that ran, scores 0 for the rest
  and gets a status that says what happened; the rest of the class is unaffected;
- nothing secret (hidden tests, other students' work, the course folder, the held-out
  secret) reaches a graded notebook, a record or a feedback page.
"""

import glob
import json
import os
import subprocess
import sys
import threading
import time

import psutil
import pytest
from attacks import (
    ASSIGNMENT,
    CANARY_COURSE,
    CANARY_OTHER_STUDENT,
    MAX_SCORE,
    NOTEBOOK,
    SUBMISSIONS,
    VICTIM_FILES,
    build_course,
    hidden_test_lines,
    outputs_text,
)

from grader import sandbox
from grader.course import scores
from grader.sandbox import UID_BASE

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("attacks")]

BY_NAME = {s.name: s for s in SUBMISSIONS}
ATTACKS = [s.name for s in SUBMISSIONS if s.kind == "attack"]
FAULTS = [s.name for s in SUBMISSIONS if s.kind == "fault"]
COMMAND = ["--workers", "2", "--timeout", "300", "--cell-timeout", "60", "--memory", "3000"]


class Graded:
    def __init__(self, course, result, seconds):
        self.course, self.result, self.seconds = course, result, seconds

    def record(self, student):
        path = self.course / "autograded" / student / ASSIGNMENT / "grading.json"
        return json.loads(path.read_text()) if path.exists() else None

    def notebooks(self, student):
        return sorted((self.course / "autograded" / student / ASSIGNMENT).glob("*.ipynb"))

    def outputs(self, student):
        return "\n".join(outputs_text(path) for path in self.notebooks(student))


class ProcessScan(threading.Thread):
    """Reads every process's command line and environment while grading runs, as any
    user of the machine could (``ps e``), and remembers where ``secret`` showed."""

    def __init__(self, secret):
        super().__init__(daemon=True)
        self.secret, self.found, self.scans = secret.encode(), set(), 0
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(0.2):
            self.scans += 1
            for path in glob.glob("/proc/[0-9]*/cmdline") + glob.glob("/proc/[0-9]*/environ"):
                try:
                    with open(path, "rb") as file:
                        if self.secret in file.read():
                            self.found.add(path)
                except OSError:
                    pass


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The whole class, graded by one ``grader autograde`` run (and its feedback written),
    with its own temporary folder, and every process watched for the held-out secret."""
    root = tmp_path_factory.mktemp("attacks")
    course = build_course(root / "course")
    secret = "secret-" + "5e" * 24
    (course / ".grader").mkdir(mode=0o700)
    fd = os.open(course / ".grader" / "heldout-secret", os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, f"{secret}\n".encode())
    os.close(fd)
    (root / "tmp").mkdir()
    scan = ProcessScan(secret)
    scan.start()
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "grader", "autograde", ASSIGNMENT, "--course-dir", str(course),
         *COMMAND], capture_output=True, text=True, timeout=3600,
        env={**os.environ, "TMPDIR": str(root / "tmp")},
    )
    seconds = time.monotonic() - start
    scan.done.set()
    scan.join()
    subprocess.run([sys.executable, "-m", "grader", "feedback", ASSIGNMENT, "--course-dir",
                    str(course)], check=True, capture_output=True, timeout=600)
    graded = Graded(course, result, seconds)
    graded.scan, graded.tmp = scan, root / "tmp"
    summary = [f"fixture: {seconds:.0f} s for {len(SUBMISSIONS)} submissions"]
    for s in SUBMISSIONS:
        record = graded.record(s.name) or {}
        summary.append(f"{s.name:32} {record.get('score', '-'):>4} / cap {s.cap:g}"
                       f"  {record.get('status', 'NO RECORD')}  ({record.get('seconds')} s)")
    (course / "summary.txt").write_text("\n".join(summary) + "\n")
    print("\n".join(summary))
    return graded


def test_the_command_succeeds_and_grades_the_whole_class(graded):
    assert graded.result.returncode == 0, graded.result.stderr[-4000:]
    missing = [s.name for s in SUBMISSIONS if graded.record(s.name) is None]
    assert not missing, f"no record for {missing}"
    assert f"graded {len(SUBMISSIONS)} submission(s)" in graded.result.stdout


def test_reference_gets_full_marks_and_the_stub_nothing(graded):
    reference, stub = graded.record("reference"), graded.record("stub")
    assert (reference["score"], reference["max_score"], reference["status"]) == (
        MAX_SCORE, MAX_SCORE, "graded")
    assert (stub["score"], stub["max_score"], stub["status"]) == (0.0, MAX_SCORE, "graded")
    assert graded.record("wrong")["score"] == 0.0, "the wrong answers are the attacks' base"


@pytest.mark.parametrize("name", ATTACKS)
def test_attack_scores_no_more_than_the_stub(graded, name):
    submission, record = BY_NAME[name], graded.record(name)
    stub = graded.record("stub")["score"]
    assert record["score"] <= min(submission.cap, stub), record
    assert record["max_score"] == MAX_SCORE, "an attack changed what the assignment is worth"
    assert not record["status"].startswith("grader error"), record["status"]
    parts = {k for nb in record["notebooks"].values() for k in nb["parts"]}
    assert parts == {"test_model", "test_shapes", "test_param_count", "test_linear_unit",
                     "test_training"}
    outputs = graded.outputs(name)
    for marker in submission.markers:
        assert marker in outputs, f"{name}: the attack did not run as planned ({marker!r})"


@pytest.mark.parametrize("name", FAULTS)
def test_fault_keeps_what_ran_with_a_clear_status(graded, name):
    submission, record = BY_NAME[name], graded.record(name)
    assert submission.least <= record["score"] <= submission.cap, record
    assert record["max_score"] == MAX_SCORE
    if submission.status is None:
        assert record["status"] != "graded", "a broken submission must say what happened"
    else:
        assert record["status"] == submission.status, record
    assert not record["status"].startswith("grader error"), record["status"]


def test_wrong_file_name_is_graded_and_noted(graded):
    notes = [nb["note"] for nb in graded.record("fault_wrong_name")["notebooks"].values()]
    assert notes == [f"graded my_work.ipynb (expected {NOTEBOOK})"]


def test_graded_notebooks_stay_small(graded):
    for s in SUBMISSIONS:
        for path in graded.notebooks(s.name):
            assert path.stat().st_size < 5 * 2**20, f"{path} is {path.stat().st_size} bytes"
    for name in ("fault_gigantic_print", "fault_huge_display"):
        assert graded.notebooks(name), f"{name} has no graded notebook"


def test_forged_results_are_ignored(graded):
    record = graded.record("forge_results")
    assert "forged" not in record and record["score"] == 0.0
    assert record["student_id"] == "forge_results"


def test_network_is_off(graded):
    outputs = graded.outputs("network")
    assert "NETWORK: open" not in outputs
    assert outputs.count("NETWORK: blocked") == 6


def test_grading_is_not_announced_in_the_environment(graded):
    outputs = graded.outputs("env_detect")
    assert "GRADER_ENV: []" in outputs and "GRADING DETECTED" not in outputs
    names = outputs.split("ENV_NAMES:")[1].split("\n")[0]
    assert "NBGRADER" not in names.upper() and "GRADER" not in names.upper()


def test_the_sandbox_hides_the_course_folder(graded):
    outputs = graded.outputs("read_secrets")
    course = str(graded.course)
    assert f"missing {course}\n" in outputs, "the course folder is visible to student code"
    assert f"READ {course}" not in outputs


def test_nothing_secret_leaks(graded):
    secret = (graded.course / ".grader" / "heldout-secret").read_text().strip()
    secrets = ["BEGIN HIDDEN TESTS", "END HIDDEN TESTS", CANARY_COURSE, secret,
               *hidden_test_lines()]
    leaks = []
    for s in SUBMISSIONS:
        texts = {"outputs": graded.outputs(s.name)}
        record = graded.course / "autograded" / s.name / ASSIGNMENT / "grading.json"
        texts["grading.json"] = record.read_text()
        page = graded.course / "feedback" / s.name / ASSIGNMENT / "feedback.html"
        texts["feedback"] = page.read_text() if page.exists() else ""
        other = [] if s.name == "reference" else [CANARY_OTHER_STUDENT]
        for where, text in texts.items():
            leaks += [(s.name, where, x[:60]) for x in [*secrets, *other] if x in text]
    assert not leaks, leaks


def test_gradebook_agrees_with_the_records(graded):
    for s in SUBMISSIONS:
        record = graded.record(s.name)
        got = scores(graded.course, ASSIGNMENT, s.name)
        parts = {k: v["points"] for nb in record["notebooks"].values()
                 for k, v in nb["parts"].items()}
        assert got == parts, s.name


def test_the_secret_is_never_in_a_command_line_or_an_environment(graded):
    assert graded.scan.scans > 100, "the scan did not run while grading"
    assert not graded.scan.found, sorted(graded.scan.found)


def test_neighbours_of_hostile_submissions_keep_full_marks(graded):
    for name in ("fault_fork_bomb_neighbour", "fault_parked_neighbour"):
        record = graded.record(name)
        assert (record["score"], record["status"]) == (MAX_SCORE, "graded"), record
    assert "PARKED" in graded.outputs("fault_parked")
    parked = int(graded.outputs("fault_parked").split("PARKED ")[1].split()[0])
    assert parked > 150, "the parked processes were too few to starve a shared user"


def test_links_and_fifos_in_the_exchange_are_not_followed(graded):
    record = graded.record("exchange_links")
    assert record["score"] == 0.0 and record["status"] == "graded", record
    planted = sorted(p.name for p in graded.course.iterdir() if p.name.endswith(".json"))
    assert not planted, f"the grader wrote {planted} into the course folder"
    messages = " ".join(p["message"] for nb in record["notebooks"].values()
                        for p in nb["parts"].values())
    assert "not a plain file" in messages, messages
    assert "sqlite" not in messages.lower() and "cells" not in messages, messages


def test_the_workers_cleanup_follows_no_link(graded):
    left = sorted(p.name for p in (graded.course / "victim").iterdir())
    assert left == sorted(VICTIM_FILES), "the grader deleted files through the kernel's link"


def test_student_exception_text_is_not_shown(graded):
    record = graded.record("raise_inputs")
    part = record["notebooks"][NOTEBOOK]["parts"]["test_linear_unit"]
    assert part["points"] == 0.0 and "raised ValueError" in part["message"], part
    page = graded.course / "feedback" / "raise_inputs" / ASSIGNMENT / "feedback.html"
    messages = [p["message"] for nb in record["notebooks"].values() for p in nb["parts"].values()]
    assert not [m for m in messages if "LEAKED" in m], messages
    for text in (json.dumps(record), page.read_text()):  # (the answers quote the source)
        assert "LEAKED INPUTS array" not in text and str(graded.tmp) not in text


def unclaimed(uid):
    """Whether no live sandbox holds ``uid`` (tests beside this one may run sandboxes: a
    sandbox holds its user id's lock from before its cgroup exists until after it is gone)."""
    fd = sandbox._try_lock(uid)
    if fd is None:
        return False
    sandbox._release(uid, fd)
    return True


def test_nothing_is_left_behind(graded):
    left = sorted(str(p.relative_to(graded.tmp)) for p in graded.tmp.iterdir())
    assert not left, f"grading left {left} in its temporary folder"
    cgroups = [path for path in glob.glob("/sys/fs/cgroup/*/**/grader-*", recursive=True)
               if unclaimed(int(path.rsplit("-", 1)[1]))]
    assert not cgroups, cgroups
    assert not [p for p in psutil.process_iter(["uids"])
                if p.info["uids"] and p.info["uids"].real >= UID_BASE
                and unclaimed(p.info["uids"].real)], "sandbox processes left"
