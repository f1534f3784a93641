"""Run untrusted code in a sandbox with limits.

Student kernels and the judge each run under bubblewrap where it is installed: no network,
the system and the course's Python environment read-only, only the submission's own work
folder writable, and nothing else of the machine visible (no gradebook, no ``solutions/``,
no other submission). Under root the process also drops to the ``nobody`` user, which makes
the process-count limit bite. Limits on CPU time, file size and processes are set with
``prlimit``; memory is watched from outside by :class:`MemoryWatch`. Without bubblewrap the
limits still apply and :func:`warn_once` says so.
"""

import os
import shutil
import sys
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
NOBODY = 65534

# What a sandboxed process may see besides its work folder: the system, the interpreter
# the virtual environment was made from, the environment itself and the course library.
_SYSTEM = ["/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/opt"]

# The only variables a sandboxed process inherits (nothing that says "grading").
_KEPT_ENV = ["PATH", "LANG", "LC_ALL", "TF_CPP_MIN_LOG_LEVEL",
             "KERAS_BACKEND", "PYTHONHASHSEED"]


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed process (and its children)."""

    memory_mb: int = 4096  # resident memory of the whole process tree
    cpu_seconds: int = 1800  # CPU time of each process
    file_mb: int = 256  # largest file it may write
    processes: int = 256  # processes and threads it may add
    cell_seconds: int = 300  # wall clock per cell (nbgrader's Execute.timeout)
    notebook_seconds: int = 900  # wall clock for the whole submission
    output_kb: int = 256  # output kept per cell; the rest is cut


def bubblewrap():
    """Path of ``bwrap``, or None where bubblewrap is not installed."""
    return shutil.which("bwrap")


_warned = threading.Lock()


def warn_once():
    """Say once per process that grading runs without a sandbox."""
    if _warned.acquire(blocking=False):
        warnings.warn(
            "bubblewrap (bwrap) is not installed: student code runs with limits but without a"
            " sandbox, and can read any file this user can (install the Debian package"
            " 'bubblewrap')",
            RuntimeWarning,
            stacklevel=2,
        )


def _base_python():
    return Path(os.path.realpath(sys.executable)).parents[1]


def wrap(command, work, limits, env, writable=True, extra_ro=()):
    """The command line that runs ``command`` sandboxed in ``work``.

    ``env`` are the only environment variables it gets; ``writable`` says whether ``work``
    is writable; ``extra_ro`` are more paths it may read.
    """
    as_root = os.getuid() == 0
    nproc = limits.processes if as_root else limits.processes + _own_processes()
    inner = [
        "prlimit", f"--cpu={limits.cpu_seconds}", f"--fsize={limits.file_mb * 2**20}",
        f"--nproc={nproc}", "--core=0", "--", *command,
    ]
    if as_root:  # run as nobody, so that the process limit counts only this sandbox
        inner = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                 "--inh-caps=-all", "--bounding-set=-all", *inner]
    bwrap = bubblewrap()
    if not bwrap:
        warn_once()
        return ["env", "-i", *[f"{k}={v}" for k, v in env.items()], *inner]
    # Root needs no user namespace (it drops to nobody inside); others get one.
    namespaces = (["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                   "--unshare-cgroup-try"] if as_root else ["--unshare-all", "--cap-drop", "ALL"])
    # No --new-session: the kernel must stay in its launcher's process group so that a cell
    # can be interrupted; it has no terminal to abuse anyway (Jupyter starts it detached).
    sandbox = [bwrap, "--die-with-parent", *namespaces, "--clearenv", "--dev", "/dev",
               "--proc", "/proc", "--tmpfs", "/tmp"]
    for path in _SYSTEM:
        sandbox += ["--ro-bind-try", path, path]
    readable = [_base_python(), Path(sys.prefix), REPO / "dlcourse", *extra_ro]
    # bwrap makes missing parent folders private to root: make them traversable first.
    parents = {p for path in [*readable, Path(work)] for p in path.parents}
    for parent in sorted(parents - {Path("/")}):
        if str(parent) not in _SYSTEM:
            sandbox += ["--perms", "0755", "--dir", str(parent)]
    for path in readable:
        sandbox += ["--ro-bind", str(path), str(path)]
    sandbox += ["--bind" if writable else "--ro-bind", str(work), str(work), "--chdir", str(work)]
    for key, value in env.items():
        sandbox += ["--setenv", key, str(value)]
    return sandbox + inner


def sandbox_env(work, extra=None):
    """Environment of a sandboxed process: a few safe variables, its home in ``work``."""
    env = {k: os.environ[k] for k in _KEPT_ENV if k in os.environ}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"])
    env.update(HOME=str(work), MPLCONFIGDIR=f"{work}/.config/matplotlib",
               IPYTHONDIR=f"{work}/.ipython", PYTHONDONTWRITEBYTECODE="1")
    env.update(extra or {})
    return env


def prepare_work(work):
    """Make ``work`` and give it to the sandbox's user."""
    work.mkdir(parents=True, exist_ok=True)
    if os.getuid() == 0:
        for path in [work, *work.rglob("*")]:
            os.chown(path, NOBODY, NOBODY)
    return work


def _own_processes():
    uids = (p.info["uids"] for p in psutil.process_iter(["uids"]))
    return sum(1 for u in uids if u and u.real == os.getuid())


class MemoryWatch(threading.Thread):
    """Kill a process tree whose resident memory passes ``limit_mb``; remember that it did."""

    def __init__(self, pid, limit_mb, interval=0.25):
        super().__init__(daemon=True)
        self.pid, self.limit, self.interval = pid, limit_mb * 2**20, interval
        self.exceeded = False
        self._stop = threading.Event()

    def run(self):
        while not self._stop.wait(self.interval):
            try:
                root = psutil.Process(self.pid)
                tree = [root, *root.children(recursive=True)]
                used = sum(_rss(p) for p in tree)
            except psutil.NoSuchProcess:
                return
            if used > self.limit:
                self.exceeded = True
                kill_tree(self.pid)
                return

    def stop(self):
        self._stop.set()


def _rss(process):
    try:
        return process.memory_info().rss
    except psutil.Error:
        return 0


def kill_tree(pid):
    """Kill a process and all its descendants."""
    try:
        root = psutil.Process(pid)
        tree = [*root.children(recursive=True), root]
    except psutil.NoSuchProcess:
        return
    for process in tree:
        try:
            process.kill()
        except psutil.Error:
            pass
