"""The one setting that publishes the reference solutions (``publish_solutions``)."""

import html
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from grader.course import solution_sources

HIDDEN = "### BEGIN HIDDEN TESTS"


def build(tmp_path, publish, environment=None):
    """The text of a one-page site with the Solutions page, built with ``publish_solutions``
    set to ``publish`` and the environment variables ``environment``."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "solutions", src / "solutions")
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'tools')!r})\n"
        f"extensions = ['solutions_page']\npublish_solutions = {publish}\n"
        "exclude_patterns = ['solutions']\n"
    )
    (src / "index.rst").write_text("Solutions\n=========\n\n.. solutions::\n\n"
                                   ".. toctree::\n   :hidden:\n\n   guides/learners\n")
    (src / "guides").mkdir()
    (src / "guides" / "learners.rst").write_text("Running the notebooks\n=====================\n")
    env = {key: value for key, value in os.environ.items() if key != "PUBLISH_SOLUTIONS"}
    subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", str(src), str(tmp_path / "html")],
                   check=True, env=env | (environment or {}))
    page = (tmp_path / "html" / "index.html").read_text()
    return html.unescape(re.sub(r"<[^>]+>", "", page))  # the text, highlighting removed


def test_solutions_are_not_published_by_default(tmp_path):
    page = build(tmp_path, publish=False)
    assert "not published" in page
    assert "dense_param_count" not in page
    assert "make book PUBLISH_SOLUTIONS=1" in page and "Running the notebooks" in page


@pytest.mark.parametrize("value, published", [("1", True), ("true", True), ("0", False)])
def test_a_self_learner_publishes_them_with_one_variable(tmp_path, value, published):
    page = build(tmp_path, publish=False, environment={"PUBLISH_SOLUTIONS": value})
    assert ("Answer cell" in page) is published, page[:300]
    assert ("not published" in page) is not published


@pytest.mark.parametrize("name", ["ex01"])
def test_publishing_shows_every_answer_and_no_test(tmp_path, name):
    page = build(tmp_path, publish=True)
    for grade_id, code in solution_sources(name).items():
        assert f"Answer cell {grade_id}" in page
        assert code.strip().splitlines()[0] in page
    assert HIDDEN not in page and "test_model" not in page and "assert" not in page
    assert "BEGIN SOLUTION" not in page
