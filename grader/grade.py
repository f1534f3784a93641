"""Grade one submitted notebook: run the student's answers sandboxed, judge the tests apart.

The student's code runs in its own Jupyter kernel inside a :class:`grader.sandbox.Sandbox`,
one cell at a time, with a time limit per cell and for the whole notebook, a memory limit
and a cap on the output kept. The test cells never run there: the judge
(:mod:`grader.judge`, another sandbox) runs them on data fetched from the kernel. The
grading process reads nothing the kernel wrote but its answers in the exchange folder
(:class:`Exchange`), and never parses them: the judge does. Whatever happens (a kernel that
dies, hangs or floods its output) the result says which parts ran and scored, and why the
rest did not.
"""

import base64
import contextlib
import json
import os
import queue
import resource
import signal
import subprocess
import sys
import threading
import time
import uuid

import nbformat
import psutil
import zmq
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from grader import files, sandbox
from grader.splice import steps

CODEC = (sandbox.REPO / "grader" / "codec.py").read_text()
# A larger message from the kernel drops its connection; at most this many wait unread
# per channel (nbclient never reads the stdin channel): the kernel's backlog stays with it.
MAX_MESSAGE = 24 * 2**20
MAX_QUEUED = 4
MAX_JUDGE_LINE = 64 * 2**20


class NotStarted(Exception):
    """The kernel or the judge did not start: a failure of the grading machine, never the
    student's (who must not get a zero for it)."""


class JudgeCrashed(Exception):
    """The judge died of a crash signal that no limit of its sandbox explains: a fault in
    the grading machine's software (TensorFlow's oneDNN has segfaulted in a judge), never
    the student's, who must not lose the points of the parts it did not reach."""


# What a process dies of when its native code fails; SIGKILL is left out (a limit sends it).
CRASH_SIGNALS = {signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGABRT}


class Phases:
    """Wall-clock and CPU seconds of each phase of one grading: a small plain dict for the
    record, so that a benchmark can say where the time goes.

    Each :meth:`lap` charges what was spent since the last one to a phase. CPU counts this
    process (exact when it grades one submission at a time), its finished children and the
    live trees ``roots()`` names (the kernel's, the judge's); a tree's last figure stays
    counted once it is killed (killed processes are never reaped into this process's
    children)."""

    def __init__(self, roots):
        self.roots, self.seconds, self._trees, self._listed = roots, {}, {}, {}
        self._wall, self._cpu = time.monotonic(), self.cpu()

    def cpu(self):
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        for pid in self.roots():
            self._trees[pid] = max(self._trees.get(pid, 0.0), _cpu(self._tree(pid)))
        return (time.process_time() + children.ru_utime + children.ru_stime
                + sum(self._trees.values()))

    def _tree(self, pid):
        """The processes of ``pid``'s tree, listed again at most once a second (listing
        walks every process of the machine): a process started meanwhile counts once
        listed, or once its parent reaps it."""
        listed, tree = self._listed.get(pid, (0.0, []))
        if time.monotonic() - listed > 1:
            tree = _tree(pid)
            self._listed[pid] = time.monotonic(), tree
        return tree

    def lap(self, name):
        """Charge the time since the last lap to phase ``name``."""
        wall, cpu = time.monotonic(), self.cpu()
        self.add(name, wall - self._wall, cpu - self._cpu)
        self._wall, self._cpu = wall, cpu

    def add(self, name, wall, cpu):
        total = self.seconds.setdefault(name, {"wall": 0.0, "cpu": 0.0})
        total["wall"] += wall
        total["cpu"] += cpu

    def record(self):
        return {name: {key: round(value, 3) for key, value in total.items()}
                for name, total in self.seconds.items()}


def _tree(pid):
    """A live process and its descendants, or nothing."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _cpu(processes):
    """CPU seconds of ``processes`` and of the children they reaped."""
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel started inside the sandbox, talking over Unix sockets in its work folder.

    Asynchronous, as nbclient expects: with a blocking client, nbclient waits for output
    without ever checking the cell's time limit, and a looping cell hangs grading."""

    def __init__(self, box, **kwargs):
        super().__init__(kernel_name="python3", transport="ipc",
                         ip=str(box.work / ".kernel" / "socket"), **kwargs)
        self.box = box
        self.connection_file = str(box.work / ".kernel" / "connection.json")
        _cap_messages(self.context)

    def client(self, **kwargs):
        kc = super().client(**kwargs)  # with a context of its own: capped too
        _cap_messages(kc.context)
        return kc

    # jupyter_client deletes the connection file and sockets by path, as root, in a folder
    # the kernel owns (it may have swapped it for a link): the whole work folder is removed
    # without following links instead (Run.close).
    def cleanup_connection_file(self):
        pass

    def cleanup_ipc_files(self):
        pass

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        command[0] = sys.executable  # the course's Python, whatever the kernelspec says
        if self.box.as_root:  # the kernel runs as its own user and must read this file
            fd = os.open(self.connection_file, os.O_RDONLY | os.O_NOFOLLOW)
            try:
                os.fchown(fd, self.box.uid, self.box.uid)
            finally:
                os.close(fd)
        # An interrupt is SIGINT to the whole process group: bwrap must ignore it (it would
        # die, and the sandbox with it); the kernel catches SIGINT while it runs a cell.
        return ["sh", "-c", 'trap "" INT; exec "$@"', "sh",
                *self.box.command(command, sandbox.sandbox_env(self.box.work))]


def _cap_messages(context):
    context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)
    context.setsockopt(zmq.RCVHWM, MAX_QUEUED)


class CappedClient(NotebookClient):
    """nbclient with a cap on the bytes of output kept per cell (a flood is cut, not kept).

    A cell out of time is interrupted (a KeyboardInterrupt, and grading goes on); one that
    runs out of time again, ignoring the interrupt, stops grading (``CellTimeoutError``)."""

    def __init__(self, nb, km, output_bytes, **kwargs):
        super().__init__(nb, km=km, **kwargs)
        self.output_bytes, self._sizes = output_bytes, {}
        self.timed_out, self._interrupted = False, None
        self.store_widget_state = False
        self.shutdown_kernel = "immediate"  # killed anyway: waiting for it to exit costs ~1 s

    def handle_comm_msg(self, outs, msg, cell_index):
        """Widget (comm) messages are dropped: grading needs none, and they are not capped."""

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timed_out = True
        if cell is not None and cell is self._interrupted:
            raise CellTimeoutError.error_from_timeout_and_cell(
                "Cell execution timed out", timeout, cell)
        self._interrupted = cell
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):
        size = self._sizes.get(cell_index, 0) + len(json.dumps(msg["content"]))
        self._sizes[cell_index] = size
        if size <= self.output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if not any(o.get("name") == "truncated" for o in outs):
            note = f"[output cut: more than {self.output_bytes // 1024} kB]\n"
            outs.append(nbformat.v4.new_output("stream", name="truncated", text=note))
        return None


class JudgeProcess:
    """The sandboxed judge, and the kernel requests it makes while judging. The held-out
    secret reaches it as the first line of its input: never in a command line or an
    environment."""

    def __init__(self, box, log, secret):
        env = sandbox.sandbox_env(box.work, {"MPLBACKEND": "Agg"})
        command = box.command([sys.executable, "-m", "grader.judge"], env,
                              extra_ro=[sandbox.REPO / "grader"])
        self.box, self.log = box, log
        self.started = self.answered = time.monotonic()
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=log, text=True, start_new_session=True)
        box.start_watch(self.process.pid)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.send({"op": "secret", "value": secret})

    def _read(self):
        while line := self.process.stdout.readline(MAX_JUDGE_LINE):
            self.answered = time.monotonic()
            self.lines.put(line)
        self.lines.put(None)

    def send(self, message):
        try:
            self.process.stdin.write(json.dumps(message) + "\n")
            self.process.stdin.flush()
        except OSError:  # it died: the next receive says so
            pass

    def receive(self, deadline):
        try:
            line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            raise TimeoutError("the judge took too long") from None
        if line is None:  # its stdout closed: it is ending, and its exit status says how
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
            raise RuntimeError("the judge stopped")
        try:
            message = json.loads(line)
        except ValueError:
            raise RuntimeError("the judge's answer was cut (too large)") from None
        if not isinstance(message, dict):
            raise RuntimeError("the judge's answer is not a message")
        return message

    def crash(self):
        """The crash signal the judge died of, or None (bwrap exits with 128 + its number)."""
        if (code := self.process.poll()) is None:
            return None
        number = -code if code < 0 else code - 128
        return signal.Signals(number) if number in CRASH_SIGNALS else None

    def close(self):
        sandbox.kill_tree(self.process.pid)
        self.process.wait()


class Exchange:
    """The folder where the kernel leaves its answers, read without trusting it.

    Made by the grader (the kernel may add files, not list, rename or delete the grader's)
    and opened once: every later access is relative to that open folder, so a folder the
    kernel swaps for a link changes nothing. A file is read only if it is a regular file
    with one link, written by the kernel's own user, no larger than the cap; it is never
    parsed here (the judge does that, sandboxed)."""

    def __init__(self, path, owner, limit):
        path.mkdir()
        os.chmod(path, 0o1733)
        self.fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        self.path, self.owner, self.limit = path, owner, limit

    @staticmethod
    def new_name(suffix):
        return f"{uuid.uuid4().hex}-{suffix}.json"

    def write(self, name, text):
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644,
                     dir_fd=self.fd)
        with os.fdopen(fd, "w") as file:
            file.write(text)

    def read(self, name):
        """The bytes of the kernel's answer ``name`` (then deleted); RuntimeError if there
        is none a grader may read."""
        try:
            fd, info = files.open_regular(self.fd, name, self.owner, cap=None)
        except files.Refused as refused:
            self.remove(name)
            if isinstance(refused.__cause__, FileNotFoundError):
                raise RuntimeError("the kernel did not answer the grader (was the cell"
                                   " blanked?)") from None
            raise RuntimeError("the kernel's answer is not a plain file it wrote") from None
        try:
            if info.st_size <= self.limit:
                return files.read_capped(fd, self.limit)
        except files.Refused:
            pass  # it grew past the cap while being read
        finally:
            os.close(fd)
            self.remove(name)
        raise RuntimeError("the kernel's answer is too large")

    def remove(self, name):
        try:
            os.unlink(name, dir_fd=self.fd)
        except OSError:
            pass

    def close(self):
        os.close(self.fd)


class Run:
    """One submission's grading: the kernel, the judge, their sandboxes and the deadlines."""

    def __init__(self, nb, work, limits, secret, private=()):
        self.nb, self.work, self.limits = nb, work, limits
        self.secret, self.private = secret, private
        self.box = self.judge_box = self.exchange = self.judge = self.km = None
        self.client = self.kernel_log = self.judge_log = None
        self.judge_ready = False
        self.phases = Phases(self._roots)

    def start(self):
        (self.work / ".kernel").mkdir()
        self.box = sandbox.Sandbox(self.work, self.limits, private=self.private)
        self.box.prepare()
        self.exchange = Exchange(self.work / ".exchange", self.box.uid,
                                 self.limits.answer_mb * 2**20)
        # The judge gets a folder of its own: nothing the student writes is on its import
        # path; and a user of its own: the kernel cannot signal or read it.
        self.judge_box = sandbox.Sandbox(self.work.parent / "judge", self.limits,
                                         private=self.private)
        self.judge_box.prepare()
        # Logs sit beside the work folders, where no sandbox can write or read them.
        self.kernel_log = open(self.work.parent / "kernel.log", "w")
        self.judge_log = open(self.work.parent / "judge.log", "w")
        self.phases.lap("sandbox")
        self.deadline = time.monotonic() + self.limits.notebook_seconds
        self.km = SandboxedKernelManager(self.box)
        self.client = CappedClient(self.nb, self.km, self.limits.output_kb * 1024,
                                   timeout=self.limits.cell_seconds, allow_errors=True,
                                   interrupt_on_timeout=True, record_timing=False)
        self.judge = JudgeProcess(self.judge_box, self.judge_log, self.secret)
        self.judge_deadline = time.monotonic() + 300
        self.client.start_new_kernel(stdout=self.kernel_log, stderr=self.kernel_log)
        self.client.start_new_kernel_client()
        self.box.start_watch(self.km.provisioner.process.pid)
        self.phases.lap("kernel start")

    def wait_judge(self):
        """Wait, once, for the judge to be ready: the kernel runs the instructor's first
        cells (the setup, its imports) while the judge imports its own. The judge has seen
        nothing of the student's when it fails to start: the machine failed (NotStarted)."""
        if self.judge_ready:
            return
        try:
            message = self.judge.receive(self.judge_deadline)
        except (TimeoutError, RuntimeError) as error:
            raise NotStarted(f"the judge did not start: {error}") from None
        if message.get("op") != "ready":
            raise NotStarted("the judge did not start")
        self.phases.lap("judge wait")
        # Its Python and imports, while the kernel started and ran the first cells.
        self.phases.add("judge start", self.judge.answered - self.judge.started,
                        _cpu(_tree(self.judge.process.pid)))
        self.judge_ready = True

    def _roots(self):
        """The kernel's and the judge's processes, while they run."""
        kernel = self.km and self.km.provisioner and self.km.provisioner.process
        return [p.pid for p in (kernel, self.judge and self.judge.process)
                if p and p.poll() is None]

    def stop_reason(self):
        """Which limit stopped the kernel or the judge, if one did."""
        boxes = [b for b in (self.box, self.judge_box) if b]
        return next((reason for b in boxes if (reason := b.stop_reason())), None)

    def remaining(self):
        return self.deadline - time.monotonic()

    def execute(self, index):
        """Run cell ``index`` of the graded notebook in the kernel (limited by the deadlines)."""
        if self.remaining() <= 0:
            raise CellTimeoutError("the notebook's time limit was reached")
        self.client.timeout = int(max(1, min(self.limits.cell_seconds, self.remaining())))
        try:
            self.client.execute_cell(self.nb.cells[index], index)
        finally:
            self.phases.lap("cells")

    def kernel_code(self, code):
        """Run grader code in the kernel (an exchange with the judge), as a hidden cell."""
        self.nb.cells.append(nbformat.v4.new_code_cell(code))
        self.client.timeout = int(max(1, min(self.limits.cell_seconds, self.remaining())))
        try:
            self.client.execute_cell(self.nb.cells[-1], len(self.nb.cells) - 1)
        finally:
            self.nb.cells.pop()

    def codec_call(self, expression):
        """Run ``expression`` in the kernel with :mod:`grader.codec`'s functions, kept out of
        the student's namespace."""
        self.kernel_code(f"(lambda g: (exec({CODEC!r}, g), eval({expression!r}, g,"
                         f" {{'user_ns': get_ipython().user_ns}})))({{}});")

    def _answer(self, name):
        """``{"raw64": base64 of its bytes}`` of the kernel's answer ``name`` (never decoded
        here: base64 keeps any bytes at 4/3 of their size), or ``{"error": why}``."""
        try:
            return {"raw64": base64.b64encode(self.exchange.read(name)).decode("ascii")}
        except RuntimeError as error:
            return {"error": str(error)}

    def fetch(self, names):
        answer = self.exchange.new_name("values")
        self.codec_call(f"export({names!r}, user_ns, {str(self.exchange.path / answer)!r})")
        return self._answer(answer)

    def call(self, name, args, kwargs):
        request, answer = self.exchange.new_name("in"), self.exchange.new_name("out")
        self.exchange.write(request, json.dumps({"args": args, "kwargs": kwargs}))
        try:
            self.codec_call(f"call_and_write(user_ns[{name!r}],"
                            f" {str(self.exchange.path / request)!r},"
                            f" {str(self.exchange.path / answer)!r})")
        finally:
            self.exchange.remove(request)
        return self._answer(answer)

    def ask_judge(self, message, seconds):
        """Send the judge a cell; answer its fetches and calls until it replies."""
        self.wait_judge()
        self.judge.send(message)
        deadline = time.monotonic() + seconds
        while True:
            try:
                reply = self.judge.receive(deadline)
            finally:
                self.phases.lap("judge")
            try:
                if reply.get("op") == "fetch" and _strings(reply.get("names")):
                    answer = {"op": "values", **self.fetch(reply["names"])}
                elif reply.get("op") == "call" and _strings([reply.get("name")]):
                    answer = {"op": "returned", **self.call(reply["name"], reply.get("args"),
                                                            reply.get("kwargs"))}
                else:
                    return reply
            finally:
                self.phases.lap("fetch")
            self.judge.send(answer)

    def close(self):
        """Stop everything, whatever state :meth:`start` reached."""
        if self.judge:
            self.judge.close()
        if self.client:
            try:
                self.client._cleanup_kernel()
            except Exception:  # the kernel may be dead already
                pass
        if self.km and self.km.provisioner and self.km.provisioner.process:
            sandbox.kill_tree(self.km.provisioner.process.pid)
        for held in (self.box, self.judge_box, self.exchange, self.kernel_log,
                     self.judge_log):
            if held:
                held.close()
        # What the sandboxes wrote goes now, whatever its shape (deep, huge, odd modes).
        sandbox.remove_tree(self.work)
        sandbox.remove_tree(self.work.parent / "judge")
        self.phases.lap("close")


def _strings(values):
    return isinstance(values, list) and all(isinstance(v, str) and v.isidentifier()
                                            for v in values)


def _part(reply, points, limit):
    """A test's result from the judge's reply, with sound types whatever the reply holds."""
    try:
        got = float(reply.get("points", 0.0))
    except (TypeError, ValueError):
        got = 0.0
    part = {"points": min(got, points) if got >= 0 else 0.0,  # NaN scores 0 too
            "max": points,
            "message": str(reply.get("message", ""))[:limit],
            "output": str(reply.get("output", ""))[:limit]}
    if "visible" in reply:
        part["visible"] = reply["visible"] is True
    return part


def cap_outputs(nb, limit):
    """Cut each cell's outputs to ``limit`` bytes once more: display updates replace
    outputs in place, past :class:`CappedClient`'s cap."""
    for cell in nb.cells:
        kept, size = [], 0
        for output in cell.get("outputs", []):
            size += len(json.dumps(output))
            if size > limit:
                note = f"[output cut: more than {limit // 1024} kB]\n"
                cell.outputs = [*kept, nbformat.v4.new_output("stream", name="truncated",
                                                              text=note)]
                break
            kept.append(output)


def grade_notebook(source_nb, student_nb, work, limits, secret, private=()):
    """Grade one notebook; returns ``(parts, status, executed notebook)``.

    ``private`` are folders of the grading machine no sandbox may see (the course folder,
    the gradebook's), besides the ones :class:`grader.sandbox.Sandbox` always hides.

    ``parts`` maps each test's ``grade_id`` to ``{"points", "max", "message", "output"}``;
    ``status`` is ``"graded"`` or why grading stopped early (the parts not reached score 0).
    Where the time went (:class:`Phases`) is in the notebook's ``metadata["grading_phases"]``:
    ``{phase: {"wall": seconds, "cpu": seconds}}``.
    """
    plan = steps(source_nb, student_nb)
    graded = nbformat.v4.new_notebook(metadata=source_nb.metadata)
    graded.cells = [nbformat.v4.new_code_cell(s.source, metadata={"grading": s.kind,
                                                                   "grade_id": s.grade_id})
                    for s in plan]
    parts = {s.grade_id: {"points": 0.0, "max": s.points, "message": "not reached", "output": ""}
             for s in plan if s.kind == "test"}
    run = Run(graded, work, limits, secret, private)
    status = "graded"
    try:
        run.start()
    except Exception as error:  # before any of the student's code: the machine failed
        run.close()
        raise NotStarted(f"the sandbox did not start: {type(error).__name__}: {error}"[:300]) \
            from None
    try:
        for index, step in enumerate(plan):
            if step.kind != "instructor":  # the judge is up before any student code runs
                run.wait_judge()
            if step.kind in ("student", "instructor"):
                run.execute(index)
            if step.kind == "instructor":
                run.ask_judge({"op": "run", "source": step.source}, limits.cell_seconds)
            elif step.kind == "test":
                reply = run.ask_judge({"op": "test", "source": step.source,
                                       "points": step.points}, limits.cell_seconds)
                parts[step.grade_id] = _part(reply, step.points, limits.output_kb * 1024)
    except CellTimeoutError:
        status = "timed out"
    except DeadKernelError:
        status = run.stop_reason() or "kernel died"
    except (TimeoutError, RuntimeError) as error:
        status = run.stop_reason()
        if not status and run.judge and (crash := run.judge.crash()):
            raise JudgeCrashed(f"the judge crashed ({crash.name})") from None
        status = status or f"stopped: {error}"
    finally:
        run.close()
    # A cell was interrupted and grading went on.
    if status == "graded" and run.client and run.client.timed_out:
        status = "timed out"
    cap_outputs(graded, limits.output_kb * 1024)
    if status != "graded":
        for part in parts.values():
            if part["message"] == "not reached":
                part["message"] = f"not reached: {status}"
    graded.metadata["grading_phases"] = run.phases.record()
    return parts, status, graded
