"""Run untrusted code in a sandbox with limits, one sandbox per process tree.

Student kernels and the judge each run in a :class:`Sandbox`. Under bubblewrap: no network,
the system and the course's Python environment read-only, only the sandbox's own work
folder writable, a small private ``/tmp`` and ``/dev/shm``, and nothing else of the machine
visible: the course folder, the gradebook, the secret and the other submissions are hidden
even where they sit under a system folder (``/opt``, ``/etc`` ...). Under root each sandbox
also runs as a user id of its own (so one submission's processes never use another's
process slots, nor signal or read them) and, where the machine has cgroups, in a cgroup of
its own (:mod:`grader.cgroups`: memory as the kernel counts it, processes, CPU share).
``prlimit`` caps CPU time, file size and process count; :class:`Watch` caps the work
folder's size and, without cgroups, resident memory. Without bubblewrap the limits still
apply and :func:`warn_once` says that files are not hidden.
"""

import fcntl
import os
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import psutil

from grader.cgroups import Cgroup

REPO = Path(__file__).resolve().parents[1]
# Sandbox user ids: a block no account uses, each claimed by a lock file while in use
# (released by the kernel even when the grader crashes), picked at random so that a user id,
# and what the kernel keeps per user (its keyring), is seldom met twice.
UID_BASE, UID_SPAN = 2**30, 2**24
UID_LOCKS = Path("/run/lock/grader-uids")

# What a sandboxed process may see besides its work folder: the system, the interpreter
# the virtual environment was made from, the environment itself and the course library.
_SYSTEM = ["/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/opt"]

# The only variables a sandboxed process inherits (nothing that says "grading").
_KEPT_ENV = ["PATH", "LANG", "LC_ALL", "TF_CPP_MIN_LOG_LEVEL",
             "KERAS_BACKEND", "PYTHONHASHSEED"]

# Joins the cgroups named before "--", then runs the rest (as root, before bubblewrap).
_JOIN = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed process (and its children)."""

    memory_mb: int = 4096  # memory of the whole process tree (shared memory included)
    cpu_seconds: int = 1800  # CPU time of each process
    file_mb: int = 256  # largest file it may write; also the size of its /tmp and /dev/shm
    processes: int = 256  # processes and threads it may add
    cell_seconds: int = 300  # wall clock per cell (nbgrader's Execute.timeout)
    notebook_seconds: int = 900  # wall clock for the whole submission
    output_kb: int = 256  # output kept per cell; the rest is cut
    answer_mb: int = 32  # largest answer (values, a call's result) a kernel may send
    disk_mb: int = 1024  # the work folder's size
    cpus: float = 0.0  # CPU cores per sandbox (0: an equal share of the machine)


def bubblewrap():
    """Path of ``bwrap``, or None where bubblewrap is not installed."""
    return shutil.which("bwrap")


_warned, _no_cgroups = threading.Lock(), threading.Lock()


def _warn_once(lock, message):
    if lock.acquire(blocking=False):
        warnings.warn(message, RuntimeWarning, stacklevel=3)


def warn_once():
    """Say once per process that grading runs without a sandbox."""
    _warn_once(_warned, "bubblewrap (bwrap) is not installed: student code runs with limits"
               " but without a sandbox, and can read any file this user can (install the"
               " Debian package 'bubblewrap')")


def _base_python():
    return Path(os.path.realpath(sys.executable)).parents[1]


def _under(path, folders):
    return any(Path(path) == Path(f) or Path(f) in Path(path).parents for f in folders)


class Sandbox:
    """The sandbox of one process tree: its user id, its cgroup, its command line, its
    watch and its cleanup. ``private`` are more folders it must never see."""

    def __init__(self, work, limits, private=()):
        self.work, self.limits = Path(work), limits
        self.as_root = os.getuid() == 0
        self.private = [REPO, Path(tempfile.gettempdir()), *map(Path, private)]
        self.cgroup = self.watch = self._lock = None
        self.uid = os.geteuid()
        if self.as_root:
            self.uid, self._lock = claim_uid()
            self.kill_user()  # whatever a crashed grader left running as this user
            self.cgroup = Cgroup.create(f"grader-{self.uid}", limits.memory_mb * 2**20,
                                        limits.processes, limits.cpus)
            if self.cgroup is None:
                _warn_once(_no_cgroups, "this machine gives the grader no cgroups: memory is"
                           " counted as resident memory only, and CPU is not shared fairly")

    def command(self, command, env, extra_ro=()):
        """The command line that runs ``command`` sandboxed in the work folder.

        ``env`` are the only environment variables it gets; ``extra_ro`` are more paths it
        may read."""
        limits = self.limits
        nproc = limits.processes if self.as_root else limits.processes + _own_processes()
        inner = ["prlimit", f"--cpu={limits.cpu_seconds}", f"--fsize={limits.file_mb * 2**20}",
                 f"--nproc={nproc}", "--core=0", "--", *command]
        if self.as_root:  # its own user: the process limit counts only this sandbox
            inner = ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups",
                     "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", *inner]
        bwrap = bubblewrap()
        if not bwrap:
            warn_once()
            return self._joined(["env", "-i", *[f"{k}={v}" for k, v in env.items()], *inner])
        # Root needs no user namespace (it drops to its own user inside); others get one.
        namespaces = (["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                       "--unshare-cgroup-try"] if self.as_root
                      else ["--unshare-all", "--cap-drop", "ALL"])
        size = str(limits.file_mb * 2**20)
        # No --new-session: the kernel must stay in its launcher's process group so that a
        # cell can be interrupted; it has no terminal to abuse anyway (Jupyter starts it
        # detached).
        sandbox = [bwrap, "--die-with-parent", *namespaces, "--clearenv", "--dev", "/dev",
                   "--proc", "/proc", "--perms", "1777", "--size", size, "--tmpfs", "/tmp",
                   "--perms", "1777", "--size", size, "--tmpfs", "/dev/shm"]
        for path in _SYSTEM:
            sandbox += ["--ro-bind-try", path, path]
        # Folders of the grader's machine seen through a system folder are emptied first.
        for path in self.private:
            if _under(path, _SYSTEM) and path.is_dir():
                sandbox += ["--tmpfs", str(path)]
        readable = [_base_python(), Path(sys.prefix), REPO / "dlcourse", *extra_ro]
        # bwrap makes missing parent folders private to root: make them traversable first.
        parents = {p for path in [*readable, self.work] for p in path.parents}
        for parent in sorted(parents - {Path("/")}):
            if str(parent) not in _SYSTEM:
                sandbox += ["--perms", "0755", "--dir", str(parent)]
        for path in readable:
            sandbox += ["--ro-bind", str(path), str(path)]
        sandbox += ["--bind", str(self.work), str(self.work),
                    "--chdir", str(self.work)]
        for key, value in env.items():
            sandbox += ["--setenv", key, str(value)]
        return self._joined(sandbox + inner)

    def _joined(self, command):
        if self.cgroup is None:
            return command
        return ["sh", "-c", _JOIN, "sh", *self.cgroup.procs_files(), "--", *command]

    def prepare(self):
        """Make the work folder and give it (and what was copied into it) to the sandbox's
        user. Runs before any student code, on files the grader made; links are not
        followed all the same."""
        self.work.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            os.chown(self.work, self.uid, self.uid, follow_symlinks=False)
            for folder, dirs, files in os.walk(self.work):
                for name in dirs + files:
                    os.chown(os.path.join(folder, name), self.uid, self.uid,
                             follow_symlinks=False)
        return self.work

    def start_watch(self, pid):
        self.watch = Watch(pid, self)
        self.watch.start()
        return self.watch

    def over_memory(self):
        """Whether the tree was killed for its memory (by the watch or by the kernel)."""
        return bool((self.watch and self.watch.reason == "memory limit")
                    or (self.cgroup and self.cgroup.oom_kills()))

    def stop_reason(self):
        """``"memory limit"`` or ``"disk limit"`` if a limit stopped the tree, else None."""
        if self.over_memory():
            return "memory limit"
        return self.watch.reason if self.watch else None

    def kill_user(self):
        """Kill every process of this sandbox's user (root only: others share theirs)."""
        if not self.as_root:
            return
        for _ in range(50):  # a fork bomb refills; the process limit bounds the rounds
            pids = [p.pid for p in psutil.process_iter(["uids"])
                    if p.info["uids"] and self.uid in (p.info["uids"].real,
                                                       p.info["uids"].effective)]
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, 9)
                except OSError:
                    pass

    def close(self):
        """Kill everything the sandbox started and delete what it wrote."""
        if self.watch:
            self.watch.stop()
        if self.cgroup:
            self.cgroup.remove()
        self.kill_user()
        if self.as_root and not bubblewrap():  # its files in the machine's shared folders
            for shared in ("/tmp", "/var/tmp", "/dev/shm"):
                for entry in _entries(shared):
                    if entry.stat(follow_symlinks=False).st_uid == self.uid:
                        remove_tree(entry.path)
        if self._lock is not None:
            _release(self.uid, self._lock)  # the user id is free again
            self._lock = None


def _lock_folder():
    """The folder of the user-id locks, refused if anyone but root could have made it."""
    UID_LOCKS.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(UID_LOCKS)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != 0 or info.st_mode & 0o077:
        raise RuntimeError(f"{UID_LOCKS} is not a folder private to root: refusing to grade")
    return UID_LOCKS


def _try_lock(uid):
    """A descriptor holding ``uid``'s lock, or None if a live sandbox holds it. The lock
    file is deleted on release, so a lock taken on a file deleted meanwhile is retried."""
    path = _lock_folder() / str(uid)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            if os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # released and deleted while we opened it: take the new file


def _release(uid, fd):
    os.unlink(_lock_folder() / str(uid))  # while still holding it (see _try_lock)
    os.close(fd)


def claim_uid():
    """``(uid, lock fd)``: a sandbox user id no other sandbox of this machine holds."""
    start = secrets.randbelow(UID_SPAN)
    for step in range(UID_SPAN):
        uid = UID_BASE + (start + step) % UID_SPAN
        fd = _try_lock(uid)
        if fd is not None:
            return uid, fd
    raise RuntimeError("every sandbox user id is in use")


def preflight():
    """Make and remove one sandbox's user id and cgroup: a grader that cannot (a lock
    folder someone else made, cgroups it cannot write) stops before grading anyone."""
    if os.getuid() == 0:
        Sandbox(Path(tempfile.gettempdir()) / "grader-preflight", Limits()).close()


def sweep():
    """Remove the cgroups of sandboxes whose grader died (their user id is not locked)."""
    if os.getuid() != 0:
        return
    for group in Cgroup.stale():
        uid = int(group.name.split("-")[1])
        fd = _try_lock(uid)
        if fd is not None:  # no live sandbox holds it
            group.remove()
            _release(uid, fd)


def _entries(folder):
    try:
        return list(os.scandir(folder))
    except OSError:
        return []


def sandbox_env(work, extra=None):
    """Environment of a sandboxed process: a few safe variables, its home in ``work``."""
    env = {k: os.environ[k] for k in _KEPT_ENV if k in os.environ}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"])
    env.update(HOME=str(work), USER="student", LOGNAME="student",
               MPLCONFIGDIR=f"{work}/.config/matplotlib", IPYTHONDIR=f"{work}/.ipython",
               PYTHONDONTWRITEBYTECODE="1")
    env.update(extra or {})
    return env


def _own_processes():
    uids = (p.info["uids"] for p in psutil.process_iter(["uids"]))
    return sum(1 for u in uids if u and u.real == os.getuid())


def folder_size(folder, max_entries=200_000):
    """Bytes on disk under ``folder`` (links not followed), or None past ``max_entries``
    entries (a tree of millions of empty files is over any limit too)."""
    total, count, stack = 0, 0, [str(folder)]
    while stack:
        for entry in _entries(stack.pop()):
            count += 1
            if count > max_entries:
                return None
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            total += info.st_blocks * 512
            if stat.S_ISDIR(info.st_mode):
                stack.append(entry.path)
    return total


class Watch(threading.Thread):
    """Kill a sandboxed tree that fills its work folder past ``disk_mb`` or, where no
    cgroup counts its memory, whose resident memory passes ``memory_mb``; ``reason`` says
    which limit it passed."""

    def __init__(self, pid, box, interval=0.25):
        super().__init__(daemon=True)
        self.pid, self.box, self.interval = pid, box, interval
        self.reason = None
        self._stop = threading.Event()

    def run(self):
        ticks = 0
        while not self._stop.wait(self.interval):
            ticks += 1
            try:
                if self.box.cgroup is None and self._rss() > self.box.limits.memory_mb * 2**20:
                    self.reason = "memory limit"
                elif ticks % 4 == 0:  # the folder walk costs more: once a second
                    size = folder_size(self.box.work)
                    if size is None or size > self.box.limits.disk_mb * 2**20:
                        self.reason = "disk limit"
            except psutil.NoSuchProcess:
                return
            if self.reason:
                kill_tree(self.pid)
                if self.box.cgroup:
                    self.box.cgroup.kill()
                self.box.kill_user()
                return

    def _rss(self):
        root = psutil.Process(self.pid)
        return sum(_rss(p) for p in [root, *root.children(recursive=True)])

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


def remove_tree(path):
    """Delete ``path`` whatever its shape (deep, wide, unreadable modes, links inside)."""
    if os.path.lexists(path):
        # GNU rm walks by file descriptors: no depth limit, never follows a link.
        subprocess.run(["rm", "-rf", "--one-file-system", "--", str(path)],
                       capture_output=True, timeout=600)
