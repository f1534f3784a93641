"""``grader collect-zip`` against hostile LMS downloads (zips built here; no kernels).

- identity: the folder a member sits in is its student's id, never a name inside it; a student
  claimed twice (or twice in two spellings of case) is reported, never silently replaced; ids
  are safe, not reserved; a submission already in ``submitted/`` is kept unless replaced;
- size: a member's declared and real size, its compression ratio, the archive's total and its
  number of members are capped (zip bombs write nothing big);
- the file system: nothing is written through a link or into a FIFO planted in
  ``submitted/``, link members and absurd names are refused, nothing lands outside;
- robustness: corrupt members are reported and the rest imported; not-a-zip is a clear error.
"""

import json
import os
import random
import stat
import warnings
import zipfile
import zlib

import pytest

from grader import collect
from grader.cli import main
from grader.collect import collect_zip
from grader.course import make_course_dir
from grader.pipeline import Course

NOTEBOOK = "ex01_single_neuron.ipynb"
MB = 2**20


def nb(text):
    """A small notebook's bytes, distinct per ``text``."""
    return json.dumps({"cells": [], "metadata": {"who": text}, "nbformat": 4,
                       "nbformat_minor": 5}).encode()


@pytest.fixture
def course(tmp_path):
    return Course(make_course_dir(tmp_path / "course", ["ex01"]))


def make_zip(path, members, lies=None):
    """Write ``[(name or ZipInfo, bytes)]``; ``lies`` sets attributes of the central directory
    entries (``{name: {attribute: value}}``) after the data and local headers are written."""
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore")  # duplicate names are part of some attacks
        for name, data in members:
            zf.writestr(name, data)
        for info in zf.infolist():
            for attribute, value in (lies or {}).get(info.filename, {}).items():
                setattr(info, attribute, value(info) if callable(value) else value)
    return path


def run(course, members, lies=None, **options):
    archive = make_zip(course.root.parent / "download.zip", members, lies)
    imported, unmatched = collect_zip(course, "ex01", archive, **options)
    return imported, dict(unmatched)


def held(course):
    """``{student: bytes}`` of the notebooks in ``submitted/*/ex01/``."""
    folder = course.submitted
    return {p.parts[-3]: p.read_bytes() for p in folder.glob(f"*/ex01/{NOTEBOOK}")
            if p.is_file()} if folder.is_dir() else {}


def written_bytes(course):
    return sum(p.stat().st_size for p in course.submitted.rglob("*") if p.is_file())


def snapshot(tmp_path, course):
    """Every path outside ``submitted/`` (and the archive) with its bytes, to prove nothing
    was written there."""
    return {str(p): p.read_bytes() if p.is_file() and not p.is_symlink() else None
            for p in tmp_path.rglob("*")
            if course.submitted not in (p, *p.parents) and p.name != "download.zip"}


# ---------------------------------------------------------------------------------------
# Identity
# ---------------------------------------------------------------------------------------

def test_a_name_inside_a_folder_never_moves_a_notebook_to_another_student(course):
    # Both ways: alice's folder holds a file named for bob, bob's one named for alice.
    _, refused = run(course, [("alice/bob_ex01.ipynb", nb("alice")),
                              ("bob/alice_1_2_ex01_single_neuron.ipynb", nb("bob")),
                              ("carol/ex01_single_neuron.ipynb", nb("carol")),
                              ("dave/Dave_ex01.ipynb", nb("dave"))])  # its own id: fine
    assert held(course) == {"carol": nb("carol"), "dave": nb("dave")}
    assert "bob" in refused["alice/bob_ex01.ipynb"]
    assert "alice" in refused["bob/alice_1_2_ex01_single_neuron.ipynb"]


@pytest.mark.parametrize("order", [1, -1])
def test_the_real_owner_keeps_their_notebook_whatever_the_order(course, order):
    members = [("bob_7_8_ex01_single_neuron.ipynb", nb("bob")),
               ("alice/bob_ex01.ipynb", nb("forged by alice"))][::order]
    _, refused = run(course, members)
    assert held(course) == {"bob": nb("bob")}
    assert list(refused) == ["alice/bob_ex01.ipynb"]


def test_folders_inside_folders_are_reported(course):
    _, refused = run(course, [("alice/bob/ex01_single_neuron.ipynb", nb("x")),
                              ("download/erin/ex01_single_neuron.ipynb", nb("y"))])
    assert held(course) == {}
    assert len(refused) == 2


def test_two_members_claiming_one_student_are_both_reported(course):
    members = [("alice/ex01_single_neuron.ipynb", nb("a1")),
               ("alice_1_2_ex01_single_neuron.ipynb", nb("a2")),
               ("carol_1_ex01_single_neuron.ipynb", nb("c1")),  # twice the same name
               ("carol_1_ex01_single_neuron.ipynb", nb("c2")),
               ("dave_1_ex01_single_neuron.ipynb", nb("dave"))]
    _, refused = run(course, members)
    assert held(course) == {"dave": nb("dave")}
    assert set(refused) == {"alice/ex01_single_neuron.ipynb",
                            "alice_1_2_ex01_single_neuron.ipynb",
                            "carol_1_ex01_single_neuron.ipynb"}
    assert "alice" in refused["alice_1_2_ex01_single_neuron.ipynb"]


def test_ids_differing_only_in_case_are_reported(course):
    (course.submitted / "KATE" / "ex01").mkdir(parents=True)
    _, refused = run(course, [("Alice_1_ex01_single_neuron.ipynb", nb("A")),
                              ("alice/ex01_single_neuron.ipynb", nb("a")),
                              ("kate_1_ex01_single_neuron.ipynb", nb("k")),
                              ("zoe_1_ex01_single_neuron.ipynb", nb("z"))])
    assert held(course) == {"zoe": nb("z")}
    assert "case" in refused["Alice_1_ex01_single_neuron.ipynb"]
    assert "KATE" in refused["kate_1_ex01_single_neuron.ipynb"]


@pytest.mark.parametrize("member", [
    "con_1_ex01.ipynb", "NUL_1_ex01.ipynb", "lpt1.x_1_ex01.ipynb", "Aux/ex01.ipynb",
    "alice._1_ex01.ipynb", "a..b_1_ex01.ipynb", "com9/ex01_single_neuron.ipynb",
])
def test_reserved_and_dot_like_ids_are_refused(course, member):
    _, refused = run(course, [(member, nb("x"))])
    assert held(course) == {}
    assert list(refused) == [member]


def test_a_submission_already_there_is_kept_unless_replaced(course, capsys):
    old = course.submitted / "alice" / "ex01" / NOTEBOOK
    old.parent.mkdir(parents=True)
    old.write_bytes(nb("from nbgrader collect"))
    member = "alice_1_ex01_single_neuron.ipynb"
    _, refused = run(course, [(member, nb("from the LMS")), ("bob_1_x.ipynb", nb("bob"))])
    assert held(course) == {"alice": nb("from nbgrader collect"), "bob": nb("bob")}
    assert "replace" in refused[member]
    # The same archive again: what is there already is no conflict.
    _, refused = run(course, [("bob_1_x.ipynb", nb("bob"))])
    assert refused == {}
    # The instructor asks, on the command line.
    archive = make_zip(course.root.parent / "again.zip", [(member, nb("from the LMS"))])
    main(["collect-zip", "ex01", str(archive), "--course-dir", str(course.root), "--replace"])
    assert held(course)["alice"] == nb("from the LMS")
    assert "imported 1 notebook(s)" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------
# Size
# ---------------------------------------------------------------------------------------

def zeros_member(zf, name, megabytes):
    with zf.open(name, "w") as file:
        for _ in range(megabytes):
            file.write(bytes(MB))


def test_the_reviews_bomb_writes_nothing_big(course, tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zeros_member(zf, "mallory_1_ex01_single_neuron.ipynb", 180)  # 180 MB in ~180 kB
        zf.writestr("alice_1_ex01_single_neuron.ipynb", nb("alice"))
    assert archive.stat().st_size < 250_000
    imported, unmatched = collect_zip(course, "ex01", archive)
    assert held(course) == {"alice": nb("alice")}
    assert [m for m, _ in unmatched] == ["mallory_1_ex01_single_neuron.ipynb"]


def test_a_member_over_the_size_cap_is_refused_even_if_it_compresses_badly(course):
    big = os.urandom(collect.MAX_NOTEBOOK_BYTES + 1000)  # incompressible: ratio 1
    _, refused = run(course, [("mallory_1_x.ipynb", big), ("alice_1_x.ipynb", nb("a"))])
    assert held(course) == {"alice": nb("a")}
    assert "bytes" in refused["mallory_1_x.ipynb"]


def test_a_header_that_lies_about_the_size_writes_nothing_big(course, tmp_path):
    archive = tmp_path / "liar.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zeros_member(zf, "mallory_1_x.ipynb", 30)
        zeros_member(zf, "trudy_1_x.ipynb", 30)
        zf.writestr("alice_1_x.ipynb", nb("a"))
        for info in zf.infolist()[:2]:
            info.file_size = 1000  # the central directory says 1 kB; the data holds 30 MB
        zf.infolist()[1].CRC = zlib.crc32(bytes(1000))  # ...and one even has its CRC right
    collect_zip(course, "ex01", archive)
    assert held(course).get("alice") == nb("a")
    assert written_bytes(course) < 2000 + len(nb("a"))


def test_members_that_expand_too_much_are_refused(course):
    # Eight members of 15 MB of zeros each: each is under the size cap, the archive is ~120 kB.
    zeros = bytes(15 * MB)
    members = [(f"m{i}_1_x.ipynb", zeros) for i in range(8)]
    _, refused = run(course, [*members, ("alice_1_x.ipynb", nb("a"))])
    assert held(course) == {"alice": nb("a")}
    assert len(refused) == 8 and all("bomb" in r for r in refused.values()), refused


def test_a_lying_compressed_size_does_not_lift_the_ratio_cap(course):
    # 15 MB of zeros (~15 kB of deflate) whose header claims 300 kB of compressed data.
    lies = {"mallory_1_x.ipynb": {"compress_size": 300_000}}
    _, refused = run(course, [("mallory_1_x.ipynb", bytes(15 * MB)),
                              ("alice_1_x.ipynb", nb("a"))], lies)
    assert held(course) == {"alice": nb("a")}
    assert "bomb" in refused["mallory_1_x.ipynb"]


def test_the_whole_archive_cannot_expand_past_its_budget(course):
    # Small members (each allowed a high ratio) add up: the archive as a whole is capped.
    members = [(f"s{i}_1_x.ipynb", bytes(collect.RATIO_FLOOR - 1000)) for i in range(30)]
    _, refused = run(course, members)
    archive = course.root.parent / "download.zip"
    budget = collect.RATIO_FLOOR + collect.MAX_RATIO * archive.stat().st_size
    assert 0 < written_bytes(course) <= budget
    assert refused and all("bomb" in r for r in refused.values()), refused


def test_the_total_written_is_capped(course, monkeypatch):
    monkeypatch.setattr(collect, "MAX_TOTAL_BYTES", 3 * len(nb("s0")))
    _, refused = run(course, [(f"s{i}_1_x.ipynb", nb(f"s{i}")) for i in range(5)])
    assert len(held(course)) == 3 and len(refused) == 2


def test_too_many_members_is_refused_before_anything_is_written(course):
    members = [(f"s{i}_1_x.ipynb", b"{}") for i in range(collect.MAX_MEMBERS + 1)]
    with pytest.raises(ValueError, match="members"):
        run(course, members)
    assert held(course) == {}


def test_a_zip_inside_the_zip_is_not_expanded(course, tmp_path):
    inner = make_zip(tmp_path / "inner.zip", [(f"s{i}_1_x.ipynb", nb("s")) for i in range(3)])
    _, refused = run(course, [("alice_1_ex01.zip", inner.read_bytes())])
    assert held(course) == {} and list(refused) == ["alice_1_ex01.zip"]


# ---------------------------------------------------------------------------------------
# The file system
# ---------------------------------------------------------------------------------------

def typed(name, kind):
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix: the file type is in the high bits
    info.external_attr = (kind | 0o777) << 16
    return info


def test_link_and_special_members_are_refused(course):
    _, refused = run(course, [(typed("alice_1_x.ipynb", stat.S_IFLNK), b"../../../etc/shadow"),
                              (typed("bob_1_x.ipynb", stat.S_IFIFO), nb("b")),
                              (typed("carol_1_x.ipynb", stat.S_IFREG), nb("c"))])
    assert held(course) == {"carol": nb("c")}
    assert "link" in refused["alice_1_x.ipynb"] and "bob_1_x.ipynb" in refused


@pytest.mark.parametrize("replace", [False, True])
def test_a_link_planted_at_the_target_is_not_followed(course, tmp_path, replace):
    outside = tmp_path / "outside.txt"
    outside.write_text("the instructor's file")
    target = course.submitted / "alice" / "ex01" / NOTEBOOK
    target.parent.mkdir(parents=True)
    target.symlink_to(outside)
    _, refused = run(course, [("alice_1_x.ipynb", nb("a"))], replace=replace)
    assert outside.read_text() == "the instructor's file"
    if replace:  # the link itself is replaced, by a regular file
        assert not target.is_symlink() and target.read_bytes() == nb("a")
    else:
        assert target.is_symlink() and "alice_1_x.ipynb" in refused


@pytest.mark.parametrize("replace", [False, True])
def test_links_planted_at_the_folders_are_not_followed(course, tmp_path, replace):
    elsewhere = {name: tmp_path / name for name in ("elsewhere1", "elsewhere2")}
    for folder in elsewhere.values():
        folder.mkdir()
    course.submitted.mkdir()
    (course.submitted / "alice").symlink_to(elsewhere["elsewhere1"])
    (course.submitted / "bob").mkdir()
    (course.submitted / "bob" / "ex01").symlink_to(elsewhere["elsewhere2"])
    os.mkfifo(course.submitted / "carol")
    before = snapshot(tmp_path, course)
    _, refused = run(course, [("alice_1_x.ipynb", nb("a")), ("bob_1_x.ipynb", nb("b")),
                              ("carol_1_x.ipynb", nb("c")), ("dave_1_x.ipynb", nb("d"))],
                     replace=replace)
    assert all(not any(folder.iterdir()) for folder in elsewhere.values())
    assert snapshot(tmp_path, course) == before
    assert held(course) == {"dave": nb("d")}
    assert set(refused) == {"alice_1_x.ipynb", "bob_1_x.ipynb", "carol_1_x.ipynb"}


def test_a_fifo_planted_at_the_target_is_never_written_into(course):
    target = course.submitted / "alice" / "ex01" / NOTEBOOK
    target.parent.mkdir(parents=True)
    os.mkfifo(target)
    reader = os.open(target, os.O_RDONLY | os.O_NONBLOCK)  # a writer would not block
    try:
        _, refused = run(course, [("alice_1_x.ipynb", nb("a"))])
        assert os.read(reader, 100) == b""  # nothing reached the pipe
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(target.lstat().st_mode) and "alice_1_x.ipynb" in refused
    run(course, [("alice_1_x.ipynb", nb("a"))], replace=True)
    assert target.read_bytes() == nb("a")


def test_a_linked_submitted_folder_is_refused(course, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    course.submitted.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ValueError, match="submitted"):
        run(course, [("alice_1_x.ipynb", nb("a"))])
    assert not any((tmp_path / "elsewhere").iterdir())


UNSAFE = ["../../alice_1_ex01.ipynb", "bob/../../bob_1_ex01.ipynb", "/abs_1_ex01.ipynb",
          "./carol_1_ex01.ipynb", "dave_1\\..\\..\\x.ipynb", "erin_1_\x1b[2J\x1b]0;pwned\x07.ipynb",
          "frank_1_\u202egnp.ipynb", "gina_1_x.ipynb~.txt", "hank//hank_1_x.ipynb",
          "ivan_1_" + "x" * 2000 + ".ipynb", ".hidden/ex01_single_neuron.ipynb",
          "judy/.ipynb_checkpoints/ex01_single_neuron-checkpoint.ipynb"]


def test_absurd_names_are_refused_and_shown_escaped(course, tmp_path, capsys):
    archive = make_zip(tmp_path / "names.zip", [(name, nb(str(i)))
                                                for i, name in enumerate(UNSAFE)])
    # A NUL inside a name (zipfile would cut the name there: "gina_1_x.ipynb").
    archive.write_bytes(archive.read_bytes().replace(b"x.ipynb~.txt", b"x.ipynb\0.txt"))
    before = snapshot(tmp_path, course)
    with pytest.raises(SystemExit) as exit:
        main(["collect-zip", "ex01", str(archive), "--course-dir", str(course.root)])
    assert exit.value.code == 1
    out = capsys.readouterr().out
    assert "imported 0 notebook(s)" in out
    assert out.count("not imported:") == len(UNSAFE)
    assert "\x1b" not in out and "\u202e" not in out and "\0" not in out
    assert held(course) == {} and snapshot(tmp_path, course) == before


def test_a_name_that_is_not_utf8_is_a_clear_error(course, tmp_path):
    archive = make_zip(tmp_path / "bad.zip", [("al\u00efce_1_x.ipynb", nb("a"))])
    archive.write_bytes(archive.read_bytes().replace("\u00ef".encode(), b"\xff\xfe"))
    with pytest.raises(ValueError, match="not valid UTF-8"):
        collect_zip(course, "ex01", archive)


# ---------------------------------------------------------------------------------------
# Robustness
# ---------------------------------------------------------------------------------------

def test_corrupt_members_are_reported_and_the_rest_imported(course):
    members = [("alice_1_x.ipynb", nb("a")), ("bob_1_x.ipynb", nb("b") * 50),
               ("carol_1_x.ipynb", nb("c") * 50), ("dave_1_x.ipynb", nb("d")),
               ("erin_1_x.ipynb", nb("e")), ("zoe_1_x.ipynb", nb("z"))]
    lies = {"bob_1_x.ipynb": {"CRC": lambda info: info.CRC ^ 1},
            "carol_1_x.ipynb": {"compress_size": lambda info: info.compress_size - 20},
            "dave_1_x.ipynb": {"compress_type": 12},  # "bzip2", but the data is deflate
            "erin_1_x.ipynb": {"flag_bits": 1}}  # "encrypted"
    _, refused = run(course, members, lies)
    assert held(course) == {"alice": nb("a"), "zoe": nb("z")}
    assert set(refused) == set(lies)


def test_damaged_archives_give_a_clear_error_or_import_what_is_sound(course, tmp_path):
    members = [(f"s{i}_1_x.ipynb", nb(f"s{i}") * 20) for i in range(4)]
    sound = make_zip(tmp_path / "sound.zip", [*members, ("t/x.ipynb", b"{}"),
                                                  (zipfile.ZipInfo(""), b"")])
    good = sound.read_bytes()
    rng = random.Random(11)
    before = snapshot(tmp_path, course)
    for _ in range(400):  # a few random bytes changed anywhere: headers, names, data
        damaged = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        sound.write_bytes(damaged)
        try:
            collect_zip(course, "ex01", sound, replace=True)
        except ValueError:
            pass
    sound.write_bytes(good)
    assert snapshot(tmp_path, course) == before


@pytest.mark.parametrize("content", [b"not a zip at all\n", b"", b"PK\x05\x06" + bytes(10)])
def test_not_a_zip_is_a_clear_error(course, tmp_path, content, capsys):
    archive = tmp_path / "download.zip"
    archive.write_bytes(content)
    with pytest.raises(ValueError, match="not a zip"):
        collect_zip(course, "ex01", archive)
    with pytest.raises(SystemExit) as exit:
        main(["collect-zip", "ex01", str(archive), "--course-dir", str(course.root)])
    assert str(exit.value.code).startswith("grader: ")


def test_a_folder_or_a_fifo_is_not_an_archive(course, tmp_path):
    os.mkfifo(tmp_path / "fifo.zip")
    writer = os.open(tmp_path / "fifo.zip", os.O_RDWR)  # so that a reader would not block
    try:
        for path in (tmp_path, tmp_path / "fifo.zip"):
            with pytest.raises(ValueError, match="not a"):
                collect_zip(course, "ex01", path)
    finally:
        os.close(writer)
    with pytest.raises(FileNotFoundError):
        collect_zip(course, "ex01", tmp_path / "missing.zip")


def test_a_pattern_without_a_student_group_is_a_clear_error(course, tmp_path):
    archive = make_zip(tmp_path / "download.zip", [("alice_1_x.ipynb", nb("a"))])
    with pytest.raises(ValueError, match="student"):
        collect_zip(course, "ex01", archive, pattern=r"^(\w+)_.*\.ipynb$")
