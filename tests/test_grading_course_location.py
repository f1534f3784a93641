"""A course kept under a folder every sandbox sees (``/opt``): the course folder, the
gradebook, the secret and the other students' work stay out of reach all the same
(the red team read all of them before ``Course.private_folders`` reached the sandbox)."""

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from attacks import (
    ASSIGNMENT,
    CANARY_COURSE,
    CANARY_OTHER_STUDENT,
    MAX_SCORE,
    SUBMISSIONS,
    build_course,
    hidden_test_lines,
    outputs_text,
)

from grader.sandbox import remove_tree

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("course-location")]
BY_NAME = {s.name: s for s in SUBMISSIONS}


@pytest.fixture(scope="module")
def course_under_opt():
    root = Path(tempfile.mkdtemp(prefix="course-", dir="/opt"))
    root.chmod(0o755)  # as an instructor's folders usually are: readable by every user
    try:
        course = build_course(root / "course", [BY_NAME["reference"], BY_NAME["read_secrets"]])
        result = subprocess.run(
            [sys.executable, "-m", "grader", "autograde", ASSIGNMENT, "--course-dir",
             str(course), "--workers", "2", "--cell-timeout", "60", "--memory", "3000"],
            capture_output=True, text=True, timeout=1200)
        assert result.returncode == 0, result.stderr[-3000:]
        yield course
    finally:
        remove_tree(root)


def test_a_course_under_opt_stays_hidden(course_under_opt):
    course = course_under_opt
    graded = course / "autograded"
    spy = "\n".join(outputs_text(p) for p in (graded / "read_secrets" / ASSIGNMENT).glob("*.ipynb"))
    assert "ATTACK RAN: read_secrets" in spy and "readable files:" in spy
    secret = (course / ".grader" / "heldout-secret").read_text().strip()
    leaks = [x[:50] for x in [CANARY_COURSE, CANARY_OTHER_STUDENT, secret, "BEGIN HIDDEN TESTS",
                              *hidden_test_lines()] if x in spy]
    assert not leaks, leaks
    assert f"READ {course}" not in spy, "a file of the course folder was read"
    reference = (graded / "reference" / ASSIGNMENT / "grading.json").read_text()
    assert f'"score": {MAX_SCORE}' in reference
