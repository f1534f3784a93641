"""No code and no output runs off the website's column at desktop width.

The column holds ``dlcourse.TEXT_COLUMNS`` characters of the code font at 1366 px (measured
below in Chromium). Every code line of every notebook (chapters, solutions, exercises) fits
in it (``tools/wrap_code.py`` rewraps the ones that do not), so do the executed text outputs
of the built pages, and in the browser no code or output box scrolls sideways.
"""

import html
import re

import nbformat
import pytest
from bs4 import BeautifulSoup

import dlcourse
from conftest import ROOT, SITE, toc_entries
from test_browser import (  # noqa: F401  (pytest fixtures, reused)
    DESKTOP,
    base_url,
    browser,
    in_the_browser,
    visit,
)
from tools import wrap_code

WIDTH = dlcourse.TEXT_COLUMNS
NOTEBOOKS = sorted(p.relative_to(ROOT) for folder in ("chapters", "solutions", "exercises")
                   for p in (ROOT / folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
PAGES = [f"{entry}.html" for entry in toc_entries()
         if entry.startswith(("chapters/", "exercises/"))]
needs_site = pytest.mark.skipif(not (SITE / "index.html").exists(), reason="run `make book` first")


def test_the_wrapping_tool_uses_the_course_width():
    assert wrap_code.WIDTH == WIDTH


@pytest.mark.parametrize("path", NOTEBOOKS, ids=str)
def test_every_code_line_fits_the_column(path):
    long = wrap_code.long_lines(nbformat.read(ROOT / path, as_version=4))
    assert not long, (f"{len(long)} lines longer than {WIDTH} characters (run"
                      f" tools/wrap_code.py {path}):\n"
                      + "\n".join(f"cell {i}, line {k}: {line}" for i, k, line in long))


def test_the_width_check_sees_a_long_line():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1\n" + "y" * 86)])
    assert wrap_code.long_lines(nb) == [(0, 2, "y" * 86)]


def test_the_wrapping_tool_splits_long_calls_comments_and_strings(tmp_path):
    source = ("x = dict(alpha=1, beta=2, gamma=3, delta=4, epsilon=5, zeta=6, eta=7,"
              " theta=8, iota=9)  # a comment that makes the line long\n"
              f"print(f\"{'word ' * 15}{{x}} and more words after the value\")\n"
              + "# " + "a long comment " * 7)
    path = tmp_path / "long.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), path)
    assert wrap_code.wrap(path) == []
    wrapped = nbformat.read(path, as_version=4).cells[0].source
    namespace = {}
    exec(compile(wrapped.replace("print(", "text = ("), "cell", "exec"), namespace)
    assert namespace["x"]["iota"] == 9 and namespace["text"].endswith("after the value")
    assert "# a comment that makes the line long" in wrapped


def _output_lines(page):
    soup = BeautifulSoup((SITE / page).read_text(), "html.parser")
    for block in soup.select("article div.cell_output pre, article div.output pre"):
        yield from html.unescape(block.get_text()).splitlines()


@needs_site
@pytest.mark.parametrize("page", [p for p in PAGES if p.startswith("chapters/")])
def test_executed_text_outputs_fit_the_column(page):
    long = [line for line in _output_lines(page) if len(line.rstrip()) > WIDTH]
    assert not long, f"{len(long)} output lines longer than {WIDTH} characters:\n" + "\n".join(
        re.sub(r"\s+", " ", line)[:100] for line in long)


# ---------------------------------------------------------------- in the browser

# Each code or output box: its room in characters of its own font, and whether it scrolls.
_BOXES = """() => [...document.querySelectorAll('article pre')].map(pre => {
  const style = getComputedStyle(pre), probe = document.createElement('span');
  probe.textContent = 'x'.repeat(100);
  pre.appendChild(probe);
  const char = probe.getBoundingClientRect().width / 100;
  probe.remove();
  const room = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {chars: room / char, scrolls: pre.scrollWidth > pre.clientWidth + 1,
          output: !!pre.closest('.cell_output, .output'),
          text: pre.textContent.split('\\n').reduce((a, b) => b.length > a.length ? b : a, '')};
})"""


@in_the_browser
def test_the_code_column_holds_the_course_width(visit):
    boxes = visit("chapters/01_single_neuron.html", **DESKTOP).page.evaluate(_BOXES)
    code = [box for box in boxes if not box["output"]]
    assert code and min(box["chars"] for box in code) >= WIDTH, [b["chars"] for b in code]


@in_the_browser
@pytest.mark.parametrize("path", PAGES)
def test_no_code_or_output_scrolls_sideways(visit, path):
    boxes = visit(path, **DESKTOP).page.evaluate(_BOXES)
    wide = [f"{'output' if b['output'] else 'code'}: {b['text'].strip()[:90]}"
            for b in boxes if b["scrolls"]]
    assert not wide, f"{len(wide)} of {len(boxes)} boxes scroll sideways at 1366 px:\n" + \
        "\n".join(wide)
