"""The built website in a real browser: headless Chromium driven by Playwright, the site
served over HTTP on localhost, every other host blocked.

Chromium comes from the system (Debian's ``chromium``, installed by ``make test`` where the
machine allows it, or the path in ``$CHROMIUM``). Without a browser these tests are
reported as skipped with the reason.
"""

import functools
import http.server
import os
import shutil
import threading

import pytest

from conftest import SITE, toc_entries

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium")

# Known, harmless console errors of the Jupyter Book 1 theme stack (sphinx-thebe injects its
# configuration twice; pydata-sphinx-theme warns about an unset theme mode).
BENIGN = ("Identifier 'THEBE_JS_URL' has already been declared", "Got invalid theme mode")

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = [
    pytest.mark.skipif(not (SITE / "index.html").exists(), reason="run `make book` first"),
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (set $CHROMIUM)"),
    pytest.mark.xdist_group("browser"),
]


def _toc_pages():
    entries = toc_entries()
    return [f"{entry}.html" for entry in entries]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url():
    handler = functools.partial(_Quiet, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield chromium
        chromium.close()


class Visit:
    """A page opened in a fresh context that records every problem a reader would meet."""

    def __init__(self, browser, base_url, path):
        self.problems = []
        self.context = browser.new_context()
        self.context.route("**/*", self._only_localhost(base_url))
        self.page = self.context.new_page()
        self.page.on("pageerror", self._script_error)
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.page.goto(base_url + path, wait_until="load")

    def _only_localhost(self, base_url):
        def route(route):
            if route.request.url.startswith(base_url):
                route.continue_()
            else:
                self.problems.append(f"request to another host: {route.request.url}")
                route.abort()
        return route

    def _script_error(self, error):
        if not any(text in str(error) for text in BENIGN):
            self.problems.append(f"script error: {error}")

    def _console(self, message):
        if message.type == "error" and not any(text in message.text for text in BENIGN):
            self.problems.append(f"console error: {message.text}")

    def _response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, base_url):
    opened = []

    def open_page(path):
        opened.append(Visit(browser, base_url, path))
        return opened[-1]

    yield open_page
    for page in opened:
        page.close()


@pytest.mark.parametrize("path", _toc_pages() + ["search.html", "genindex.html"])
def test_page_loads_cleanly(visit, path):
    v = visit(path)
    page = v.page
    page.wait_for_load_state("networkidle")
    assert page.title().strip(), "the page has no title"
    assert page.locator("main, article, div.bd-article").count() > 0
    broken = page.evaluate(
        "[...document.images].filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)"
    )
    assert not broken, f"broken images: {broken}"
    assert not v.problems, "\n".join(v.problems)


def _pages_with_math():
    return [p for p in _toc_pages()
            if (SITE / p).exists() and 'class="math' in (SITE / p).read_text()]


def test_some_pages_have_math():
    assert _pages_with_math(), "chapter 1 has formulas: the math test would check nothing"


@pytest.mark.parametrize("path", _pages_with_math())
def test_math_renders(visit, path):
    page = visit(path).page
    math = page.locator("span.math, div.math").count()
    page.wait_for_function(
        "window.MathJax && MathJax.startup && MathJax.startup.promise"
        " && document.querySelectorAll('mjx-container').length > 0",
        timeout=20_000,
    )
    page.evaluate("MathJax.startup.promise")
    assert page.locator("mjx-container").count() >= math
    assert page.locator("mjx-merror, [data-mjx-error]").count() == 0


def test_search_finds_a_chapter_by_a_word_in_it(visit):
    page = visit("search.html?q=diabetes").page
    page.wait_for_selector("#search-results ul.search li", timeout=20_000)
    links = page.locator("#search-results ul.search li a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert any("01_single_neuron" in link for link in links), links


@pytest.mark.parametrize("path", [p for p in _toc_pages() if p.endswith(".html")
                                  and p.split("/")[0] in ("chapters", "exercises")])
def test_launch_and_download_buttons(visit, path):
    page = visit(path).page
    launch = page.locator(".dropdown-launch-buttons a").evaluate_all(
        "links => links.map(a => a.href)"
    )
    assert any("colab.research.google.com" in url for url in launch), launch
    assert any("mybinder.org" in url for url in launch), launch
    downloads = page.locator(".dropdown-download-buttons a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert any(link.endswith(".ipynb") for link in downloads), downloads


def test_next_and_previous_navigation(visit):
    pages = _toc_pages()
    page = visit(pages[0]).page
    page.locator("a.right-next").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(pages[1]), page.url
    page.locator("a.left-prev").click()
    page.wait_for_load_state("load")
    assert page.url.rstrip("/").endswith(("index.html", "127.0.0.1")) or pages[0] in page.url
