"""The engines' rules, without kernels (seconds): which scheduler addresses are accepted
and with what security, the run lock, and how the Dask engine handles a job the machine
failed or one that misses its deadline (on an in-process Dask cluster, whose workers run
a stand-in for the grading function).
"""

import json
import pickle
import threading
import time

import pytest

from grader import engines, jobs
from grader.course import make_course_dir
from grader.engines import ClusterError, scheduler_address, security_for
from grader.pipeline import Course


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tcp://localhost:8786",
                                     "tcp://[::1]:8786", "127.0.0.2:8786"])
def test_plain_tcp_is_accepted_on_this_machine_only(address):
    assert not security_for(address).require_encryption


@pytest.mark.parametrize("address", ["tcp://192.0.2.1:8786", "192.0.2.1:8786",
                                     "grading.example.org:8786", "tcp://10.0.0.1:1",
                                     "ws://127.0.0.1:8786", "ucx://192.0.2.1:8786"])
def test_anything_else_needs_tls(address):
    with pytest.raises(ClusterError, match="needs tls://"):
        security_for(address)


def test_tls_needs_certificates_and_then_requires_encryption(tmp_path):
    with pytest.raises(ClusterError, match="needs a CA file"):
        security_for("tls://192.0.2.1:8786")
    files = [tmp_path / name for name in ("ca.pem", "client.pem", "client-key.pem")]
    security = security_for("tls://192.0.2.1:8786", files)
    assert security.require_encryption
    assert security.tls_ca_file == str(files[0]) and security.tls_client_key == str(files[2])


def test_a_scheduler_file_gives_its_address(tmp_path):
    path = tmp_path / "scheduler.json"
    path.write_text(json.dumps({"address": "tls://10.1.2.3:8786", "workers": {}}))
    assert scheduler_address(str(path)) == "tls://10.1.2.3:8786"
    assert scheduler_address("tls://10.1.2.3:8786") == "tls://10.1.2.3:8786"
    path.write_text("not json")
    with pytest.raises(ClusterError, match="not a Dask scheduler file"):
        scheduler_address(str(path))


def test_not_graded_crosses_processes_with_its_worker():
    error = pickle.loads(pickle.dumps(jobs.NotGraded("no sandbox", "tls://10.0.0.2:4000")))
    assert (str(error), error.worker) == ("no sandbox", "tls://10.0.0.2:4000")


def test_one_run_at_a_time_per_course(tmp_path):
    course = Course(make_course_dir(tmp_path / "course", ["ex01"]))
    with course.run_lock():
        with pytest.raises(RuntimeError, match=r"another grading run holds .* \(pid \d+"):
            with course.run_lock():
                pass
        held = threading.Event()
        errors = []

        def other_thread():  # a lock per open file: a second run in this process too
            try:
                with course.run_lock():
                    pass
            except RuntimeError as error:
                errors.append(error)
            held.set()

        threading.Thread(target=other_thread).start()
        held.wait(10)
        assert errors
    with course.run_lock():  # released when the run ends
        pass


# -------------------------------------------------------------- the Dask engine's retries

ATTEMPTS = {}  # student -> the workers that ran the stand-in grading function, in turn


def stand_in(job):
    """Grades at once, unless the job's student says to fail or hang on some attempts."""
    from distributed import get_worker

    student = job["student"]
    ATTEMPTS.setdefault(student, []).append(get_worker().address)
    attempt = len(ATTEMPTS[student])
    behaviour = job["behaviour"][min(attempt, len(job["behaviour"])) - 1]
    if behaviour == "hang":
        time.sleep(6)
    elif behaviour == "fail":
        raise jobs.NotGraded("this worker has no sandbox")
    return {"record": {"attempt": attempt}, "graded": {}}


@pytest.fixture
def dask_engine(monkeypatch):
    from distributed import Client, LocalCluster

    monkeypatch.setattr(jobs, "run", stand_in)
    ATTEMPTS.clear()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address="127.0.0.1:0",
                      worker_dashboard_address="127.0.0.1:0") as cluster, \
            Client(cluster, set_as_default=False) as client:
        engine = engines.Cluster("in-process")
        engine.client = client
        yield engine


def outcomes(engine, behaviours):
    tasks = [engines.Task(("ex01", student), lambda student=student, b=b: {
        "student": student, "behaviour": b, "fingerprint": student})
        for student, b in behaviours.items()]
    return {task.key[1]: outcome for task, outcome in engine.run(tasks, lambda job: 2)}


def test_a_job_the_machine_failed_runs_once_more_elsewhere(dask_engine):
    found = outcomes(dask_engine, {"once": ["fail", "ok"], "twice": ["fail", "fail"],
                                   "fine": ["ok"]})
    assert found["once"] == {"record": {"attempt": 2}, "graded": {}}
    assert found["fine"] == {"record": {"attempt": 1}, "graded": {}}
    assert isinstance(found["twice"], jobs.NotGraded)
    assert found["twice"].reason == "this worker has no sandbox"
    assert {student: len(workers) for student, workers in ATTEMPTS.items()} == {
        "once": 2, "twice": 2, "fine": 1}
    assert len(set(ATTEMPTS["once"])) == len(set(ATTEMPTS["twice"])) == 2  # elsewhere


def test_a_job_past_its_deadline_is_sent_once_more(dask_engine):
    found = outcomes(dask_engine, {"slow-once": ["hang", "ok"]})
    assert found["slow-once"] == {"record": {"attempt": 2}, "graded": {}}
    assert len(set(ATTEMPTS["slow-once"])) == 2  # not behind the hung job
    found = outcomes(dask_engine, {"slow": ["hang", "hang"]})
    assert isinstance(found["slow"], jobs.NotGraded)
    assert found["slow"].reason == "it missed its deadline twice"
