"""Grading a class on a real Dask cluster on this machine: ``dask scheduler`` and two
``dask worker`` processes on 127.0.0.1, over TLS with certificates made here, started with
the commands of the instructors' guide ("Grading on a cluster"). Each test tears its
cluster down and checks that no process it started (nor their sandboxes) is left.

1. the class graded locally and through Dask: identical records, gradebook rows and CSV
   export;
2. a worker killed (SIGKILL) while it grades: every submission graded once, with the local
   scores, and none of the killed worker's sandbox processes survive;
3. the client killed after some saves: the next run grades exactly the rest;
4. the scheduler killed: the client stops with a clear error, what was saved stays, and a
   rerun on a new cluster completes;
5. refused before anything is written: a worker of another environment, a worker that
   cannot sandbox (whose nanny, with the preload, does not even start), plain TCP to
   another host, TLS without certificates.
"""

import csv
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from grader.course import REPO, make_course_dir
from tools.bench_grade import make_class

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dask")]

ASSIGNMENT = "ex01"
STUDENTS = 4  # reference, wrong, stub, reference
BIN = Path(sys.executable).parent
# The only fields of a record that may differ: when and how long (each notebook's phases too).
VOLATILE = {"seconds", "graded_at"}


def run(command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A CA, and certificates it signed for the cluster and for the instructor's client."""
    folder = tmp_path_factory.mktemp("tls")
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run(["openssl", "req", "-x509", *key, "-keyout", "ca-key.pem", "-out", "ca.pem",
         "-days", "2", "-subj", "/CN=course test CA"], cwd=folder)
    for name in ("cluster", "client"):
        run(["openssl", "req", *key, "-keyout", f"{name}-key.pem", "-out", f"{name}.csr",
             "-subj", f"/CN={name}"], cwd=folder)
        run(["openssl", "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey",
             "ca-key.pem", "-CAcreateserial", "-days", "2", "-out", f"{name}.pem"],
            cwd=folder)
    return folder


def tls_options(certs, name):
    return ["--tls-ca-file", str(certs / "ca.pem"), "--tls-cert", str(certs / f"{name}.pem"),
            "--tls-key", str(certs / f"{name}-key.pem")]


class Cluster:
    """A scheduler and workers, as separate processes (each in a session of its own)."""

    def __init__(self, folder, certs):
        folder.mkdir(exist_ok=True)
        self.folder, self.certs, self.workers, self.seen = folder, certs, {}, set()
        self.scheduler_file = folder / "scheduler.json"
        self.scheduler = self._start("scheduler", [
            "scheduler", "--host", "127.0.0.1", "--port", "0", "--protocol", "tls",
            "--no-dashboard", "--scheduler-file", str(self.scheduler_file),
            *tls_options(certs, "cluster")])
        deadline = time.monotonic() + 60
        while not self.scheduler_file.exists():
            assert time.monotonic() < deadline and self.scheduler.poll() is None, self.log(
                "scheduler")
            time.sleep(0.2)
        self.address = json.loads(self.scheduler_file.read_text())["address"]

    def _start(self, name, arguments, env=None):
        log = open(self.folder / f"{name}.log", "w")
        process = subprocess.Popen([str(BIN / "dask"), *arguments], stdout=log, stderr=log,
                                   env=env or os.environ, start_new_session=True)
        self.seen.add(psutil.Process(process.pid))
        return process

    def log(self, name):
        return (self.folder / f"{name}.log").read_text()[-3000:]

    def add_worker(self, name, env=None, preload=True):
        """``dask worker`` as the guide starts it (one grading thread, the preload)."""
        arguments = ["worker", self.address, "--name", name, "--nthreads", "1",
                     "--no-dashboard", *tls_options(self.certs, "cluster")]
        if preload:
            arguments += ["--preload-nanny", "grader.worker"]
        self.workers[name] = self._start(name, arguments, env)
        return self.workers[name]

    def wait_for_workers(self, count):
        """Wait until ``count`` workers are registered with the scheduler."""
        from distributed import Client, Security

        security = Security(tls_ca_file=str(self.certs / "ca.pem"), require_encryption=True,
                            tls_client_cert=str(self.certs / "client.pem"),
                            tls_client_key=str(self.certs / "client-key.pem"))
        with Client(self.address, security=security, set_as_default=False) as client:
            try:
                client.wait_for_workers(count, timeout=120)
            except TimeoutError:
                pytest.fail("workers did not register:\n" + "\n".join(
                    self.log(name) for name in self.workers))

    def worker_process(self, name):
        """The worker process under worker ``name``'s nanny (not its resource tracker)."""
        return next(p for p in psutil.Process(self.workers[name].pid).children()
                    if "spawn_main" in " ".join(p.cmdline()))

    def descendants(self):
        found = set()
        for process in self.seen:
            try:
                found |= {process, *process.children(recursive=True)}
            except psutil.NoSuchProcess:
                pass
        return found

    def close(self):
        self.seen |= self.descendants()
        for process in self.seen:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        gone, alive = psutil.wait_procs(list(self.seen), timeout=30)
        assert not alive, f"left running: {alive}"


@pytest.fixture
def cluster(tmp_path, certificates):
    """Two workers of this environment, registered."""
    started = Cluster(tmp_path, certificates)
    try:
        started.add_worker("w1")
        started.add_worker("w2")
        started.wait_for_workers(2)
        yield started
    finally:
        started.close()


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """A course with a class of ex01 (never graded: tests copy it) and its local grading."""
    root = tmp_path_factory.mktemp("dask-class")
    template = make_course_dir(root / "template", [ASSIGNMENT])
    make_class(template, ASSIGNMENT, STUDENTS)
    local = copy_course(template, root / "local")
    result = grader(local, "--workers", "2")
    assert result.returncode == 0, result.stderr
    return template, snapshot(local)


def copy_course(template, dest):
    shutil.copytree(template, dest, symlinks=True)
    return dest


def grader(course, *options, certs=None, wait=True):
    """``grader autograde ex01`` on ``course``, as an instructor types it."""
    command = [sys.executable, "-m", "grader", "autograde", ASSIGNMENT, "--course-dir",
               str(course), *options]
    if certs is not None:
        command += ["--tls-ca", str(certs / "ca.pem"), "--tls-cert", str(certs / "client.pem"),
                    "--tls-key", str(certs / "client-key.pem")]
    if not wait:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
    return subprocess.run(command, capture_output=True, text=True, timeout=900)


def records(course):
    """``{student: record}`` without the fields that say when and how long."""
    found = {}
    for path in sorted((course / "autograded").glob(f"*/{ASSIGNMENT}/grading.json")):
        record = json.loads(path.read_text())
        for notebook in record["notebooks"].values():
            notebook.pop("phases", None)
        found[path.parents[1].name] = {k: v for k, v in record.items() if k not in VOLATILE}
    return found


def gradebook_rows(course):
    """``(student, notebook, grade id, score)`` of every grade in the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return sorted((submission.student.id, notebook.name, grade.name, grade.score)
                      for submission in gradebook.assignment_submissions(ASSIGNMENT)
                      for notebook in submission.notebooks for grade in notebook.grades)


def grades_csv(course):
    """The rows of ``grader export`` without the time of grading."""
    from grader.pipeline import Course
    from grader.reports import export_csv

    with open(export_csv(Course(course), course.parent / f"{course.name}.csv")) as file:
        return [{k: v for k, v in row.items() if k != "graded_at"}
                for row in csv.DictReader(file)]


def snapshot(course):
    """What grading leaves: the records, the gradebook's rows, the CSV export."""
    return records(course), gradebook_rows(course), grades_csv(course)


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def sandboxed(worker):
    """Whether ``worker`` runs a sandboxed process (bubblewrap and what it started)."""
    try:
        return any(p.name() != "bwrap" for box in worker.children(recursive=True)
                   if box.name() == "bwrap" for p in box.children(recursive=True))
    except psutil.NoSuchProcess:
        return False


def saved(course):
    return len(list((course / "autograded").glob(f"*/{ASSIGNMENT}/grading.json")))


def test_dask_grades_exactly_as_the_local_workers(classroom, cluster, certificates,
                                                  tmp_path):
    template, local = classroom
    assert sorted(local[0]) == ["reference00", "reference03", "stub02", "wrong01"]
    wrong = float(sum(importlib.import_module(f"wrong_answers.{ASSIGNMENT}").EXPECTED.values()))
    assert [local[0][s]["score"] for s in sorted(local[0])] == [8.0, 8.0, 0.0, wrong]
    course = copy_course(template, tmp_path / "course")
    result = grader(course, "--scheduler", str(cluster.scheduler_file), certs=certificates)
    assert result.returncode == 0, result.stderr
    assert f"graded {STUDENTS} submission(s) of {ASSIGNMENT}" in result.stdout
    assert snapshot(course) == local
    again = grader(course, "--scheduler", cluster.address, certs=certificates)
    assert "graded 0 submission(s)" in again.stdout, again.stdout + again.stderr


def start_grading(classroom, cluster, certs, tmp_path):
    """A copy of the class, and ``grader autograde`` grading it on ``cluster``, running:
    ``(course, the local grading's snapshot, the client process)``."""
    template, local = classroom
    course = copy_course(template, tmp_path / "course")
    client = grader(course, "--scheduler", str(cluster.scheduler_file), certs=certs,
                    wait=False)
    return course, local, client


def test_a_worker_killed_while_grading_costs_nothing(classroom, cluster, certificates,
                                                     tmp_path):
    course, local, client = start_grading(classroom, cluster, certificates, tmp_path)
    victim = cluster.worker_process("w1")
    wait_until(lambda: sandboxed(victim), 120, "w1 to grade in a sandbox")
    doomed = victim.children(recursive=True)
    victim.send_signal(signal.SIGKILL)
    _, alive = psutil.wait_procs(doomed, timeout=20)
    assert not alive, f"sandbox processes of the killed worker survived: {alive}"
    out, err = client.communicate(timeout=900)
    assert client.returncode == 0, err
    assert f"graded {STUDENTS} submission(s)" in out
    assert snapshot(course) == local


def test_a_killed_client_leaves_the_rest_to_the_next_run(classroom, cluster, certificates,
                                                         tmp_path):
    course, local, client = start_grading(classroom, cluster, certificates, tmp_path)
    wait_until(lambda: saved(course) >= 1, 300, "a first save")
    os.killpg(client.pid, signal.SIGKILL)
    client.wait()
    before = {path: path.read_bytes() for path in
              (course / "autograded").glob(f"*/{ASSIGNMENT}/grading.json")}
    assert 1 <= len(before) < STUDENTS
    result = grader(course, "--scheduler", str(cluster.scheduler_file), certs=certificates)
    assert result.returncode == 0, result.stderr
    assert f"graded {STUDENTS - len(before)} submission(s)" in result.stdout
    assert all(path.read_bytes() == data for path, data in before.items())
    assert snapshot(course) == local


def test_a_lost_scheduler_stops_the_client_clearly(classroom, tmp_path, certificates):
    first = Cluster(tmp_path / "first", certificates)
    try:
        first.add_worker("w1")
        first.add_worker("w2")
        first.wait_for_workers(2)
        course, local, client = start_grading(classroom, first, certificates, tmp_path)
        wait_until(lambda: saved(course) >= 1, 300, "a first save")
        first.scheduler.send_signal(signal.SIGKILL)
        out, err = client.communicate(timeout=180)
    finally:
        first.close()
    assert client.returncode == 1, out + err
    assert "lost the Dask scheduler" in err and "run the same command again" in err, err
    assert "Traceback" not in err, err
    kept = records(course)
    assert kept and all(kept[s] == local[0][s] for s in kept)
    second = Cluster(tmp_path / "second", certificates)
    try:
        second.add_worker("w1")
        second.wait_for_workers(1)
        result = grader(course, "--scheduler", str(second.scheduler_file), certs=certificates)
    finally:
        second.close()
    assert result.returncode == 0, result.stderr
    assert snapshot(course) == local


def test_workers_that_would_grade_differently_are_refused(classroom, tmp_path, certificates):
    template, _ = classroom
    course = copy_course(template, tmp_path / "course")
    before = contents(course)
    # Another environment: the same code beside a different lock file, first on the path.
    other = tmp_path / "other"
    for name in ("grader", "dlcourse"):
        shutil.copytree(REPO / name, other / name, ignore=shutil.ignore_patterns("__pycache__"))
    (other / "requirements.lock").write_text((REPO / "requirements.lock").read_text()
                                             + "numpy==1.0\n")
    cluster = Cluster(tmp_path / "cluster", certificates)
    try:
        cluster.add_worker("same")
        cluster.add_worker("other", env={**os.environ, "PYTHONPATH": str(other)})
        # No bubblewrap: with the preload its nanny stops; without it, it joins.
        no_bwrap = {**os.environ, "PATH": str(BIN)}
        refused = cluster.add_worker("refused", env=no_bwrap)
        assert refused.wait(timeout=120) != 0
        assert "this machine cannot grade: bubblewrap (bwrap) is not installed" in \
            (cluster.folder / "refused.log").read_text()
        cluster.add_worker("unsandboxed", env=no_bwrap, preload=False)
        cluster.wait_for_workers(3)
        result = grader(course, "--scheduler", str(cluster.scheduler_file), certs=certificates)
    finally:
        cluster.close()
    assert result.returncode == 1, result.stdout
    assert "refusing to grade on this cluster" in result.stderr, result.stderr
    problems = [line for line in result.stderr.splitlines() if line.startswith("  tls://")]
    assert len(problems) == 2, result.stderr
    assert any("environment differs" in line for line in problems), problems
    assert any("bubblewrap (bwrap) is not installed" in line for line in problems), problems
    assert contents(course) == before


@pytest.mark.parametrize("scheduler, expected", [
    ("tcp://192.0.2.1:8786", "needs tls://"),
    ("grading.example.org:8786", "needs tls://"),
    ("tls://127.0.0.1:8786", "tls:// needs a CA file"),
])
def test_plain_tcp_to_another_host_is_refused(classroom, tmp_path, scheduler, expected):
    template, _ = classroom
    course = copy_course(template, tmp_path / "course")
    before = contents(course)
    result = grader(course, "--scheduler", scheduler)
    assert result.returncode == 1 and expected in result.stderr, result.stderr
    assert contents(course) == before


def contents(course):
    """``{path: bytes}`` of every file of the course but its run lock."""
    return {p: p.read_bytes() for p in course.rglob("*") if p.is_file() and p.name != "run.lock"}
