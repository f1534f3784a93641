"""Per-sandbox control groups: memory, process count and CPU, counted by the Linux kernel.

A process tree in its own cgroup cannot hide memory from the limit (shared memory, memfd
and tmpfs pages are charged to it, as the kernel counts them), cannot take the process
slots of a neighbour, and gets the same CPU share as every other sandbox whatever its number
of threads. cgroup v2 is used where its controllers can be delegated to the grader's own
cgroup; otherwise cgroup v1's ``memory``, ``pids`` and ``cpu`` hierarchies; otherwise none,
and :class:`grader.sandbox.Watch` counts resident memory itself. Creating cgroups needs
write access to the grader's cgroup: root, or a delegated cgroup (systemd ``Delegate=yes``).
"""

import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


def _own_paths():
    """``{controller: path}`` of this process's cgroups (``""`` for cgroup v2)."""
    paths = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path.lstrip("/")
    return paths


def _write(path, value):
    with open(path, "w") as file:
        file.write(str(value))


def _v2_parent():
    """This process's cgroup v2 folder if it can hold children with memory and pids limits."""
    if not (ROOT / "cgroup.controllers").exists():  # not a pure v2 machine
        return None
    parent = ROOT / _own_paths().get("", "")
    wanted = {"memory", "pids", "cpu"}
    enabled = set((parent / "cgroup.subtree_control").read_text().split())
    try:
        if not {"memory", "pids"} <= enabled:
            available = set((parent / "cgroup.controllers").read_text().split())
            _write(parent / "cgroup.subtree_control",
                   " ".join(f"+{c}" for c in sorted(wanted & available)))
    except OSError:  # the grader's cgroup holds processes, or is not ours to change
        return None
    return parent


def _parents():
    """``(version, {controller: folder})``: where this process can make cgroups, or None
    where the machine has no usable hierarchy (no memory and pids controllers)."""
    v2 = _v2_parent()
    if v2 is not None:
        return 2, {"": v2}
    own = _own_paths()
    bases = {c: ROOT / c / own.get(c, "") for c in ("memory", "pids", "cpu")}
    bases = {c: b for c, b in bases.items() if (b / "cgroup.procs").exists()}
    if not {"memory", "pids"} <= set(bases) or not os.access(bases["memory"], os.W_OK):
        return None
    return 1, bases


class Cgroup:
    """One cgroup (a folder per hierarchy), made for one sandboxed process tree."""

    def __init__(self, name, folders, version):
        self.name, self.folders, self.version = name, folders, version

    @classmethod
    def create(cls, name, memory_bytes, processes, cpus=0.0):
        """A new cgroup with these limits; None where the machine has no cgroups. Where it
        has them, failing to make one is an error: grading on without would drop limits."""
        found = _parents()
        if found is None:
            return None
        version, bases = found
        group = cls(name, {c: base / name for c, base in bases.items()}, version)
        if any(folder.exists() for folder in group.folders.values()):
            group.remove()  # left by a grader that died: its user id is ours now
        try:
            group._make(memory_bytes, processes, cpus)
        except OSError as error:
            group.remove()
            raise RuntimeError(f"could not make the cgroup {name}: {error}") from error
        return group

    @classmethod
    def stale(cls):
        """The sandbox cgroups (``grader-*``) under this process's cgroups."""
        found = _parents()
        if found is None:
            return []
        version, bases = found
        names = {p.name for base in bases.values() for p in base.glob("grader-*") if p.is_dir()}
        return [cls(n, {c: base / n for c, base in bases.items()}, version) for n in names]

    def _make(self, memory_bytes, processes, cpus):
        for folder in self.folders.values():
            folder.mkdir()
        if self.version == 2:
            folder = self.folders[""]
            _write(folder / "memory.max", memory_bytes)
            if (folder / "memory.swap.max").exists():
                _write(folder / "memory.swap.max", 0)
            _write(folder / "pids.max", processes)
            if cpus and (folder / "cpu.max").exists():
                _write(folder / "cpu.max", f"{int(cpus * 100_000)} 100000")
            return
        memory = self.folders["memory"]
        _write(memory / "memory.limit_in_bytes", memory_bytes)
        if (memory / "memory.memsw.limit_in_bytes").exists():  # swap counts too
            _write(memory / "memory.memsw.limit_in_bytes", memory_bytes)
        _write(self.folders["pids"] / "pids.max", processes)
        if cpus and "cpu" in self.folders:
            _write(self.folders["cpu"] / "cpu.cfs_period_us", 100_000)
            _write(self.folders["cpu"] / "cpu.cfs_quota_us", int(cpus * 100_000))

    def procs_files(self):
        """The files a process writes its pid to, to join this cgroup."""
        return [str(folder / "cgroup.procs") for folder in self.folders.values()]

    def _memory(self):
        return self.folders["" if self.version == 2 else "memory"]

    def oom_kills(self):
        """How many processes the kernel killed for passing the memory limit."""
        memory = self._memory()
        name = "memory.events" if self.version == 2 else "memory.oom_control"
        try:
            for line in (memory / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except OSError:
            pass
        return 0

    def pids(self):
        found = set()
        for folder in self.folders.values():
            try:
                found.update(int(p) for p in (folder / "cgroup.procs").read_text().split())
            except OSError:
                pass
        return found

    def kill(self, seconds=10):
        """Kill every process in the cgroup (new ones too: forks cannot outrun the loop,
        the process limit caps them)."""
        kill_file = self.folders.get("", Path("/nonexistent")) / "cgroup.kill"
        if kill_file.exists():
            try:
                _write(kill_file, 1)
            except OSError:
                pass
        deadline = time.monotonic() + seconds
        while (pids := self.pids()) and time.monotonic() < deadline:
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.05)

    def remove(self):
        """Kill what is left in the cgroup and delete it."""
        self.kill()
        for folder in self.folders.values():
            for _ in range(100):  # rmdir fails while the last processes are being reaped
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)
