"""The built website (``make book`` runs before the tests): complete, executed, offline,
with working internal links, and publishing no solution or hidden test."""

import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
import yaml

from conftest import ROOT, SITE, toc_entries

pytestmark = pytest.mark.skipif(
    not (SITE / "index.html").exists(), reason="the site is not built: run `make book` first"
)


class _Page(HTMLParser):
    """Collects ids, links and assets of one HTML page."""

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.assets, self.text = set(), [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("script", "img", "iframe", "source") and attrs.get("src"):
            self.assets.append(attrs["src"])
        if tag == "link" and attrs.get("href") and attrs.get("rel") != "canonical":
            self.assets.append(attrs["href"])

    def handle_data(self, data):
        self.text.append(data)


def _parse(path):
    page = _Page()
    page.feed(path.read_text(errors="replace"))
    return page


def _pages():
    return sorted(p for p in SITE.rglob("*.html")
                  if not {"_static", "_sources", "reports"} & set(p.relative_to(SITE).parts))


def _toc_pages():
    entries = toc_entries()
    return [SITE / f"{entry}.html" for entry in entries]


def test_every_toc_entry_is_a_built_page():
    for page in _toc_pages():
        assert page.exists(), f"{page.relative_to(SITE)} was not built"


def test_no_execution_report_is_published():
    assert not (SITE / "reports").exists()
    for page in _pages():
        assert "Traceback (most recent call last)" not in page.read_text(errors="replace"), page


def test_chapters_are_published_executed_with_their_figures():
    for source in sorted((ROOT / "chapters").glob("*.ipynb")):
        page = SITE / "chapters" / f"{source.stem}.html"
        text = page.read_text()
        assert text.count('class="cell_output') >= 5, f"{page.name} shows too few outputs"
        assert '<img alt="_images/' in text or 'src="../_images/' in text, f"{page.name}: figures"


def _secrets():
    """Lines of every solution and hidden-test region that no public notebook contains
    (a line the chapter itself teaches is no secret)."""
    # Backticks vanish when markdown is rendered: compare with the text a reader sees.
    public = _collapse("\n".join(_public_sources()).replace("`", ""))
    secrets = set()
    for path in (ROOT / "solutions").rglob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            inside = False
            for line in cell.source.splitlines():
                marker = line.strip()
                if marker in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"):
                    inside = True
                elif marker in ("### END SOLUTION", "### END HIDDEN TESTS"):
                    inside = False
                elif inside and len(marker) >= 12 and _collapse(marker) not in public:
                    secrets.add(_collapse(marker))
    return secrets


def _public_sources():
    """The code and text of every notebook that is meant to be published."""
    for folder in ("chapters", "exercises"):
        for path in (ROOT / folder).rglob("*.ipynb"):
            yield "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)


def _published_text():
    """Every text file of the site, HTML reduced to its visible text, whitespace collapsed."""
    for path in SITE.rglob("*"):
        if path.suffix not in (".html", ".txt", ".ipynb", ".js", ".json", ".md", ".py"):
            continue
        text = path.read_text(errors="replace")
        if path.suffix == ".html":
            text = html.unescape("".join(_parse(path).text))
        yield path, _collapse(text)


def _collapse(text):
    return re.sub(r"\s+", " ", text)


def test_no_solution_or_hidden_test_is_published():
    secrets = _secrets()
    assert len(secrets) >= 10, "the secret-finder found too little to be trusted"
    for path, text in _published_text():
        for secret in secrets:
            assert secret not in text, (
                f"{path.relative_to(SITE)} publishes a line of a solution: {secret!r}"
            )


def test_pages_load_nothing_from_other_hosts():
    for page in _pages():
        for asset in _parse(page).assets:
            assert not urlsplit(asset).netloc, f"{page.relative_to(SITE)} loads {asset}"


def test_math_is_served_locally():
    chapter = (SITE / "chapters" / "01_single_neuron.html").read_text()
    scripts = re.findall(r'<script[^>]+src="([^"]*mathjax[^"]*)"', chapter, flags=re.I)
    assert scripts, "no MathJax script on a page with math"
    for script in scripts:
        local = (SITE / "chapters" / urlsplit(script).path).resolve()
        assert local.exists(), f"MathJax is not in the site: {script}"


def test_internal_links_and_anchors_resolve():
    problems = []
    pages = {page: _parse(page) for page in _pages()}
    for page, parsed in pages.items():
        for link in parsed.links + parsed.assets:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{page.relative_to(SITE)}: missing {link}")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{page.relative_to(SITE)}: no anchor {link}")
    assert not problems, "\n".join(problems[:50])


def test_exercise_pages_show_the_student_version_with_launch_buttons():
    for source in sorted((ROOT / "exercises").glob("*/*.ipynb")):
        page = SITE / source.relative_to(ROOT).with_suffix(".html")
        text = page.read_text()
        assert "NotImplementedError" in text, f"{page.name} should show the student stubs"
        assert "colab.research.google.com" in text and "download" in text.lower()


def test_syllabus_lists_all_14_chapters_and_links_every_published_one():
    text = (ROOT / "index.md").read_text()
    rows = [line for line in text.splitlines() if re.match(r"\| \d+ \|", line)]
    assert [int(r.split("|")[1]) for r in rows] == list(range(1, 15))
    for entry in toc_entries():
        if entry.startswith(("chapters/", "exercises/")):
            assert f"({entry}.ipynb)" in text, f"the syllabus does not link {entry}"


# What no executed output may show: log lines (Python logging, absl/TensorFlow, C++ glog,
# Jupyter's own), Python warnings, tracebacks, TensorFlow's retracing notices. The build
# merges stderr into the stream outputs, so only the published text shows them.
NOISE = re.compile(
    r"^\s*(DEBUG|INFO|WARNING|ERROR|CRITICAL|FATAL)\s*[:|]"          # logging, absl, traitlets
    r"|^\s*\[\w+\]\s+(DEBUG|INFO|WARNING|ERROR|CRITICAL)\b"         # [IPKernelApp] WARNING
    r"|^\s*[IWEF]\d{4} \d\d:\d\d:\d\d"                              # glog: W0000 00:00:...
    r"|^\s*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.,]\d+:? [IWEF] "         # TensorFlow's C++ lines
    r"|\.py:\d+: \w*Warning\b|^\s*\w*Warning: "                    # the warnings module
    r"|Traceback \(most recent call last\)"
    r"|triggered tf\.function retracing",
    flags=re.MULTILINE,
)


class _Outputs(HTMLParser):
    """The text of every executed output of a page (``div.cell_output``), scripts left out,
    and the classes of output blocks that are noise by kind (stderr, errors)."""

    NOISY_KINDS = ("stderr", "traceback", "error")

    def __init__(self):
        super().__init__()
        self.outputs, self.noisy_kinds = [], []
        self._depth = 0      # div depth inside the current cell_output, 0 when outside
        self._skip = 0       # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("script", "style"):
            self._skip += 1
        if tag != "div":
            return
        if self._depth:
            self._depth += 1
            if "output" in classes and set(classes) & set(self.NOISY_KINDS):
                self.noisy_kinds.append(" ".join(classes))
        elif "cell_output" in classes:
            self._depth = 1
            self.outputs.append([])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "div" and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth and not self._skip:
            self.outputs[-1].append(data)


def _noise(text):
    """The lines of ``text`` that are noise, in the order they appear."""
    lines = text.splitlines()
    found = []
    for match in NOISE.finditer(text):
        line = lines[text.count("\n", 0, match.start())]
        if line not in found:
            found.append(line)
    return found


@pytest.mark.parametrize("sample", [
    "WARNING:tensorflow:5 out of the last 7 calls to <function f> triggered tf.function "
    "retracing. Tracing is expensive",
    "WARNING:absl:You are saving your model as an HDF5 file",
    "[IPKernelApp] WARNING | Kernel is running over TCP",
    "W0000 00:00:1733 123 cpu_feature_guard.cc:142] This TensorFlow binary is optimized",
    "2026-12-01 10:00:00.123456: I tensorflow/core/util/port.cc:153] oneDNN custom operations",
    "/x/keras/src/trainers/data_adapters/py_dataset_adapter.py:121: UserWarning: Your",
    "UserWarning: Do not pass an `input_shape`/`input_dim` argument to a layer.",
    "Traceback (most recent call last):\n  File \"<stdin>\", line 1",
    "INFO:root:loaded 2000 images",
])
def test_the_noise_finder_finds_noise(sample):
    assert _noise("epoch 1: loss 0.5\n" + sample + "\nepoch 2: loss 0.4")


@pytest.mark.parametrize("sample", [
    "epoch  1: loss  45.2   val_loss  47.0",
    "Total params: 449 (1.75 KB)",
    "a warning sign: the validation loss rises",
    "split 1: trained on 283 rows, validation MAE on 71 rows: 45.2",
])
def test_the_noise_finder_leaves_ordinary_output_alone(sample):
    assert not _noise(sample)


def test_no_executed_output_shows_warnings_logs_or_tracebacks():
    problems, outputs = [], 0
    for page in _toc_pages():
        parsed = _Outputs()
        parsed.feed(page.read_text(errors="replace"))
        outputs += len(parsed.outputs)
        name = page.relative_to(SITE)
        problems += [f"{name}: an output of kind {kind!r}" for kind in parsed.noisy_kinds]
        for output in parsed.outputs:
            problems += [f"{name}: {line.strip()[:160]}" for line in _noise("".join(output))]
    assert outputs >= 100, f"only {outputs} executed outputs found: is the parser still right?"
    assert not problems, "\n".join(problems)


# The chrome of the site: titles, numbers, times, credits, glossary, favicon, scripts.

SITE_TITLE = yaml.safe_load((ROOT / "_config.yml").read_text())["title"]
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _text(fragment):
    """The visible text of an HTML fragment, whitespace collapsed."""
    return _collapse(html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def _h1(page):
    """The page's heading (the theme's print header has a copy without a permalink)."""
    (heading,) = [h for h in re.findall(r"<h1>(.*?)</h1>", page.read_text(), flags=re.S)
                  if 'class="headerlink"' in h]
    return _text(heading.split('<a class="headerlink"')[0])


def _title(page):
    return _text(re.search(r"<title>(.*?)</title>", page.read_text(), re.S)[1])


def _numbered_pages():
    """``(n, chapter page, exercise page)`` for every chapter of the course."""
    for n in range(1, 15):
        (chapter,) = (SITE / "chapters").glob(f"{n:02d}_*.html")
        (exercise,) = (SITE / "exercises" / f"ex{n:02d}").glob("*.html")
        yield n, chapter, exercise


def _syllabus():
    """``{n: (chapter minutes, exercise minutes)}`` as the syllabus of ``index.md`` gives them."""
    rows = re.findall(r"^\| (\d+) \|.*\| (\d+) min \| (\d+) min \|$",
                      (ROOT / "index.md").read_text(), flags=re.M)
    return {int(n): (int(chapter), int(exercise)) for n, chapter, exercise in rows}


def test_chapters_and_their_exercises_are_numbered_alike():
    """Chapter N and Exercise N carry the number and the same subject in their heading, in
    the browser's title and in the chapter list of the sidebar."""
    home = (SITE / "index.html").read_text()
    nav = home[home.index('bd-docs-nav'):]
    sidebar = {unquote(href): _text(label) for href, label in re.findall(
        r'<a class="reference internal" href="([^"#]+)">(.*?)</a>', nav[:nav.index("</nav>")],
        flags=re.S)}
    for n, chapter, exercise in _numbered_pages():
        subject = _h1(exercise).removeprefix(f"Exercise {n}: ")
        assert subject != _h1(exercise), f"{exercise.name}: {_h1(exercise)!r}"
        assert _h1(chapter) == f"Chapter {n}: {subject}", chapter.name
        for page in (chapter, exercise):
            assert _title(page) == f"{_h1(page)} \u2014 {SITE_TITLE}", page.name
            assert sidebar[page.relative_to(SITE).as_posix()] == _h1(page)


def test_every_page_has_a_title_of_its_own():
    titles = [_title(page) for page in _toc_pages()]
    assert titles[0] == SITE_TITLE, "the home page's title should be the course's name, once"
    assert len(set(titles)) == len(titles), sorted(t for t in titles if titles.count(t) > 1)


def test_next_links_follow_the_table_of_contents():
    """Each page's "next" button leads to the next page of the table of contents, from the
    last exercise of a part to the first chapter of the next one too."""
    pages = _toc_pages()
    for page, following in zip(pages, pages[1:], strict=False):
        href = re.search(r'<a class="right-next"\s+href="([^"]+)"', page.read_text())[1]
        assert (page.parent / href).resolve() == following.resolve(), (
            f"{page.relative_to(SITE)} leads to {href}, not {following.relative_to(SITE)}")


# The exercise times of the syllabus, as index.md explains them: by number of graded parts.
EXERCISE_MINUTES = {5: 45, 6: 60, 7: 75}


def test_time_estimates_agree_everywhere():
    """A chapter's page and the syllabus give the same time; an exercise's page (the note on
    top, and the notebook where it states one) and the syllabus too."""
    syllabus = _syllabus()
    assert sorted(syllabus) == list(range(1, 15)), syllabus
    for n, chapter, exercise in _numbered_pages():
        chapter_minutes, exercise_minutes = syllabus[n]
        stated = re.findall(r"Time:</strong> about (\d+) minutes", chapter.read_text())
        assert stated == [str(chapter_minutes)], f"{chapter.name} says {stated} minutes"
        stated = re.findall(r"Time:</strong> about (\d+) minutes", exercise.read_text())
        assert stated and set(stated) == {str(exercise_minutes)}, (
            f"{exercise.name} says {stated} minutes, the syllabus {exercise_minutes}")
        (source,) = (ROOT / "exercises" / f"ex{n:02d}").glob("*.ipynb")
        parts = sum(1 for cell in nbformat.read(source, as_version=4).cells
                    if cell.metadata.get("nbgrader", {}).get("grade"))
        assert exercise_minutes == EXERCISE_MINUTES.get(parts), f"exercise {n}: {parts} parts"


def test_exercise_pages_say_how_to_open_and_hand_in_them():
    for n, _, exercise in _numbered_pages():
        text = exercise.read_text()
        note = re.search(r'<div class="note exercise-how-to admonition">(.*?)</div>', text, re.S)
        assert note, f"{exercise.name} has no note on how to work on it"
        assert text.index(note[0]) < text.index('class="cell'), "the note comes first"
        words = _text(note[1])
        for way in ("in Colab", "on your computer", "download button", "JupyterHub",
                    f"nbgrader fetch_assignment ex{n:02d}", "Submitting an exercise"):
            assert way in words, f"{exercise.name}: {way!r} missing from {words!r}"
        links = {(exercise.parent / href).resolve()
                 for href in re.findall(r'href="([^"#]+)"', note[1])}
        assert SITE / "guides" / "students.html" in links, links


def test_chapter_and_part_references_point_to_what_exists():
    """Every "chapter N" (or "chapters N to M") and "Part N" in the published text names a
    chapter or part that the table of contents has."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    parts = {re.match(r"Part (\w+) ", part["caption"])[1]
             for part in toc["parts"] if part["caption"].startswith("Part ")}
    chapters = {int(entry[len("chapters/"):][:2]) for entry in toc_entries()
                if entry.startswith("chapters/")}
    assert parts == {"I", "II"} and chapters == set(range(1, 15))
    problems = []
    for page in _toc_pages():
        text = _collapse(html.unescape("".join(_parse(page).text)))
        for numbers in re.findall(r"\b[Cc]hapters? (\d+(?:(?:, | and | or | to |-)\d+)*)", text):
            problems += [f"{page.name}: chapter {n}" for n in map(int, re.findall(r"\d+", numbers))
                         if n not in chapters]
        problems += [f"{page.name}: Part {p}" for p in re.findall(r"\bPart ([IVX]+)\b", text)
                     if p not in parts]
    assert not problems, "\n".join(problems)


def test_about_page_credits_what_the_course_follows_and_states_its_licences():
    about = _collapse(html.unescape("".join(_parse(SITE / "about.html").text)))
    for credit in ("study notes", "Kaggle Learn", "Intro to Deep Learning", "Computer Vision",
                   "François Chollet", "Deep Learning with Python", "Keras documentation",
                   "keras.io", "nbgrader", "Jupyter Book", "scikit-image", "scikit-learn"):
        assert credit in about, f"the About page does not credit {credit}"
    readme = (ROOT / "README.md").read_text()
    declared = re.search(r"^## License\n\n(.+?)\n", readme, flags=re.M | re.S)[1]
    for licence in re.findall(r"MIT|CC BY \d\.\d|Apache \d\.\d|GPL", declared):
        assert licence in about, f"README declares {licence}; the About page does not say so"
    pyproject = re.search(r'^license = \{ text = "(.+)" \}', (ROOT / "pyproject.toml").read_text(),
                          flags=re.M)[1]
    assert pyproject in about
    assert 'href="about.html"' in (SITE / "index.html").read_text(), "the home page links it"


def test_glossary_is_sorted_a_to_z_with_a_jump_list():
    page = (SITE / "glossary.html").read_text()
    sections = re.findall(r'<section id="([a-z])">(.*?)</section>', page, flags=re.S)
    assert len(sections) >= 15, "the glossary should have a section per initial letter"
    first_terms = []
    for letter, body in sections:
        for entry in re.findall(r"((?:<dt[^>]*>.*?</dt>\s*)+)<dd>", body, flags=re.S):
            term = _text(re.search(r"<dt[^>]*>(.*?)<a class=\"headerlink\"", entry, re.S)[1])
            assert term[0].lower() == letter, f"{term!r} is filed under {letter.upper()}"
            first_terms.append(term)
    assert len(first_terms) >= 70, len(first_terms)
    assert first_terms == sorted(first_terms, key=str.casefold), "not sorted A-Z"
    jump = re.search(r"<p>Jump to a letter:(.*?)</p>", page, flags=re.S)[1]
    assert re.findall(r'href="#glossary-([a-z])"', jump) == [letter for letter, _ in sections]


def test_chinese_words_are_tagged_as_chinese():
    """Every Chinese character of the glossary sits in an element with ``lang="zh"``, so
    browsers draw it with a Chinese font and screen readers read it as Chinese."""
    page = (SITE / "glossary.html").read_text()
    article = page[page.index("<article"):page.index("</article>")]
    tagged = re.findall(r'<span lang="zh">(.*?)</span>', article, flags=re.S)
    assert len(tagged) >= 80, len(tagged)
    assert all(CJK.search(word) for word in tagged)
    untagged = CJK.findall(re.sub(r'<span lang="zh">.*?</span>', "", article, flags=re.S))
    assert not untagged, f"Chinese outside lang=\"zh\": {''.join(untagged)[:80]}"


def test_every_page_has_the_favicon_and_the_logo():
    for page in _pages():
        text = page.read_text()
        icon = re.search(r'<link rel="icon" href="([^"]+)"', text)
        logo = re.search(r'<img src="([^"]+)" class="logo__image', text)
        assert icon and logo, f"{page.relative_to(SITE)}: favicon {bool(icon)}, logo {bool(logo)}"
        for href in (icon[1], logo[1]):
            assert (page.parent / href).resolve().is_file(), f"{page.name}: {href}"
    svg = (SITE / "_static" / "logo.svg").read_text()
    assert svg.lstrip().startswith("<svg") and 'viewBox="0 0 64 64"' in svg


def test_every_inline_script_appears_once_per_page():
    """A script declaring a constant twice (sphinx-thebe's THEBE_JS_URL was) is an error."""
    for page in _pages():
        scripts = re.findall(r"<script>(.*?)</script>", page.read_text(), flags=re.S)
        twice = {script[:80] for script in scripts if scripts.count(script) > 1}
        assert not twice, f"{page.relative_to(SITE)} runs these twice: {twice}"


def test_the_solutions_page_shows_self_learners_their_way():
    """Unpublished (the instructors' default), the page says how a self-learner builds a copy
    with the solutions, and links the guide that explains it."""
    page = (SITE / "reference_solutions.html").read_text()
    assert "not published" in page and "make book PUBLISH_SOLUTIONS=1" in _text(page)
    assert 'href="guides/learners.html"' in page
    guide = _text((SITE / "guides" / "learners.html").read_text())
    assert "make book PUBLISH_SOLUTIONS=1" in guide
