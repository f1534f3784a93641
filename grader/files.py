"""Read a submission folder safely: the only way the grader reads what a student handed in.

Everything in a submission is hostile: a symbolic or hard link can point at the solutions,
the held-out secret or a classmate's notebook, a FIFO blocks a reader forever, a sparse file
claims 100 GB, a name need not be valid UTF-8. :class:`Submission` walks a folder without
following links (every open is relative to a directory descriptor, with ``O_NOFOLLOW``, so a
folder swapped for a link between two checks cannot redirect a read) and accepts only
regular files with one link, owned by the folder's owner, of a capped size, with a plain
name; everything else is listed with the reason it was refused and never opened.
"""

import hashlib
import os
import secrets
import stat
from contextlib import suppress

MAX_FILE_BYTES = 20 * 2**20  # one file (a notebook with its outputs fits)
MAX_TOTAL_BYTES = 50 * 2**20  # all accepted files of a submission
MAX_DEPTH = 8  # folders inside folders
MAX_ENTRIES = 1000  # names looked at in a submission

_DIR_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_DIRECTORY
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY
_SYSTEM_NAMES = {"__MACOSX", "__pycache__", "Thumbs.db", "desktop.ini"}
_KINDS = [(stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")]


class Refused(Exception):
    """A file the grader will not read; the message says why."""


def shown(name):
    """A file name as text that is always valid UTF-8 (undecodable bytes as ``\\xNN``)."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def clean_text(text):
    """``text`` with lone surrogates replaced, safe to encode as UTF-8."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def why(error):
    """The reason an ``OSError`` gives, as short text."""
    return os.strerror(error.errno) if error.errno else str(error)


def _name_problem(name):
    if shown(name) != name:
        return "a name that is not valid UTF-8"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "a name with control characters"
    if name.startswith(".") or name in _SYSTEM_NAMES:
        return "a hidden or system name"
    return None


def _kind_problem(info, uid, cap=MAX_FILE_BYTES):
    for test, kind in _KINDS:
        if test(info.st_mode):
            return kind
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        return "not a regular file"
    if info.st_uid != uid:
        return "not owned by the submission's owner"
    if stat.S_ISREG(info.st_mode) and info.st_nlink != 1:
        return f"a hard link ({info.st_nlink} links)"
    if cap is not None and stat.S_ISREG(info.st_mode) and info.st_size > cap:
        return f"larger than {cap // 2**20} MB"
    return None


def open_regular(dir_fd, name, uid, cap=MAX_FILE_BYTES):
    """A descriptor of the regular, single-link file ``name`` of ``dir_fd`` owned by ``uid``
    (never a link, a FIFO or a device) of at most ``cap`` bytes (None: any size), and its
    ``stat``; raises :class:`Refused` (caused by the ``OSError`` when it cannot be opened)."""
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    except OSError as error:
        raise Refused(f"cannot be opened ({why(error)})") from error
    info = os.fstat(fd)
    problem = ("not a regular file" if stat.S_ISDIR(info.st_mode)
               else _kind_problem(info, uid, cap))
    if problem:
        os.close(fd)
        raise Refused(problem)
    return fd, info


def read_capped(fd, cap):
    """At most ``cap`` bytes from ``fd``; raises :class:`Refused` if it holds more."""
    chunks, size = [], 0
    while size <= cap:
        chunk = os.read(fd, min(cap + 1 - size, 2**20))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > cap:
        raise Refused(f"larger than {cap // 2**20} MB")
    return b"".join(chunks)


class Submission:
    """One submission folder, opened once and walked: ``files`` are the relative paths
    (``"a/b.txt"``) that may be read, ``refused`` the ``(name, reason)`` of everything else.
    Use it as a context manager; raises ``OSError`` if the folder itself is not a real
    folder."""

    def __init__(self, folder):
        self.fd = os.open(folder, _DIR_FLAGS)
        self.uid = os.fstat(self.fd).st_uid
        self.files, self.refused, self._seen, self._total = [], [], 0, 0
        self._walk(self.fd, "", 0)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        os.close(self.fd)

    def _walk(self, dir_fd, prefix, depth):
        # Notebooks first: a submission's size cap never costs it its notebook.
        for name in sorted(os.listdir(dir_fd), key=lambda n: (not n.endswith(".ipynb"), n)):
            path = prefix + shown(name)
            self._seen += 1
            if self._seen > MAX_ENTRIES:
                self.refused.append((path, f"more than {MAX_ENTRIES} names: the rest ignored"))
                return
            problem = _name_problem(name)
            if problem is None:
                try:
                    info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
                    problem = _kind_problem(info, self.uid)
                except OSError as error:
                    problem = f"cannot be read ({why(error)})"
            if problem is None and stat.S_ISDIR(info.st_mode):
                problem = self._enter(dir_fd, name, path, depth)
            elif problem is None and self._total + info.st_size > MAX_TOTAL_BYTES:
                problem = f"over the submission's {MAX_TOTAL_BYTES // 2**20} MB"
            elif problem is None:
                self._total += info.st_size
                self.files.append(path)
            if problem:
                self.refused.append((path, problem))

    def _enter(self, dir_fd, name, path, depth):
        if depth + 1 > MAX_DEPTH:
            return f"folders nested more than {MAX_DEPTH} deep"
        try:
            fd = os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
        except OSError as error:
            return f"cannot be opened ({why(error)})"
        try:
            problem = _kind_problem(os.fstat(fd), self.uid)
            if problem is None:
                self._walk(fd, path + "/", depth + 1)
            return problem
        finally:
            os.close(fd)

    def read(self, path, cap=MAX_FILE_BYTES):
        """The bytes of accepted file ``path`` (at most ``cap``); raises :class:`Refused`
        if it is not one, or changed into something else since the walk."""
        if path not in self.files:
            raise Refused(dict(self.refused).get(path, "not in the submission"))
        *folders, name = path.split("/")
        fds = [self.fd]
        try:
            for folder in folders:
                try:
                    fds.append(os.open(folder, _DIR_FLAGS, dir_fd=fds[-1]))
                except OSError:
                    raise Refused("its folder changed during grading") from None
            fd, _ = open_regular(fds[-1], name, self.uid)
            try:
                return read_capped(fd, cap)
            finally:
                os.close(fd)
        finally:
            for fd in fds[1:]:
                os.close(fd)


class Snapshot:
    """What grading reads of a submission, as data: ``files`` are the accepted paths,
    ``refused`` the ``(path, reason)`` of the rest, and :meth:`read` gives a file's bytes,
    as :class:`Submission` does. Taken once by the client (:func:`snapshot`), it travels to
    the worker that grades: no worker reads the course's disk."""

    def __init__(self, data, refused):
        self.data = dict(data)
        self.files = list(self.data)
        self.refused = [tuple(item) for item in refused]

    def read(self, path):
        if path not in self.data:
            raise Refused(dict(self.refused).get(path, "not in the submission"))
        return self.data[path]

    def fingerprint(self):
        """A hash of the accepted files' names and bytes, and of what was refused and why."""
        digest = hashlib.sha256()
        for path, data in self.data.items():
            digest.update(f"{path}\0{len(data)}\0".encode() + data)
        for path, reason in self.refused:
            digest.update(f"{path}\0refused: {reason}\0".encode())
        return digest.hexdigest()


def snapshot(folder):
    """The :class:`Snapshot` of submission ``folder`` (a file that changed since the walk is
    refused); raises ``OSError`` if the folder itself is not a real folder."""
    data, refused = {}, []
    with Submission(folder) as submission:
        for path in submission.files:
            try:
                data[path] = submission.read(path)
            except Refused as error:
                refused.append((path, str(error)))
        return Snapshot(data, [*submission.refused, *refused])


def fingerprint(folder):
    """The hash of what grading reads in ``folder`` (:meth:`Snapshot.fingerprint`). Never
    fails: an unreadable folder has a hash too."""
    try:
        return snapshot(folder).fingerprint()
    except OSError as error:
        return hashlib.sha256(f"unreadable folder: {why(error)}".encode()).hexdigest()


def open_folder(base, parts, create=False):
    """A descriptor of folder ``base/parts...``, each part a real folder (links refused)."""
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts:
            if create:
                with suppress(FileExistsError):
                    os.mkdir(part, 0o755, dir_fd=fd)
            inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = inner
    except BaseException:
        os.close(fd)
        raise
    return fd


def write_atomic(dir_fd, name, data):
    """Write ``name`` in an open folder through a new temporary file: a link, FIFO or file
    planted at ``name`` is replaced, never followed."""
    temporary = f".{secrets.token_hex(8)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644,
                 dir_fd=dir_fd)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary, dir_fd=dir_fd)
        raise


def write_file(base, parts, data):
    """Write ``data`` to ``base/parts...`` atomically, making the folders on the way; none
    of ``parts`` may be a link (``base`` is trusted)."""
    os.makedirs(base, exist_ok=True)
    fd = open_folder(base, parts[:-1], create=True)
    try:
        write_atomic(fd, parts[-1], data)
    finally:
        os.close(fd)

