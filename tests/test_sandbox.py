"""The sandbox's guarantees, checked on real processes (bubblewrap, uids, cgroups) without
a Jupyter kernel: private folders stay hidden wherever they are, each sandbox has its own
user and limits, memory is counted as the kernel counts it, and what a sandbox leaves
behind is removed whatever its shape. Also the exchange folder's reads."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from grader import sandbox
from grader.grade import Exchange
from grader.sandbox import Limits, Sandbox

NOBODY = 65534  # another user than the grader and its sandboxes


def run(box, command, **kwargs):
    env = sandbox.sandbox_env(box.work)
    return subprocess.run(box.command(command, env), capture_output=True, text=True,
                          timeout=120, **kwargs)


@pytest.fixture
def box(tmp_path):
    work = tmp_path / "work"
    made = Sandbox(work, Limits(processes=64, memory_mb=512))
    made.prepare()
    yield made
    made.close()


def test_bubblewrap_and_cgroups_are_there():
    """The guarantees below need both on the grading machine (CI installs bubblewrap)."""
    assert sandbox.bubblewrap(), "bubblewrap is not installed"
    group = sandbox.Cgroup.create("grader-probe", 2**28, 16)
    assert group is not None, "no cgroup could be made: memory and processes are not isolated"
    group.remove()


@pytest.mark.parametrize("system", ["/opt", "/etc", "/usr/local"])
def test_private_folders_under_system_folders_are_hidden(tmp_path, system):
    """A course kept under /opt or /etc (bound into every sandbox) is emptied there."""
    course = Path(tempfile.mkdtemp(prefix="course-", dir=system))
    try:
        (course / "submitted").mkdir()
        (course / "submitted" / "canary.txt").write_text("CANARY")
        box = Sandbox(tmp_path / "work", Limits(), private=[course])
        box.prepare()
        seen = run(box, ["sh", "-c", f"ls -a {course}; cat {course}/submitted/canary.txt;"
                                     f" echo SYSTEM; ls {system}"])
        box.close()
        assert "CANARY" not in seen.stdout and "submitted" not in seen.stdout
        inside, system_listing = seen.stdout.split("SYSTEM")
        assert inside.split() == [".", ".."], seen.stdout
        assert course.name in system_listing, "the system folder itself must stay readable"
    finally:
        sandbox.remove_tree(course)


def test_the_repository_and_the_temporary_folder_are_always_hidden(box):
    secret = sandbox.REPO / ".heldout-secret"
    result = run(box, ["sh", "-c", f"ls {sandbox.REPO}; cat {secret}; ls {box.work.parent}"])
    names = result.stdout.split()
    assert "dlcourse" in names and "solutions" not in names and "grader" not in names
    assert "gradebook.db" not in names and "work" in names  # its own folder only


def test_each_sandbox_has_its_own_user(tmp_path):
    boxes = [Sandbox(tmp_path / f"w{i}", Limits()) for i in (0, 1)]
    try:
        for b in boxes:
            b.prepare()
        uids = [int(run(b, ["id", "-u"]).stdout) for b in boxes]
        assert uids == [b.uid for b in boxes] and len(set(uids)) == 2
        assert min(uids) >= sandbox.UID_BASE and os.getuid() not in uids
    finally:
        for b in boxes:
            b.close()


def test_a_user_id_held_by_another_grader_is_never_given(tmp_path, monkeypatch):
    """User ids come from locks, not process ids (which repeat across containers)."""
    held = subprocess.Popen([sys.executable, "-c", "from grader.sandbox import claim_uid\n"
                             "uid, fd = claim_uid()\nprint(uid, flush=True)\ninput()"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            cwd=sandbox.REPO)
    uid = int(held.stdout.readline())
    monkeypatch.setattr(sandbox.secrets, "randbelow", lambda n: uid - sandbox.UID_BASE)
    box = Sandbox(tmp_path / "work", Limits())
    assert box.uid == uid + 1, "a held user id was given twice"
    box.close()
    assert not (sandbox.UID_LOCKS / str(box.uid)).exists(), "lock files would pile up"
    held.communicate("\n", timeout=30)
    again = Sandbox(tmp_path / "again", Limits())
    assert again.uid == uid, "a released user id stays usable"
    again.close()


def test_cgroups_of_dead_graders_are_swept(tmp_path, monkeypatch):
    uid = sandbox.UID_BASE + sandbox.UID_SPAN - 1
    stale = sandbox.Cgroup.create(f"grader-{uid}", 2**28, 16)
    sleeper = subprocess.Popen(["sh", "-c", 'echo $$ > "$1"; exec sleep 300', "sh",
                                stale.procs_files()[0]])
    time.sleep(0.3)
    assert stale.pids() == {sleeper.pid}
    sandbox.sweep()
    assert sleeper.wait(timeout=30) != 0 and not any(f.exists() for f in stale.folders.values())
    # a stale cgroup named like a freshly claimed user id is replaced, not reused
    again = sandbox.Cgroup.create(f"grader-{uid}", 2**28, 16)
    assert sandbox.Cgroup.create(f"grader-{uid}", 2**28, 16) is not None
    again.remove()


def test_the_kernel_channels_cap_message_size_and_backlog(tmp_path):
    import zmq

    from grader.grade import MAX_MESSAGE, MAX_QUEUED, SandboxedKernelManager

    box = Sandbox(tmp_path / "work", Limits())
    (box.prepare() / ".kernel").mkdir()
    km = SandboxedKernelManager(box)
    km.write_connection_file()
    kc = km.client()
    kc.start_channels(hb=False)
    try:
        for channel in (kc.shell_channel, kc.iopub_channel, kc.stdin_channel):
            assert channel.socket.getsockopt(zmq.MAXMSGSIZE) == MAX_MESSAGE
            assert channel.socket.getsockopt(zmq.RCVHWM) == MAX_QUEUED
    finally:
        kc.stop_channels()
        box.close()


def test_one_sandbox_cannot_use_up_the_processes_of_another(tmp_path):
    """The red team's case: idle processes parked by one submission left none for the
    submissions graded beside it."""
    hog = Sandbox(tmp_path / "hog", Limits(processes=40))
    other = Sandbox(tmp_path / "other", Limits(processes=40))
    try:
        for b in (hog, other):
            b.prepare()
        env = sandbox.sandbox_env(hog.work)
        script = ("import subprocess, time\nkept = []\nfor _ in range(100):\n    try:\n"
                  "        kept.append(subprocess.Popen(['sleep', '60']))\n"
                  "    except OSError:\n        break\n"
                  "print('parked', flush=True)\ntime.sleep(60)")
        parked = subprocess.Popen(hog.command([sys.executable, "-c", script], env),
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert parked.stdout.readline().strip() == "parked"
        time.sleep(0.5)
        assert len(hog.cgroup.pids()) >= 35, "the hog could not park its processes"
        result = run(other, ["sh", "-c", "for i in $(seq 30); do sleep 1 & done; wait; echo ok"])
        assert result.stdout.strip() == "ok", result.stderr
        hog.close()
        assert parked.wait(timeout=30) is not None and not hog.cgroup.pids()
    finally:
        hog.close()
        other.close()


@pytest.mark.parametrize("how", ["memfd", "shm", "resident"])
def test_memory_is_counted_as_the_kernel_counts_it(tmp_path, how):
    """Memory no process maps (memfd) or held in files (/dev/shm) counts like any other."""
    box = Sandbox(tmp_path / "work", Limits(memory_mb=300, file_mb=128))
    box.prepare()
    grab = {
        "memfd": "fds = [os.memfd_create('x') for _ in range(8)]\n"
                 "for fd in fds:\n    os.write(fd, b'm' * 100 * 2**20)",
        "shm": "for i in range(8):\n    open(f'/tmp/f{i}', 'wb').write(b's' * 100 * 2**20)",
        "resident": "blocks = [b'r' * 100 * 2**20 for _ in range(8)]",
    }[how]
    result = run(box, [sys.executable, "-c", f"import os\n{grab}\nprint('survived')"])
    over = box.over_memory()
    box.close()
    assert "survived" not in result.stdout
    assert over or "No space" in result.stderr, result.stderr[-500:]


def test_cleanup_removes_any_tree(tmp_path):
    box = Sandbox(tmp_path / "work", Limits())
    box.prepare()
    script = ("import os\nfor i in range(2500):\n    os.mkdir('d'); os.chdir('d')\n"
              "    i and os.chmod('..', 0o500)\n"
              "for i in range(2000):\n    open(f'f{i}', 'w').close()\nprint('made')")
    assert run(box, [sys.executable, "-c", script]).stdout.strip() == "made"
    box.close()
    sandbox.remove_tree(box.work)
    assert not box.work.exists()


def test_the_watch_stops_a_tree_that_fills_its_folder(tmp_path):
    box = Sandbox(tmp_path / "work", Limits(disk_mb=50, file_mb=40))
    box.prepare()
    script = ("import os, time\nfor i in range(20):\n"
              "    open(f'f{i}', 'wb').write(os.urandom(2**20) * 30)\n    time.sleep(0.2)\n"
              "print('filled')")
    process = subprocess.Popen(box.command([sys.executable, "-c", script],
                                           sandbox.sandbox_env(box.work)),
                               stdout=subprocess.PIPE, text=True)
    box.start_watch(process.pid)
    out, _ = process.communicate(timeout=120)
    box.close()
    assert "filled" not in out and box.stop_reason() == "disk limit"
    assert sandbox.folder_size(tmp_path / "none") == 0


# --- the exchange folder, where the kernel leaves its answers -----------------------------


@pytest.fixture
def exchange(tmp_path):
    made = Exchange(tmp_path / ".exchange", os.getuid(), limit=1000)
    yield made
    made.close()


def test_a_plain_answer_is_read_once(exchange):
    name = exchange.new_name("out")
    (exchange.path / name).write_text('{"ok": 1}')
    assert exchange.read(name) == b'{"ok": 1}'
    with pytest.raises(RuntimeError, match="did not answer"):
        exchange.read(name)


@pytest.mark.parametrize("plant", ["symlink", "fifo", "hardlink", "folder", "too large",
                                   "other owner"])
def test_what_the_kernel_plants_is_never_followed(exchange, tmp_path, plant):
    host = tmp_path / "gradebook.db"
    host.write_text("SECRET host file")
    name = exchange.new_name("out")
    path = exchange.path / name
    if plant == "symlink":
        path.symlink_to(host)
    elif plant == "fifo":
        os.mkfifo(path)
    elif plant == "hardlink":
        os.link(host, path)
    elif plant == "folder":
        path.mkdir()
    elif plant == "too large":
        path.write_text("x" * 1001)
    else:
        path.write_text("{}")
        os.chown(path, NOBODY, NOBODY)
    start = time.monotonic()
    with pytest.raises(RuntimeError) as error:
        exchange.read(name)
    assert time.monotonic() - start < 2, "the read blocked"
    assert "SECRET" not in str(error.value)


def test_a_swapped_exchange_folder_changes_nothing(exchange, tmp_path):
    elsewhere = tmp_path / "course"
    elsewhere.mkdir()
    exchange.path.rename(tmp_path / "moved")
    exchange.path.symlink_to(elsewhere)
    exchange.write("request.json", "{}")
    assert not list(elsewhere.iterdir()), "a request was written through the link"
    assert (tmp_path / "moved" / "request.json").exists()


def test_a_cpu_quota_holds_a_busy_tree(tmp_path):
    box = Sandbox(tmp_path / "work", Limits(cpus=0.25))
    box.prepare()
    script = ("import os, threading, time\nend = time.time() + 2\n"
              "def spin():\n    while time.time() < end:\n        pass\n"
              "threads = [threading.Thread(target=spin) for _ in range(4)]\n"
              "[t.start() for t in threads]; [t.join() for t in threads]\n"
              "print(round(sum(os.times()[:2]), 2))")
    used = float(run(box, [sys.executable, "-c", script]).stdout)
    box.close()
    assert used < 1.0, f"{used} CPU seconds in 2 s with a quarter of a core"


@pytest.mark.parametrize("made", ["open to all", "a link", "owned by another user"])
def test_a_lock_folder_someone_else_could_have_made_stops_grading(tmp_path, monkeypatch, made):
    locks = tmp_path / "locks"
    if made == "a link":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        locks.symlink_to(tmp_path / "elsewhere")
    else:
        locks.mkdir(mode=0o700)
        if made == "open to all":
            locks.chmod(0o777)
        else:
            os.chown(locks, NOBODY, NOBODY)
    monkeypatch.setattr(sandbox, "UID_LOCKS", locks)
    with pytest.raises(RuntimeError, match="not a folder private to root"):
        sandbox.preflight()
