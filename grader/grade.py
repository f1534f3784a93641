"""Grade one submitted notebook: run the student's answers sandboxed, judge the tests apart.

The student's code runs in its own Jupyter kernel inside the sandbox of
:mod:`grader.sandbox`, one cell at a time, with a time limit per cell and for the whole
notebook, a memory limit and a cap on the output kept. The test cells never run there: the
judge (:mod:`grader.judge`, another sandboxed process) runs them on data fetched from the
kernel. Whatever happens (a kernel that dies, hangs or floods its output) the result says
which parts ran and scored, and why the rest did not.
"""

import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from grader import sandbox
from grader.splice import steps

CODEC = Path(__file__).with_name("codec.py").read_text()


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel started inside the sandbox, talking over Unix sockets in its work folder.

    Asynchronous, as nbclient expects: with a blocking client, nbclient waits for output
    without ever checking the cell's time limit, and a looping cell hangs grading."""

    def __init__(self, work, limits, **kwargs):
        super().__init__(kernel_name="python3", transport="ipc",
                         ip=str(work / ".kernel" / "socket"), **kwargs)
        self.work, self.limits = work, limits
        self.connection_file = str(work / ".kernel" / "connection.json")

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        command[0] = sys.executable  # the course's Python, whatever the kernelspec says
        if os.getuid() == 0:  # the kernel runs as nobody and must read its connection file
            os.chown(self.connection_file, sandbox.NOBODY, sandbox.NOBODY)
        # An interrupt is SIGINT to the whole process group: bwrap must ignore it (it would
        # die, and the sandbox with it); the kernel catches SIGINT while it runs a cell.
        return ["sh", "-c", 'trap "" INT; exec "$@"', "sh",
                *sandbox.wrap(command, self.work, self.limits, sandbox.sandbox_env(self.work))]


class CappedClient(NotebookClient):
    """nbclient with a cap on the bytes of output kept per cell (a flood is cut, not kept).

    A cell out of time is interrupted (a KeyboardInterrupt, and grading goes on); one that
    runs out of time again, ignoring the interrupt, stops grading (``CellTimeoutError``)."""

    def __init__(self, nb, km, output_bytes, **kwargs):
        super().__init__(nb, km=km, **kwargs)
        self.output_bytes, self._sizes = output_bytes, {}
        self.timed_out, self._interrupted = False, None

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
    """The sandboxed judge, and the kernel requests it makes while judging."""

    def __init__(self, work, limits, secret):
        env = sandbox.sandbox_env(work, {"GRADER_HELDOUT_SECRET": secret, "MPLBACKEND": "Agg"})
        command = sandbox.wrap([sys.executable, "-m", "grader.judge"], work, limits, env,
                               writable=True, extra_ro=[sandbox.REPO / "grader"])
        self.log = open(work / "judge.log", "w")
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.log, text=True, start_new_session=True)
        self.watch = sandbox.MemoryWatch(self.process.pid, limits.memory_mb)
        self.watch.start()
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def send(self, message):
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def receive(self, deadline):
        try:
            line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            raise TimeoutError("the judge took too long") from None
        if line is None:
            raise RuntimeError("the judge stopped")
        return json.loads(line)

    def close(self):
        self.watch.stop()
        sandbox.kill_tree(self.process.pid)
        self.process.wait()
        self.log.close()


class Run:
    """One submission's grading: the kernel, the judge and the deadlines."""

    def __init__(self, nb, work, limits, secret):
        self.nb, self.work, self.limits = nb, work, limits
        self.exchange = work / ".exchange"
        self.exchange.mkdir(parents=True)
        (work / ".kernel").mkdir()
        sandbox.prepare_work(work)
        self.deadline = time.monotonic() + limits.notebook_seconds
        self.km = SandboxedKernelManager(work, limits)
        self.client = CappedClient(nb, self.km, limits.output_kb * 1024,
                                   timeout=limits.cell_seconds, allow_errors=True,
                                   interrupt_on_timeout=True, record_timing=False)
        # The judge gets a folder of its own: nothing the student writes is on its import path.
        self.judge = JudgeProcess(sandbox.prepare_work(work.parent / "judge"), limits, secret)
        self.watch = self.kernel_log = None

    def start(self):
        self.kernel_log = open(self.work / "kernel.log", "w")
        self.client.start_new_kernel(stdout=self.kernel_log, stderr=self.kernel_log)
        self.client.start_new_kernel_client()
        self.watch = sandbox.MemoryWatch(self.km.provisioner.process.pid, self.limits.memory_mb)
        self.watch.start()
        message = self.judge.receive(time.monotonic() + 300)
        assert message["op"] == "ready", message

    def remaining(self):
        return self.deadline - time.monotonic()

    def execute(self, index):
        """Run cell ``index`` of the graded notebook in the kernel (limited by the deadlines)."""
        if self.remaining() <= 0:
            raise CellTimeoutError("the notebook's time limit was reached")
        self.client.timeout = int(max(1, min(self.limits.cell_seconds, self.remaining())))
        self.client.execute_cell(self.nb.cells[index], index)

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

    def fetch(self, names):
        path = self.exchange / f"{uuid.uuid4().hex}.json"
        try:
            self.codec_call(f"export({names!r}, user_ns, {str(path)!r})")
            values = _read_json(path)
            if not isinstance(values, dict):
                raise ValueError("the kernel's answer is not a set of values")
            return values
        except (RuntimeError, ValueError) as error:
            return {name: {"t": "error", "message": str(error)} for name in names}

    def call(self, name, args, kwargs):
        stem = self.exchange / uuid.uuid4().hex
        request, answer = Path(f"{stem}-in.json"), Path(f"{stem}-out.json")
        request.write_text(json.dumps({"args": args, "kwargs": kwargs}))
        if os.getuid() == 0:
            os.chown(request, sandbox.NOBODY, sandbox.NOBODY)
        try:
            self.codec_call(f"call_and_write(user_ns[{name!r}], {str(request)!r}, {str(answer)!r})")
            result = _read_json(answer)
        except (RuntimeError, ValueError) as error:
            return {"error": str(error)}
        if isinstance(result, dict) and "ok" in result:
            return {"value": result["ok"]}
        if isinstance(result, dict) and isinstance(result.get("error"), str):
            return {"error": result["error"]}
        return {"error": "the kernel's answer is not a result"}  # forged or broken

    def ask_judge(self, message, seconds):
        """Send the judge a cell; answer its fetches and calls until it replies."""
        self.judge.send(message)
        deadline = time.monotonic() + seconds
        while True:
            reply = self.judge.receive(deadline)
            if reply["op"] == "fetch":
                self.judge.send({"op": "values", "values": self.fetch(reply["names"])})
            elif reply["op"] == "call":
                self.judge.send({"op": "returned",
                                 **self.call(reply["name"], reply["args"], reply["kwargs"])})
            else:
                return reply

    def close(self):
        if self.watch:
            self.watch.stop()
        self.judge.close()
        try:
            self.client._cleanup_kernel()
        except Exception:  # the kernel may be dead already
            pass
        if self.km.provisioner and self.km.provisioner.process:
            sandbox.kill_tree(self.km.provisioner.process.pid)
        if self.kernel_log:
            self.kernel_log.close()


def _read_json(path, limit=256 * 2**20):
    if not path.exists():
        raise RuntimeError("the kernel did not answer the grader (was the cell blanked?)")
    if path.stat().st_size > limit:
        raise RuntimeError("the kernel's answer is too large")
    return json.loads(path.read_text())


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


def grade_notebook(source_nb, student_nb, work, limits, secret):
    """Grade one notebook; returns ``(parts, status, executed notebook)``.

    ``parts`` maps each test's ``grade_id`` to ``{"points", "max", "message", "output"}``;
    ``status`` is ``"graded"`` or why grading stopped early (the parts not reached score 0).
    """
    plan = steps(source_nb, student_nb)
    graded = nbformat.v4.new_notebook(metadata=source_nb.metadata)
    graded.cells = [nbformat.v4.new_code_cell(s.source, metadata={"grading": s.kind,
                                                                   "grade_id": s.grade_id})
                    for s in plan]
    parts = {s.grade_id: {"points": 0.0, "max": s.points, "message": "not reached", "output": ""}
             for s in plan if s.kind == "test"}
    run = Run(graded, work, limits, secret)
    status = "graded"
    try:
        run.start()
        for index, step in enumerate(plan):
            if step.kind in ("student", "instructor"):
                run.execute(index)
            if step.kind == "instructor":
                run.ask_judge({"op": "run", "source": step.source}, limits.cell_seconds)
            elif step.kind == "test":
                parts[step.grade_id] = {"max": step.points, **run.ask_judge(
                    {"op": "test", "source": step.source, "points": step.points},
                    limits.cell_seconds)}
                parts[step.grade_id].pop("op")
    except CellTimeoutError:
        status = "timed out"
    except DeadKernelError:
        status = "memory limit" if run.watch and run.watch.exceeded else "kernel died"
    except (TimeoutError, RuntimeError) as error:
        status = "memory limit" if run.watch and run.watch.exceeded else f"stopped: {error}"
    finally:
        run.close()
    if status == "graded" and run.client.timed_out:  # a cell was interrupted, grading went on
        status = "timed out"
    cap_outputs(graded, limits.output_kb * 1024)
    if status != "graded":
        for part in parts.values():
            if part["message"] == "not reached":
                part["message"] = f"not reached: {status}"
    return parts, status, graded
