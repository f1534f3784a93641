"""Import an LMS download (a zip of notebooks named by student) into ``submitted/``.

LMSs name each uploaded file after the student: Canvas writes
``<student>_<userid>_<attempt>_<original name>.ipynb``, Moodle puts each student in a folder,
others use ``<student>_<original name>.ipynb``. By default the student id is what comes
before the first ``_`` of the file name, or the folder's name when the file sits in one;
``--pattern`` takes a regular expression with a ``student`` group for other schemes. Every
notebook found is saved under the assignment's notebook name; what cannot be matched is
reported, never guessed.
"""

import re
import zipfile
from pathlib import PurePosixPath

DEFAULT_PATTERN = r"^(?P<student>[A-Za-z0-9][A-Za-z0-9.\-]*)_.*\.ipynb$"
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,63}$")


def collect_zip(course, assignment, archive, pattern=DEFAULT_PATTERN):
    """Returns ``(imported, unmatched)``: ``{student: path}`` and ``[(member, reason)]``."""
    expected = [p.name for p in course.source_notebooks(assignment)]
    regex = re.compile(pattern)
    imported, unmatched = {}, []
    with zipfile.ZipFile(archive) as zf:
        for member in zf.infolist():
            if member.is_dir():
                continue
            path = PurePosixPath(member.filename)
            if path.suffix != ".ipynb" or "__MACOSX" in path.parts:
                unmatched.append((member.filename, "not a notebook"))
                continue
            match = regex.match(path.name)
            student = match.group("student") if match else None
            # The notebook's own name ("ex01_single_neuron.ipynb") carries no id: "ex01" is
            # the start of that name, not a student.
            if student and any(f"{PurePosixPath(e).stem}_".startswith(f"{student}_")
                               for e in expected):
                student = None
            if not student and len(path.parts) > 1:
                student = path.parent.name
            if not student or not _SAFE_ID.match(student):
                unmatched.append((member.filename, "no student id in the name"))
                continue
            name = expected[0] if len(expected) == 1 else next(
                (e for e in expected if path.name.endswith(e)), None)
            if name is None:
                unmatched.append((member.filename, f"not one of {', '.join(expected)}"))
                continue
            if student in imported:
                reason = f"a second notebook from {student}: kept the first"
                unmatched.append((member.filename, reason))
                continue
            target = course.submitted / student / assignment / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(member))
            imported[student] = target
    return imported, unmatched
