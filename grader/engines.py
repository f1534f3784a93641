"""Where jobs are graded: local worker processes, or the workers of a Dask cluster.

Both engines run :func:`grader.jobs.run` on plain-data jobs and yield ``(task, outcome)``,
the outcome being the job's result or a :class:`grader.jobs.NotGraded`: a job the machine
failed (a worker lost twice, a deadline missed twice, an environment that differs) is
reported, never turned into a zero. Only as many jobs as there are worker slots are read
and sent at a time, so a class of any size fits in the client's memory.
"""

import ipaddress
import json
import logging
import multiprocessing
import secrets
import socket
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from grader import jobs
from grader.jobs import NotGraded
from grader.sandbox import sweep

LOST = "the worker grading it was lost"


class Task:
    """One submission to grade: its job is read (``build()``) only when it is sent."""

    def __init__(self, key, build):
        self.key, self.build, self.attempts = key, build, 0
        self.job = self.fingerprint = None

    def load(self):
        if self.job is None:
            self.job = self.build()
            self.fingerprint = self.job["fingerprint"]
        return self.job


def _outcome(future):
    try:
        return future.result()
    except NotGraded as error:
        return error
    except BrokenProcessPool:
        return NotGraded(LOST)
    except Exception as error:  # pickling, a worker that could not start ...
        return NotGraded(jobs.error_text("grader error", error))


def _loaded(task):
    try:
        task.load()
        return None
    except NotGraded as error:
        return error


def local(tasks, workers):
    """Grade ``tasks`` in ``workers`` processes of this machine. A worker process that dies
    breaks its whole pool: the jobs in flight then run again, each in a pool of its own, so
    that only a job that kills its own worker is not graded, and the class goes on."""
    queue, alone = list(tasks), []
    context = multiprocessing.get_context("spawn")
    while queue or alone:
        size, batch = (1, [alone.pop(0)]) if alone else (workers, queue)
        with ProcessPoolExecutor(max_workers=min(size, len(batch)), mp_context=context) as pool:
            flying = {}
            while batch or flying:
                while batch and len(flying) < size:
                    task = batch.pop(0)
                    if (problem := _loaded(task)) is not None:
                        yield task, problem
                        continue
                    flying[pool.submit(jobs.run, task.job)] = task
                if not flying:
                    break
                finished, _ = wait(flying, return_when=FIRST_COMPLETED)
                broken = False
                for future in finished:
                    task = flying.pop(future)
                    lost = isinstance(future.exception(), BrokenProcessPool)
                    broken |= lost
                    if lost and size > 1:
                        alone.append(task)
                    else:
                        task.job = None
                        yield task, _outcome(future)
                if broken:  # the pool is lost: what was in flight runs again, alone
                    alone += flying.values()
                    break


# ----------------------------------------------------------------------------- Dask

class ClusterError(RuntimeError):
    """The cluster cannot be used, or was lost: nothing more is graded."""


def _loopback(host):
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0].split("%")[0]).is_loopback
                               for i in infos)


def scheduler_address(spec):
    """The scheduler's address from ``--scheduler``: an address, or a scheduler file (the
    JSON file ``dask scheduler --scheduler-file`` writes)."""
    path = Path(spec)
    if "://" not in spec and path.is_file():
        try:
            return json.loads(path.read_text())["address"]
        except (OSError, ValueError, KeyError, TypeError):
            raise ClusterError(f"{spec} is not a Dask scheduler file") from None
    return spec


def security_for(address, tls=None):
    """Dask's security settings for ``address``: TLS (``tls``: ``(ca, cert, key)`` files,
    or Dask's ``distributed.comm.tls`` configuration) for anything but this machine; plain
    TCP to another host is refused."""
    from distributed import Security
    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port

    try:
        protocol, location = parse_address(address)
        host = parse_host_port(location)[0]
    except ValueError:
        raise ClusterError(f"{address!r} is not a Dask scheduler address") from None
    if protocol == "tls":
        security = (Security(tls_ca_file=str(tls[0]), tls_client_cert=str(tls[1]),
                             tls_client_key=str(tls[2]),
                             require_encryption=True) if tls else Security())
        if not security.tls_ca_file or not security.tls_client_cert:
            raise ClusterError("tls:// needs a CA file, a certificate and a key: --tls-ca,"
                               " --tls-cert, --tls-key (or Dask's distributed.comm.tls"
                               " configuration)")
        return security
    if protocol == "tcp" and _loopback(host):
        return Security()
    raise ClusterError(f"refused {address}: student data and the held-out secret travel to"
                       " the workers, so anything but this machine needs tls:// (with"
                       " --tls-ca, --tls-cert and --tls-key)")


def _on_worker(job):
    """:func:`grader.jobs.run` on a Dask worker, a failure tagged with the worker's address."""
    from distributed import get_worker

    try:
        return jobs.run(job)
    except NotGraded as error:
        raise NotGraded(error.reason, get_worker().address) from None


class Cluster:
    """A Dask cluster to grade on: ``local:N`` (a ``LocalCluster`` of N worker processes on
    this machine), a scheduler address or a scheduler file. Use it as a context manager; it
    refuses, before anything is graded, workers whose environment differs from this one's
    or that cannot sandbox (unless ``allow_unsandboxed``)."""

    def __init__(self, spec, tls=None, allow_unsandboxed=False, wait_seconds=60):
        self.spec, self.tls, self.allow_unsandboxed = spec, tls, allow_unsandboxed
        self.wait_seconds = wait_seconds
        self.client = self.cluster = None

    def __enter__(self):
        from distributed import Client, LocalCluster

        try:
            if self.spec.startswith("local:"):
                # Its HTTP servers too on loopback only (dashboard_address=None still
                # serves on 0.0.0.0:8787), as task names carry student ids.
                self.cluster = LocalCluster(n_workers=int(self.spec[6:]), threads_per_worker=1,
                                            processes=True, memory_limit=0, host="127.0.0.1",
                                            dashboard_address="127.0.0.1:0",
                                            worker_dashboard_address="127.0.0.1:0")
                self.client = Client(self.cluster, set_as_default=False)
            else:
                address = scheduler_address(self.spec)
                self.client = Client(address, security=security_for(address, self.tls),
                                     timeout=f"{self.wait_seconds}s", set_as_default=False)
            self.client.wait_for_workers(1, timeout=self.wait_seconds)
        except (ValueError, OSError, TimeoutError) as error:
            self.__exit__(None, None, None)
            raise ClusterError(f"could not use the Dask cluster {self.spec}: {error}") from None
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.check()
        return self

    def __exit__(self, *exc):
        if self.client is not None and self.client.status != "running":
            # Closing a client that is reconnecting logs its cancelled attempt as an error,
            # with a traceback, after the clear message the instructor needs.
            logging.getLogger("distributed.client").setLevel(logging.CRITICAL)
        for closable in (self.client, self.cluster):
            if closable is not None:
                try:
                    closable.close(timeout=10)
                except Exception:  # a scheduler already gone
                    pass

    def check(self):
        """Raise :class:`ClusterError` if a worker cannot grade as this machine would."""
        mine = jobs.environment()
        self.client.run(sweep, on_error="ignore")  # cgroups of sandboxes whose worker died
        found = self.client.run(jobs.describe, on_error="return")
        problems = []
        for worker, info in sorted(found.items()):
            if isinstance(info, BaseException):
                problems.append(f"{worker}: could not describe it ({info})")
            elif info["environment"] != mine:
                problems.append(f"{worker} ({info['host']}): its environment differs from this"
                                " one (requirements.lock, grader/, dlcourse/ or Python"
                                f" {info['python']})")
            elif info["sandbox"] and not self.allow_unsandboxed:
                problems.append(f"{worker} ({info['host']}): {info['sandbox']}")
        if problems:
            raise ClusterError("refusing to grade on this cluster:\n  " + "\n  ".join(problems)
                               + "\nNothing was graded.")

    def slots(self):
        return max(1, sum(self.client.nthreads().values()))

    def _holder(self, key):
        return next((w for w, keys in self.client.processing().items() if key in keys), None)

    def _submit(self, task, deadline, avoid=None):
        """Send ``task`` (elsewhere than worker ``avoid``, if there is another): ``(its
        future, (the task, when it must be done))``."""
        others = [w for w in self.client.nthreads() if w != avoid] if avoid else None
        task.attempts += 1
        key = f"grade-{'-'.join(task.key)}-{task.attempts}-{secrets.token_hex(4)}"
        where = {"workers": others} if others else {}  # else anywhere
        future = self.client.submit(_on_worker, task.job, key=key, pure=False, **where)
        return future, (task, time.monotonic() + deadline(task.job))

    def run(self, tasks, deadline):
        """Grade ``tasks`` on the cluster; ``deadline(job)`` is the seconds a job may take
        from when it is sent before it is cancelled and sent again (once)."""
        try:
            yield from self._run(tasks, deadline)
        except OSError:  # the connection to the scheduler broke
            raise ClusterError(self._lost()) from None

    def _run(self, tasks, deadline):
        from distributed.scheduler import KilledWorker

        queue, flying, slots, counted = list(tasks), {}, self.slots(), time.monotonic()
        while queue or flying:
            self._check_connected()
            if time.monotonic() - counted > 5:  # workers come and go
                slots, counted = self.slots(), time.monotonic()
            while queue and len(flying) < slots:
                task = queue.pop(0)
                if (problem := _loaded(task)) is not None:
                    yield task, problem
                    continue
                future, flight = self._submit(task, deadline)
                flying[future] = flight
            if not flying:
                continue
            done = [future for future in flying if future.done()]
            if not done:
                time.sleep(0.05)  # done() is local: polling costs no round trip
            for future in done:
                task, _ = flying.pop(future)
                if future.status == "finished":
                    outcome = future.result()
                elif future.status == "cancelled":
                    raise ClusterError(self._lost())
                else:
                    outcome = future.exception()
                    if isinstance(outcome, KilledWorker):
                        outcome = NotGraded(f"{LOST} (each time it was sent)")
                    elif not isinstance(outcome, NotGraded):
                        outcome = NotGraded(jobs.error_text("grader error", outcome))
                    elif task.attempts < 2:  # this worker failed: once more, elsewhere
                        future, flight = self._submit(task, deadline, outcome.worker)
                        flying[future] = flight
                        continue
                task.job = None
                yield task, outcome
            for future, (task, limit) in list(flying.items()):
                if time.monotonic() > limit:
                    holder = self._holder(future.key)
                    future.cancel()
                    del flying[future]
                    if task.attempts < 2:
                        future, flight = self._submit(task, deadline, holder)
                        flying[future] = flight
                    else:
                        task.job = None
                        yield task, NotGraded("it missed its deadline twice")

    def _check_connected(self):
        if self.client.status != "running":  # "connecting": its futures are lost already
            raise ClusterError(self._lost())

    def _lost(self):
        return (f"lost the Dask scheduler ({self.spec}): what was graded so far is saved;"
                " run the same command again to grade the rest")
