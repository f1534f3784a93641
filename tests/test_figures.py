"""Every figure of the built site as a reader sees it: sharp, legible, described.

Legibility is measured, not assumed. ``dlcourse`` writes into each PNG it shows the smallest
font size (in points) that matplotlib drew in it and the dpi it was drawn at
(:func:`dlcourse.plots.figure_png`, and every frame of an animation). Chromium, at desktop
width, gives the width the page displays the image at. A ``f``-point font drawn at ``dpi``
is ``f * dpi / 72`` image pixels tall; shown at ``displayed / natural`` CSS pixels per image
pixel and 96 CSS pixels per inch, it reads as ``f * dpi / 96 * displayed / natural`` points.
That must be at least 9 points, and the image must have ``PIXEL_DENSITY`` (2) image pixels
per CSS pixel at least, or it looks blurred on a high-density screen.
"""

import base64
import io
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from conftest import SITE, toc_entries
from dlcourse import plots
from test_browser import (  # noqa: F401  (pytest fixtures, reused)
    DESKTOP,
    base_url,
    browser,
    in_the_browser,
    visit,
)

FLOOR_PT = 9.0
PAGES = [f"{entry}.html" for entry in toc_entries()]
CHAPTERS = [page for page in PAGES if page.startswith("chapters/")]
needs_site = pytest.mark.skipif(not (SITE / "index.html").exists(), reason="run `make book` first")


def image_bytes(src):
    """The bytes of an image the page shows: a data URI, or a file of the built site."""
    if src.startswith("data:"):
        return base64.b64decode(src.split(",", 1)[1])
    return (SITE / unquote(urlsplit(src).path).lstrip("/")).read_bytes()


def legibility(data, displayed):
    """``(pixels per CSS pixel, smallest font in points as displayed or None, problem)``."""
    image = Image.open(io.BytesIO(data))
    density = image.size[0] / displayed
    record = getattr(image, "text", {}) or {}
    if plots.DPI_KEY not in record:
        return density, None, "no font record: not drawn through dlcourse"
    if plots.FONT_KEY not in record:
        return density, None, None  # no text in it
    font = float(record[plots.FONT_KEY]) * float(record[plots.DPI_KEY]) / 96 / density
    return density, font, None


def test_legibility_formula_on_a_figure_of_known_size():
    """A 9-point label drawn 2x and shown at half its pixels reads 9 points; squeezed into
    half that width it reads 4.5 points."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3), dpi=96)
    ax.set_title("nine points", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    data, size = plots.figure_png(fig)
    plt.close(fig)
    png = base64.b64decode(data)
    assert legibility(png, size["width"])[:2] == pytest.approx((2.0, 9.0), rel=0.01)
    assert legibility(png, size["width"] / 2)[1] == pytest.approx(4.5, rel=0.01)


MEANINGLESS = ("", "png", "image", "figure", "output", "an animation")


def _meaningless(alt):
    alt = (alt or "").strip()
    return (alt.lower() in MEANINGLESS or "/" in alt or alt.lower().endswith(
        (".png", ".svg", ".jpg", ".jpeg", ".gif")) or len(alt.split()) < 3)


@needs_site
@pytest.mark.parametrize("page", CHAPTERS)
def test_every_image_of_a_chapter_has_a_meaningful_alt(page):
    soup = BeautifulSoup((SITE / page).read_text(), "html.parser")
    images = soup.select("article img")
    bad = [(img.get("src", "")[:60], img.get("alt")) for img in images
           if _meaningless(img.get("alt"))]
    assert not bad, f"{len(bad)} of {len(images)} images without a meaningful alt: {bad}"


def test_the_alt_check_refuses_paths_and_placeholders():
    for alt in [None, "", "png", "../_images/3f2a.png", "abc.png", "an animation", "plot"]:
        assert _meaningless(alt), alt
    assert not _meaningless("Learning curves of the network, loss against the epoch.")


# ---------------------------------------------------------------- in the browser

_IMAGES = """async () => {
  document.querySelectorAll('article details').forEach(d => d.open = true);
  const images = [...document.querySelectorAll('article img')];
  await Promise.all(images.map(i => i.decode().catch(() => null)));
  return images.map(i => ({src: i.currentSrc || i.src, alt: i.alt,
                           shown: i.getBoundingClientRect().width, natural: i.naturalWidth}));
}"""


def measure(page):
    """One row per image of ``page``: what is displayed, at what density and font size."""
    rows = []
    for image in page.evaluate(_IMAGES):
        row = {"src": image["src"][:70], "shown": image["shown"], "natural": image["natural"]}
        if image["shown"] <= 0:
            row["problem"] = "not displayed"
        elif image["src"].split("?")[0].endswith(".svg"):
            row["problem"] = None  # vector: sharp at any size, fonts not recorded
        else:
            row["density"], row["font_pt"], row["problem"] = legibility(
                image_bytes(image["src"]), image["shown"])
        rows.append(row)
    return rows


@in_the_browser
@pytest.mark.parametrize("path", PAGES)
def test_figures_are_sharp_and_their_text_is_9_points_at_least(visit, path):
    rows = measure(visit(path, **DESKTOP).page)
    bad = []
    for row in rows:
        if row.get("problem"):
            bad.append(f"{row['src']}: {row['problem']}")
        elif "density" in row and row["density"] < plots.PIXEL_DENSITY - 0.02:
            bad.append(f"{row['src']}: {row['density']:.2f} image pixels per CSS pixel")
        elif row.get("font_pt") is not None and row["font_pt"] < FLOOR_PT - 0.05:
            # (0.05: an odd-width PNG shown at half its width, rounded down, reads 8.99)
            bad.append(f"{row['src']}: smallest text {row['font_pt']:.1f} pt as displayed"
                       f" ({row['shown']:.0f} px wide, {row['natural']} px image)")
    assert not bad, f"{len(bad)} of {len(rows)} figures:\n" + "\n".join(bad)


_PLAYER = """() => [...document.querySelectorAll('.animation')].map(player => ({
  glyphs: [...player.querySelectorAll('.anim-buttons button')]
    .map(b => b.textContent.trim()).filter(Boolean),
  icons: player.querySelectorAll('.anim-buttons button svg').length,
  buttons: player.querySelectorAll('.anim-buttons button').length,
  max: +player.querySelector('input.anim-slider').max,
}))"""


def _frame(page):
    return page.evaluate("+document.querySelector('.animation input.anim-slider').value")


@in_the_browser
@pytest.mark.parametrize("path", [p for p in CHAPTERS if p.startswith(("chapters/03_",
                                                                        "chapters/10_"))])
def test_animation_buttons_are_icons_that_do_what_they_say(visit, path):
    page = visit(path, **DESKTOP).page
    players = page.evaluate(_PLAYER)
    assert players, "the page has no animation player"
    for player in players:
        assert player["buttons"] == player["icons"] == 9 and not player["glyphs"], player
    controls = page.locator(".animation").first
    controls.locator('button[title="Pause"]').click()
    last = players[0]["max"]
    for title, frame in [("Last frame", last), ("Previous frame", last - 1),
                         ("First frame", 0), ("Next frame", 1)]:
        controls.locator(f'button[title="{title}"]').click()
        assert _frame(page) == frame, f"{title}: frame {_frame(page)}, expected {frame}"
