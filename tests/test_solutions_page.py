"""The one setting that publishes the reference solutions (``publish_solutions``)."""

import html
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from grader.course import solution_sources

HIDDEN = "### BEGIN HIDDEN TESTS"


def build(tmp_path, publish):
    src = tmp_path / "src"
    shutil.copytree(ROOT / "solutions", src / "solutions")
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'tools')!r})\n"
        f"extensions = ['solutions_page']\npublish_solutions = {publish}\n"
        "exclude_patterns = ['solutions']\n"
    )
    (src / "index.rst").write_text("Solutions\n=========\n\n.. solutions::\n")
    subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", str(src), str(tmp_path / "html")],
                   check=True)
    page = (tmp_path / "html" / "index.html").read_text()
    return html.unescape(re.sub(r"<[^>]+>", "", page))  # the text, highlighting removed


def test_solutions_are_not_published_by_default(tmp_path):
    page = build(tmp_path, publish=False)
    assert "not published" in page
    assert "dense_param_count" not in page


@pytest.mark.parametrize("name", ["ex01"])
def test_publishing_shows_every_answer_and_no_test(tmp_path, name):
    page = build(tmp_path, publish=True)
    for grade_id, code in solution_sources(name).items():
        assert f"Answer cell {grade_id}" in page
        assert code.strip().splitlines()[0] in page
    assert HIDDEN not in page and "test_model" not in page and "assert" not in page
    assert "BEGIN SOLUTION" not in page
