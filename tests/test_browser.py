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
import subprocess
import threading

import pytest

from conftest import SITE, toc_entries

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium")

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = [
    pytest.mark.skipif(not (SITE / "index.html").exists(), reason="run `make book` first"),
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (set $CHROMIUM)"),
    pytest.mark.xdist_group("browser"),
]


def in_the_browser(test):
    """This module's marks on a test of another module that reuses its fixtures (``visit``,
    ``browser``, ``base_url``): skipped without the built site or Chromium, in the browser's
    xdist group."""
    for mark in pytestmark:
        test = mark(test)
    return test


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

    def __init__(self, browser, base_url, path, **context):
        self.problems = []
        self.context = browser.new_context(**context)
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
        self.problems.append(f"script error: {error}")

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def _response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, base_url):
    opened = []

    def open_page(path, **context):
        opened.append(Visit(browser, base_url, path, **context))
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


# What MathJax made of each formula: its own error nodes, undefined macros (drawn in red by
# its "noundefined" package), TeX left as text because the Markdown did not see a formula,
# and formulas wider than the space they are given.
_MATH_PROBLEMS = """() => {
  const problems = [];
  for (const item of MathJax.startup.document.math) {
    item.root.walkTree(node => {
      if (node.isKind('merror')) problems.push('MathJax error in: ' + item.math);
      else if (node.attributes && node.attributes.getExplicit('mathcolor') === 'red')
        problems.push('undefined macro in: ' + item.math);
    });
  }
  for (const el of document.querySelectorAll('mjx-merror, [data-mjx-error]'))
    problems.push('error node: ' + (el.getAttribute('data-mjx-error') || el.textContent));
  const text = document.querySelector('article').cloneNode(true);
  text.querySelectorAll('pre, code, mjx-container, script, style, .highlight')
    .forEach(el => el.remove());
  for (const tex of new Set(text.textContent.match(/\\\\[A-Za-z]+|\\$\\$/g) || []))
    problems.push('TeX shown as text: ' + tex);
  return problems;
}"""

_MATH_WIDTHS = """() => [...MathJax.startup.document.math].map(item => {
  const container = item.typesetRoot, math = container.querySelector('mjx-math') || container;
  const r = math.getBoundingClientRect(), column = container.closest('article')
    .getBoundingClientRect();
  let scroller = container;
  while (scroller && !['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX))
    scroller = scroller.parentElement;
  return {tex: item.math.trim().slice(0, 80), display: item.display, width: r.width,
          room: Math.min(container.clientWidth || column.width, column.width),
          right: r.right, columnRight: column.right, viewport: innerWidth,
          scrollerRight: scroller ? scroller.getBoundingClientRect().right : null};
})"""


def _typeset(page):
    page.wait_for_function(
        "window.MathJax && MathJax.startup && MathJax.startup.promise"
        " && document.querySelectorAll('mjx-container').length > 0",
        timeout=20_000,
    )
    page.evaluate("MathJax.startup.promise")


@pytest.mark.parametrize("path", _pages_with_math())
def test_math_renders(visit, path):
    """At desktop width every formula renders without a MathJax error and fits its column."""
    page = visit(path, **DESKTOP).page
    math = page.locator("span.math, div.math").count()
    _typeset(page)
    assert page.locator("mjx-container").count() >= math
    problems = page.evaluate(_MATH_PROBLEMS)
    for eq in page.evaluate(_MATH_WIDTHS):
        if eq["width"] > eq["room"] + 1 or eq["right"] > eq["columnRight"] + 1:
            problems.append(f"{eq['width']:.0f} px wide in {eq['room']:.0f} px: {eq['tex']}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", _pages_with_math())
def test_math_stays_on_a_phone_screen(visit, path):
    """At 390 px a formula wider than the screen scrolls inside its own box: it never runs off
    the page."""
    page = visit(path, **PHONE).page
    _typeset(page)
    off = [f"{eq['tex']} (right edge at {eq['right']:.0f} px)"
           for eq in page.evaluate(_MATH_WIDTHS)
           if eq["right"] > eq["viewport"] + 1
           and (eq["scrollerRight"] is None or eq["scrollerRight"] > eq["viewport"] + 1)]
    assert not off, "formulas running off a 390 px screen:\n" + "\n".join(off)


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


# The three screens of a reader: a phone (touch), a small tablet, a laptop.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 3}
TABLET = {"viewport": {"width": 800, "height": 1000}}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}

# Where the two sidebars are on screen, and how many of their links a reader can actually tap:
# visible, inside the viewport, and the topmost element at their centre.
_LAYOUT = """() => {
  const vw = innerWidth, vh = innerHeight;
  function box(selector) {
    const el = document.querySelector(selector);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const shown = el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
      && r.width > 0 && r.height > 0 && r.right > 0 && r.left < vw && r.bottom > 0 && r.top < vh;
    return {left: r.left, right: r.right, width: r.width, shown};
  }
  function tappable(selector) {
    return [...document.querySelectorAll(selector)].filter(a => {
      const r = a.getBoundingClientRect();
      if (!(r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= vw
            && r.top >= 0 && r.bottom <= vh)) return false;
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return hit !== null && (hit === a || a.contains(hit));
    }).map(a => a.getAttribute('href'));
  }
  return {
    primary: box('.bd-sidebar-primary'), secondary: box('.bd-sidebar-secondary'),
    article: box('.bd-article-container'),
    chapterLinks: tappable('.bd-sidebar-primary nav.bd-docs-nav a.reference'),
    tocLinks: tappable('.bd-sidebar-secondary nav.page-toc a'),
  };
}"""


def _layout(page):
    return page.evaluate(_LAYOUT)


def _until(page, condition, what):
    """Wait (up to 5 s: sidebars slide in) until ``condition(layout)`` holds; the layout."""
    for _ in range(50):
        layout = _layout(page)
        if condition(layout):
            return layout
        page.wait_for_timeout(100)
    pytest.fail(f"{what}; measured: {layout}")


def _the_button(page, kind):
    """The one ☰ (kind "primary") or page-contents ("secondary") button a reader sees."""
    buttons = page.locator(f"button.{kind}-toggle:visible")
    assert buttons.count() == 1, f"{buttons.count()} visible {kind}-toggle buttons"
    return buttons.first


def _chapter_list_shown(layout):
    side = layout["primary"]
    return side["shown"] and side["left"] >= -1 and side["width"] >= 200 \
        and len(layout["chapterLinks"]) >= 5


def _chapter_list_hidden(layout):
    return not layout["primary"]["shown"] and not layout["chapterLinks"]


def test_phone_menu_shows_the_chapter_list_and_its_links_navigate(visit):
    v = visit("chapters/01_single_neuron.html", **PHONE)
    page = v.page
    _until(page, _chapter_list_hidden, "at 390 px the chapter list should start hidden")
    _the_button(page, "primary").tap()
    layout = _until(page, _chapter_list_shown, "a tap on ☰ should show the chapter list")
    target = next((href for href in layout["chapterLinks"] if "02_deep_networks" in href), None)
    assert target, f"chapter 2 is not among the tappable links: {layout['chapterLinks']}"
    page.locator(f'.bd-sidebar-primary a.reference[href="{target}"]').tap()
    page.wait_for_url("**/chapters/02_deep_networks.html", timeout=10_000)
    assert not v.problems, "\n".join(v.problems)


def test_desktop_menu_hides_and_shows_the_sidebar(visit):
    v = visit("chapters/01_single_neuron.html", **DESKTOP)
    page = v.page
    shown = _until(page, _chapter_list_shown, "at 1366 px the chapter list should be shown")
    assert shown["article"]["left"] >= shown["primary"]["right"] - 1, shown
    _the_button(page, "primary").click()
    hidden = _until(page, _chapter_list_hidden, "☰ should hide the sidebar")
    assert hidden["article"]["width"] >= shown["article"]["width"] + 150, (
        f"the page did not get the sidebar's room: {shown['article']} -> {hidden['article']}")
    _the_button(page, "primary").click()
    again = _until(page, _chapter_list_shown, "a second ☰ should bring the sidebar back")
    assert abs(again["primary"]["width"] - shown["primary"]["width"]) <= 1, (shown, again)
    assert not v.problems, "\n".join(v.problems)


def test_page_contents_button_shows_the_sections_of_the_page(visit):
    v = visit("chapters/01_single_neuron.html", **TABLET)
    page = v.page
    _until(page, lambda lay: not lay["secondary"]["shown"] and not lay["tocLinks"],
           "at 800 px the page contents should start hidden")
    _the_button(page, "secondary").click()
    layout = _until(page, lambda lay: lay["secondary"]["shown"] and len(lay["tocLinks"]) >= 3
                    and lay["secondary"]["width"] >= 200,
                    "the page-contents button should show the sections of the page")
    target = layout["tocLinks"][1]
    assert target.startswith("#"), target
    page.locator(f'.bd-sidebar-secondary nav.page-toc a[href="{target}"]').click()
    page.wait_for_function(f"location.hash === {target!r}", timeout=5_000)
    # The page scrolls smoothly: wait for the section's heading to reach the top half.
    top = f"document.getElementById({target[1:]!r}).getBoundingClientRect().top"
    page.wait_for_function(f"{top} >= 0 && {top} < innerHeight / 2", timeout=5_000)
    page.mouse.click(100, 500)  # beside the drawer, the way a reader closes it
    _until(page, lambda lay: not lay["secondary"]["shown"] and not lay["tocLinks"],
           "a click beside the page contents should close them again")
    assert not v.problems, "\n".join(v.problems)


# What a reader can type a search into: the sidebar's field, the search page's own field.
_SEARCH_FIELDS = """() => [...document.querySelectorAll(
    'input[type=search], input[name=q], .search-button-field')]
  .filter(el => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
                && el.getBoundingClientRect().width > 0)
  .map(el => el.tagName.toLowerCase() + '.' + el.className)"""


@pytest.mark.parametrize("screen", [PHONE, TABLET, DESKTOP], ids=["390", "800", "1366"])
def test_one_search_field_at_most(visit, screen):
    """A reader meets one search field, never two: the sidebar's on other pages, the search
    page's own on the search page (where a second, in the sidebar, used to sit)."""
    for path in ("search.html?q=neuron", "chapters/01_single_neuron.html"):
        page = visit(path, **screen).page
        fields = page.evaluate(_SEARCH_FIELDS)
        assert len(fields) <= 1, f"{path}: {fields}"
        searchable = fields or page.locator(".search-button__button:visible").count()
        assert searchable, f"{path}: no way to search at this width"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_logo_and_favicon(visit, base_url, scheme):
    v = visit("index.html", color_scheme=scheme, **DESKTOP)
    page = v.page
    logo = page.locator(".navbar-brand img.logo__image:visible")
    assert logo.count() == 1, f"{logo.count()} logos shown in {scheme} mode"
    box = logo.bounding_box()
    assert logo.evaluate("img => img.naturalWidth") > 0 and box["width"] >= 32, box
    assert page.locator(".logo__title:visible").inner_text() == "Deep Learning with Keras"
    sidebar = page.locator(".bd-sidebar-primary").inner_text()
    assert sidebar.count("Deep Learning with Keras") == 1, "the course name is shown twice"
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    response = page.request.get(base_url + icon)
    assert response.ok and response.headers["content-type"] == "image/svg+xml", icon
    assert not v.problems, "\n".join(v.problems)


def _chinese_font_families():
    """The font families of this machine that cover Chinese (fontconfig's own list)."""
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True,
                                text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    return {name for line in listed.splitlines() for name in line.split(",")}


# Every Chinese character of the page, with the language of the element around it.
_CHINESE_TEXT = """() => {
  const found = [], walker = document.createTreeWalker(document.querySelector('article'),
                                                       NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (/[\\u3400-\\u9fff]/.test(node.textContent))
      found.push({text: node.textContent.trim(), lang: node.parentElement.closest('[lang]').lang});
  }
  return found;
}"""


def test_chinese_terms_are_drawn_with_a_chinese_font(visit):
    """The glossary's Chinese terms are marked lang="zh" and drawn with a font that has their
    glyphs (fontconfig lists it as covering Chinese), never as empty boxes: a font without
    them draws them as its missing-glyph box, and Chromium then names that font."""
    families = _chinese_font_families()
    if not families:
        pytest.skip("no Chinese font on this machine (make system installs fonts-noto-cjk)")
    v = visit("glossary.html", **DESKTOP)
    page = v.page
    page.evaluate("document.fonts.ready")
    chinese = page.evaluate(_CHINESE_TEXT)
    assert len(chinese) >= 80, len(chinese)
    assert all(item["lang"] == "zh" for item in chinese), [
        item for item in chinese if item["lang"] != "zh"][:5]
    cdp = v.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    spans = cdp.send("DOM.querySelectorAll", {"nodeId": root,
                                             "selector": "article span[lang=zh]"})["nodeIds"]
    assert len(spans) == len(chinese)
    wrong = []
    for node in spans:
        text = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
        for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
            if font["familyName"] not in families:
                wrong.append(f"{text}: {font['glyphCount']} glyphs in {font['familyName']}")
    assert not wrong, "Chinese drawn with fonts that have no Chinese:\n" + "\n".join(wrong[:10])
    assert not v.problems, "\n".join(v.problems)
