"""The built website (``make book`` runs before the tests): complete, executed, offline,
with working internal links, and publishing no solution or hidden test."""

import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

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
