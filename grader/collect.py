"""Import an LMS download (a zip of notebooks named by student) into ``submitted/``.

LMSs name each uploaded file after the student: Canvas writes
``<student>_<userid>_<attempt>_<original name>.ipynb``, Moodle puts each student in a folder,
others use ``<student>_<original name>.ipynb``. The student id is the folder's name when the
file sits in one (the LMS chose it; the file name inside is the student's choice), else what
comes before the first ``_`` of the file name; ``--pattern`` takes a regular expression with a
``student`` group for other schemes. Every notebook found is saved under the assignment's
notebook name. The archive is hostile data: what cannot be matched without a doubt is
reported with the reason, never guessed:

- a file name inside a folder in which the pattern finds another id than the folder's
  (``alice/bob_ex01.ipynb``, also ``alice/final_version.ipynb``), a folder inside a folder,
  two members for one student's notebook (both), ids that differ only in case (from each
  other or from a folder already in ``submitted/``), unsafe or reserved ids;
- links and other special members, absurd names (absolute, ``..``, control characters,
  backslashes), hidden files, members that are not notebooks (zips inside are not expanded);
- members that are corrupt, over ``MAX_NOTEBOOK_BYTES`` or that expand too much (zip bombs:
  every member read is charged, at its declared size, to a budget of ``MAX_RATIO`` times the
  archive's size, at most ``MAX_TOTAL_BYTES``), and whatever would overwrite a different
  notebook already in ``submitted/`` (unless ``replace``).

An archive of more than ``MAX_MEMBERS`` members, or one that zipfile cannot list, is an error
(``ValueError``) and nothing is imported.

Writes never follow a link: each folder below ``submitted/`` is opened without following
links, and a notebook is created exclusively (or, to replace, renamed over the old entry).
"""

import contextlib
import os
import re
import stat
import zipfile
from pathlib import Path, PurePosixPath

from grader import files

DEFAULT_PATTERN = r"^(?P<student>[A-Za-z0-9][A-Za-z0-9.\-]*)_.*\.ipynb$"
MAX_MEMBERS = 5_000
MAX_NOTEBOOK_BYTES = 20 * 2**20
MAX_TOTAL_BYTES = 500 * 2**20
# A notebook compresses about 4 times. Past RATIO_FLOOR bytes a member may expand MAX_RATIO
# times its compressed size, and the whole archive MAX_RATIO times its size (+ RATIO_FLOOR).
MAX_RATIO = 100
RATIO_FLOOR = 2**20
MAX_NAME = 1024

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,63}")
# Device names on Windows (also with an extension): such a folder cannot be copied there.
_RESERVED = {"con", "prn", "aux", "nul", *(f"{d}{i}" for d in ("com", "lpt") for i in range(10))}
_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class Refused(Exception):
    """A member that is not imported; the message says why."""


def collect_zip(course, assignment, archive, pattern=DEFAULT_PATTERN, replace=False):
    """Returns ``(imported, unmatched)``: ``{(student, notebook): path}`` and
    ``[(member, reason)]``. ``replace`` overwrites a different notebook already there."""
    expected = [p.name for p in course.source_notebooks(assignment)]
    regex = re.compile(pattern)
    if "student" not in regex.groupindex:
        raise ValueError(f"the pattern {pattern!r} has no (?P<student>...) group")
    if assignment in ("", ".", "..") or "/" in assignment:
        raise ValueError(f"{assignment!r} is not an assignment name")
    found = os.stat(archive)
    if not stat.S_ISREG(found.st_mode):
        raise ValueError(f"{archive} is not a file")
    imported, unmatched, claims = {}, [], {}
    with _open(archive) as zf:
        members = zf.infolist()
        if len(members) > MAX_MEMBERS:
            raise ValueError(f"{archive} has {len(members):,} members, more than the "
                             f"{MAX_MEMBERS:,} allowed: not imported")
        for info in members:
            if info.filename.endswith("/"):  # a folder (is_dir() fails on an empty name)
                continue
            try:
                claims.setdefault(_claim(info, expected, regex), []).append(info)
            except Refused as why:
                unmatched.append((_shown(info.orig_filename), str(why)))
        root = _submitted(course.submitted)
        try:
            spellings = _spellings([s for s, _ in claims] + os.listdir(root))
            budget = min(MAX_TOTAL_BYTES, RATIO_FLOOR + MAX_RATIO * found.st_size)
            for (student, name), infos in sorted(claims.items()):
                try:
                    if len(infos) > 1:
                        raise Refused(f"{len(infos)} members are {student}'s {name}: none kept")
                    others = sorted(spellings[student.lower()] - {student})
                    if others:
                        raise Refused(f"{student} differs only in case from "
                                      f"{', '.join(map(_shown, others))}")
                    _check_size(infos[0], budget)
                    # Charged before reading: what is inflated counts, written or not.
                    budget -= infos[0].file_size
                    _write(root, [student, assignment, name], _read(zf, infos[0]), replace)
                except Refused as why:
                    unmatched += [(_shown(i.orig_filename), str(why)) for i in infos]
                    continue
                imported[student, name] = course.submitted / student / assignment / name
        finally:
            os.close(root)
    return imported, unmatched


def _open(archive):
    try:
        return zipfile.ZipFile(archive)
    except zipfile.BadZipFile as error:
        detail = "" if str(error) == "File is not a zip file" else f" ({error})"
        raise ValueError(f"{archive} is not a zip file{detail}") from None
    except NotImplementedError as error:  # a member needs a newer zip version
        raise ValueError(f"{archive} cannot be read ({error})") from None
    except UnicodeDecodeError:
        raise ValueError(f"{archive}: a member's name is not valid UTF-8 (a damaged or forged "
                         "archive): not imported") from None


def _shown(name):
    """A name safe to print: escaped if it holds control or invisible characters."""
    return name if name.isprintable() else ascii(name)


def _claim(info, expected, regex):
    """``(student, notebook name)`` a member is for, or :class:`Refused`."""
    name = info.orig_filename  # zipfile cuts ``filename`` at a NUL
    if len(name) > MAX_NAME or not name.isprintable():
        raise Refused(f"a name with control or invisible characters or over {MAX_NAME} long")
    parts = name.split("/")
    if "\\" in name or ":" in parts[0] or any(p in ("", ".", "..") for p in parts):
        raise Refused("an unsafe path (absolute, '..', '.', empty parts or backslashes)")
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind not in (0, stat.S_IFREG):
        raise Refused("a symbolic link" if kind == stat.S_IFLNK else "not a regular file")
    path = PurePosixPath(name)
    if path.suffix != ".ipynb" or "__MACOSX" in parts:
        raise Refused("a zip inside the zip: not expanded" if path.suffix.lower() == ".zip"
                      else "not a notebook")
    if any(p.startswith(".") for p in parts):
        raise Refused("a hidden file or folder")
    if len(parts) > 2:
        raise Refused("in a folder inside a folder: whose it is is not clear")
    match = regex.match(path.name)
    named = match.group("student") if match else None
    # The notebook's own name ("ex01_single_neuron.ipynb") carries no id: "ex01" is the start
    # of that name, not a student.
    if named and any(f"{PurePosixPath(e).stem}_".startswith(f"{named}_") for e in expected):
        named = None
    student = parts[0] if len(parts) == 2 else named
    if not student:
        raise Refused("no student id in the name")
    if named and named.lower() != student.lower():
        raise Refused(f"in {student}'s folder but named for {named}: not imported for either")
    if not _SAFE_ID.fullmatch(student) or student.endswith(".") or ".." in student:
        raise Refused(f"{student} is not a safe student id")
    if student.split(".")[0].lower() in _RESERVED:
        raise Refused(f"{student} is a reserved name")
    matches = [e for e in expected if path.name.endswith(e)]
    if len(expected) > 1 and not matches:
        raise Refused(f"not one of {', '.join(expected)}")
    return student, max(matches, key=len) if matches else expected[0]


def _spellings(ids):
    """``{lower-case id: {spellings}}``."""
    found = {}
    for student in ids:
        found.setdefault(student.lower(), set()).add(student)
    return found


def _check_size(info, budget):
    """Refuse a member whose declared size is over a cap (checked before inflating it)."""
    limit, reason = min(
        (MAX_NOTEBOOK_BYTES, f"more than the {MAX_NOTEBOOK_BYTES:,} bytes allowed"),
        (max(RATIO_FLOOR, MAX_RATIO * info.compress_size),
         f"expands more than {MAX_RATIO} times (a zip bomb?)"),
        (budget, f"past {MAX_RATIO} times the archive's size or {MAX_TOTAL_BYTES:,} bytes in "
                 "all (a zip bomb?)"))
    if info.file_size > limit:
        raise Refused(f"{info.file_size:,} bytes: {reason}")


def _read(zf, info):
    """A member's bytes, never more than its declared size (zipfile stops there too)."""
    try:
        with zf.open(info) as member:
            data = member.read(info.file_size + 1)
    except Exception as error:  # zipfile, zlib, bz2 and lzma raise many kinds on bad data
        raise Refused(f"cannot be read: {str(error)[:200]}") from None
    if len(data) > info.file_size:
        raise Refused(f"holds more than the {info.file_size:,} bytes its header says")
    return data


def _submitted(path):
    """A descriptor of ``submitted/``, made if needed; a link there is refused."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    parent = os.open(path.parent, _OPEN_DIR & ~os.O_NOFOLLOW)
    try:
        return _folder(parent, path.name)
    except Refused as why:
        raise ValueError(f"{path}: {why}") from None
    finally:
        os.close(parent)


def _folder(parent, name):
    """A descriptor of folder ``name`` in ``parent`` (made if needed), never through a link."""
    with contextlib.suppress(OSError):  # if it is not made, opening it says why
        os.mkdir(name, dir_fd=parent)
    try:
        return os.open(name, _OPEN_DIR, dir_fd=parent)
    except OSError as error:
        raise Refused(f"{name} in submitted/ is not a real folder ({error.strerror})") from None


def _write(root, parts, data, replace):
    """Write ``data`` at ``root/parts...``: each folder opened without following links, the
    file created exclusively, or (``replace``) renamed over whatever entry is there."""
    folders = [root]
    try:
        for name in parts[:-1]:
            folders.append(_folder(folders[-1], name))
        _save(folders[-1], parts[-1], data, replace, "/".join(parts))
    finally:
        for fd in folders[1:]:
            os.close(fd)


def _save(folder, name, data, replace, shown):
    try:
        if replace:  # through a new temporary file renamed over whatever entry is there
            files.write_atomic(folder, name, data)
            return
        fd = os.open(name, _CREATE, 0o644, dir_fd=folder)
    except FileExistsError:
        if _holds(folder, name, data):  # imported before: nothing to do
            return
        raise Refused(f"submitted/{shown} exists already, different (--replace overwrites it)"
                      ) from None
    except OSError as error:
        raise Refused(f"could not be written: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=folder)
        raise Refused(f"could not be written: {error.strerror}") from None


def _holds(folder, name, data):
    """Whether entry ``name`` is a regular file holding ``data`` (read without following a
    link or opening anything else)."""
    try:
        if not stat.S_ISREG(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode):
            return False
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                     dir_fd=folder)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as file:
        held = os.fstat(fd)
        return (stat.S_ISREG(held.st_mode) and held.st_size == len(data)
                and file.read(len(data) + 1) == data)
