"""Structure of the committed notebooks: clean, complete, and following the conventions."""

import re

import nbformat
import pytest

from conftest import ROOT, toc_entries
from tools.normalize_notebooks import normalized, source_notebooks

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("*/*.ipynb"))


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def _code(nb):
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def _markdown(nb):
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_there_is_something_to_check():
    assert CHAPTERS and SOLUTIONS
    assert set(source_notebooks()) == set(CHAPTERS) | set(SOLUTIONS)


@pytest.mark.parametrize("path", source_notebooks(), ids=_ids(source_notebooks()))
def test_committed_without_outputs_and_normalized(path):
    text = path.read_text()
    nbformat.validate(nbformat.reads(text, as_version=4))
    assert normalized(text) == text, (
        f"{path.name} has outputs or extra metadata: run `python tools/normalize_notebooks.py`"
    )


def test_every_toc_entry_exists_and_every_chapter_is_listed():
    files = toc_entries()
    for entry in files:
        assert any((ROOT / f"{entry}{ext}").exists() for ext in (".md", ".ipynb")), entry
    for chapter in CHAPTERS:
        assert f"chapters/{chapter.stem}" in files, f"{chapter.name} is missing from _toc.yml"


@pytest.mark.parametrize("path", CHAPTERS + SOLUTIONS, ids=_ids(CHAPTERS + SOLUTIONS))
def test_starts_with_a_setup_cell_that_works_outside_the_repository(path):
    nb = nbformat.read(path, as_version=4)
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert "import dlcourse" in first_code.source
    assert "except ImportError" in first_code.source and "%pip install" in first_code.source
    assert "dlcourse.seed(" in first_code.source, "seed everything in the setup cell"


@pytest.mark.parametrize("path", CHAPTERS + SOLUTIONS, ids=_ids(CHAPTERS + SOLUTIONS))
def test_uses_the_keras_3_public_api_only(path):
    code = _code(nbformat.read(path, as_version=4))
    for outdated in ("tf.compat.v1", "experimental.preprocessing", "fit_generator",
                     "ImageDataGenerator", "tensorflow.keras", "tf.keras", ".input_shape"):
        assert outdated not in code, f"{path.name} uses {outdated}"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_chapter_has_the_parts_every_chapter_has(path):
    text = _markdown(nbformat.read(path, as_version=4))
    for heading in ("Learning objectives", "## Summary", "## Check your understanding",
                    "## Exercise"):
        assert heading in text, f"{path.name} lacks {heading!r}"
    assert re.search(r"\]\(\.\./exercises/ex\d\d/.+\.ipynb\)", text), "link to the exercise"


@pytest.mark.parametrize("path", SOLUTIONS, ids=_ids(SOLUTIONS))
def test_exercise_has_graded_parts_with_visible_and_hidden_tests(path):
    nb = nbformat.read(path, as_version=4)
    meta = [c.metadata.get("nbgrader", {}) for c in nb.cells]
    tests = [c for c, m in zip(nb.cells, meta, strict=True) if m.get("grade")]
    solutions = [c for c, m in zip(nb.cells, meta, strict=True) if m.get("solution")]
    assert len(tests) >= 4, "at least four graded parts"
    assert solutions
    ids = [m["grade_id"] for m in meta if "grade_id" in m]
    assert len(ids) == len(set(ids)), "grade ids must be unique"
    for cell in tests:
        m = cell.metadata.nbgrader
        assert m["locked"] and m["points"] > 0, m["grade_id"]
        visible, _, hidden = cell.source.partition("### BEGIN HIDDEN TESTS")
        assert "checks." in visible, f"{m['grade_id']}: a visible, friendly check comes first"
        assert "hint=" in visible, f"{m['grade_id']}: the visible check gives a hint"
        assert hidden.strip() and "### END HIDDEN TESTS" in hidden, f"{m['grade_id']}: hidden"
    for cell in solutions:
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
    # The setup cell is locked so nbgrader restores it when grading.
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.metadata.get("nbgrader", {}).get("locked")
