"""Where a grading's time goes: :class:`grader.grade.Phases` (wall-clock and CPU seconds per
phase, killed trees included) and the phases :func:`grader.grade.grade_notebook` hands back
in the graded notebook's metadata. Also the order that makes grading cheaper without
weakening it: the judge starts while the kernel runs the instructor's first cells, but no
student code runs before the judge is ready."""

import json
import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from grader import grade, jobs
from grader.files import Snapshot
from grader.grade import JudgeCrashed, NotStarted, Phases, grade_notebook
from grader.jobs import NotGraded
from grader.sandbox import Limits

PHASES = {"sandbox", "kernel start", "judge start", "judge wait", "cells", "judge", "fetch",
          "close"}
# A child that starts a grandchild burning CPU for about a second, then waits for it.
BURN = ("import subprocess, sys; subprocess.run([sys.executable, '-c',"
        " 'import time\\nend = time.process_time() + 1\\nwhile time.process_time() < end: pass"
        "\\ntime.sleep(60)'])")


def _burn(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_lap_charges_what_was_spent_since_the_last_one():
    phases = Phases(lambda: [])
    _burn(0.3)
    phases.lap("busy")
    time.sleep(0.3)
    phases.lap("idle")
    _burn(0.1)
    phases.lap("busy")
    seconds = phases.record()
    assert seconds["busy"]["cpu"] >= 0.4 and seconds["busy"]["wall"] >= 0.4
    assert seconds["idle"]["wall"] >= 0.3 and seconds["idle"]["cpu"] < 0.2
    assert json.loads(json.dumps(seconds)) == seconds


def test_a_killed_tree_keeps_its_cpu():
    """The CPU of a sandbox's processes counts, grandchildren too, and stays counted once
    they are killed (killed, they are never reaped into the grader's children)."""
    child = subprocess.Popen([sys.executable, "-c", BURN], start_new_session=True)
    phases = Phases(lambda: [child.pid] if child.poll() is None else [])
    try:
        time.sleep(2.5)  # the grandchild has burnt its second
        phases.lap("running")
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    phases.lap("killed")
    seconds = phases.record()
    assert seconds["running"]["cpu"] >= 0.8
    assert seconds["killed"]["cpu"] > -0.05


def _notebook(test="assert x == 3"):
    """Setup, one answer and its test, as an instructor's source notebook."""
    def cell(source, **nbgrader):
        return nbformat.v4.new_code_cell(source, metadata={"nbgrader": {
            "schema_version": 3, "locked": False, "solution": False, "grade": False,
            **nbgrader}})
    return nbformat.v4.new_notebook(cells=[
        cell("import numpy as np", grade_id="setup", locked=True),
        cell("x = 3", grade_id="answer", solution=True),
        cell(test, grade_id="test", grade=True, points=1, locked=True),
    ])


@pytest.fixture
def order(monkeypatch):
    """``(cell index, whether the judge was ready)`` of each cell the kernel ran."""
    seen = []
    execute = grade.Run.execute

    def spy(run, index):
        seen.append((index, run.judge_ready))
        return execute(run, index)

    monkeypatch.setattr(grade.Run, "execute", spy)
    return seen


@pytest.mark.slow
def test_grading_hands_back_its_phases_and_waits_for_the_judge_only_for_student_code(
        tmp_path, order, monkeypatch):
    shutdowns = []
    shutdown = grade.SandboxedKernelManager.shutdown_kernel

    def spy(km, now=False, restart=False):
        shutdowns.append(now)
        return shutdown(km, now=now, restart=restart)

    monkeypatch.setattr(grade.SandboxedKernelManager, "shutdown_kernel", spy)
    source = _notebook()
    (tmp_path / "work").mkdir()
    parts, status, graded = grade_notebook(source, source, tmp_path / "work", Limits(),
                                           "s" * 64)
    assert (status, parts["test"]["points"]) == ("graded", 1.0)
    # The setup ran in the kernel while the judge started; the answer, once it was ready.
    assert order == [(0, False), (1, True)]
    assert shutdowns == [True]  # killed at once: it is killed anyway
    phases = graded.metadata["grading_phases"]
    assert set(phases) == PHASES
    assert all(p["wall"] >= 0 and p["cpu"] >= -0.05 for p in phases.values())
    assert phases["judge start"]["cpu"] > 0  # its Python and imports, in its own sandbox
    assert len(json.dumps(phases)) < 1000


@pytest.mark.slow
def test_a_judge_that_does_not_start_stops_grading_before_any_student_code(
        tmp_path, order, monkeypatch):
    def garbage(judge, message):  # a first line that is not the secret: the judge exits
        judge.process.stdin.write("not a message\n")
        judge.process.stdin.flush()

    monkeypatch.setattr(grade.JudgeProcess, "send", garbage)
    source = _notebook()
    (tmp_path / "work").mkdir()
    with pytest.raises(NotStarted, match="the judge did not start"):
        grade_notebook(source, source, tmp_path / "work", Limits(), "s" * 64)
    assert order == [(0, False)]  # the instructor's setup only
    assert not (tmp_path / "work").exists()


def _job(source):
    """A job grading ``source`` as its own student's submission."""
    data = nbformat.writes(source).encode()
    return jobs.make("ex00", "student", {"a.ipynb": data}, {}, Snapshot({"a.ipynb": data}, []),
                     Limits(), "s" * 64, [], unsandboxed=False)


@pytest.mark.slow
def test_a_judge_that_crashes_is_the_machines_failure_and_one_that_exits_is_not(tmp_path):
    """A judge killed by a crash signal no limit sent (oneDNN has segfaulted in one) leaves
    the submission not graded, to be graded again; a judge that merely exits (as a test
    cell may make it) ends the grading with the points already given, as before."""
    crash = _notebook("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)")
    (tmp_path / "a").mkdir()
    with pytest.raises(JudgeCrashed, match=r"the judge crashed \(SIGSEGV\)"):
        grade_notebook(crash, crash, tmp_path / "a", Limits(), "s" * 64)
    assert not (tmp_path / "a").exists()
    with pytest.raises(NotGraded, match="the judge crashed"):
        jobs.run(_job(crash))
    exits = _notebook("import os\nos._exit(3)")
    (tmp_path / "b").mkdir()
    parts, status, _ = grade_notebook(exits, exits, tmp_path / "b", Limits(), "s" * 64)
    assert (status, parts["test"]["points"]) == ("stopped: the judge stopped", 0.0)


def test_the_benchmark_averages_the_phases_of_the_records(tmp_path):
    from tools.bench_grade import phase_means, phase_table

    for student, wall in [("a", 1.0), ("b", 3.0)]:
        folder = tmp_path / "autograded" / student / "ex01"
        folder.mkdir(parents=True)
        phases = {"cells": {"wall": wall, "cpu": wall / 2},
                  "judge start": {"wall": 5.0, "cpu": 4.0}}
        (folder / "grading.json").write_text(json.dumps(
            {"notebooks": {"ex01.ipynb": {"phases": phases}}}))
    means = phase_means(tmp_path, "ex01")
    assert means == {"cells": (2.0, 1.0), "judge start": (5.0, 4.0)}
    lines = phase_table({"1 worker(s)": (1, 10.0, means)}, 2)
    rows = {line[:42].strip(): line[42:].split() for line in lines[2:]}
    assert rows["total in grade_notebook"] == ["2.00", "1.00"]  # overlapped: not added
    assert rows["pipeline: workers, gradebook, waiting"] == ["3.00", "-"]  # 10 s / 2 - 2 s
    assert rows["judge start, overlapped: Python, imports"] == ["5.00", "4.00"]


def test_the_benchmark_holds_the_grader_to_its_ratios_and_projects_a_class():
    from tools.bench_grade import DASK, NBGRADER, projection, ratios

    results = {"grader, 1 worker(s)": 60.0, "grader, 2 worker(s)": 40.0, DASK: 44.0,
               NBGRADER: 50.0}
    assert ratios(results) == [
        "one worker costs 1.20x plain nbgrader per submission (goal: at most 1.10x)",
        "two workers are 1.25x faster than plain sequential nbgrader (goal: at least 1.80x)",
        "Dask with two local workers takes 1.10x the local pool's time (goal: at most 1.10x)"]
    # nbgrader used 75 CPU-s in 50 s: 1.5 cores of 2 busy, so nothing beats it by over 2/1.5
    bounded = ratios(results, {**dict.fromkeys(results, 1.0), NBGRADER: 75.0}, cores=2)
    assert bounded[2] == ("  plain nbgrader kept 1.50 of the 2 cores busy: a grader doing at"
                          " least its CPU work on 2 cores is at most 1.33x faster")
    assert bounded[:2] + bounded[3:] == ratios(results)
    lines = projection(results, 10, klass=2000)  # 6 s each; two workers at 75 % efficiency
    assert "6.0 s per submission" in lines[0] and "75% efficiency" in lines[0]
    assert lines[1].split() == ["1", "worker(s):", "3", "h", "20.0", "min"]  # 12,000 s
    assert lines[3].split() == ["8", "worker(s):", "0", "h", "33.3", "min"]  # 12,000/6 s
