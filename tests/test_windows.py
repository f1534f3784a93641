"""Tests of dlcourse.windows and dlcourse.animations: the sliding-window geometry follows
Keras, the animation works offline, the figures have their panels."""

import re

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib import animation
from matplotlib.figure import Figure

from dlcourse import animations, windows

CASES = [(n, f, s, p) for n in (1, 2, 5, 7, 8, 9) for f in (1, 2, 3, 4) for s in (1, 2, 3)
         for p in windows.PADDINGS if p == "same" or f <= n]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("n, f, s, padding", CASES)
def test_window_values_equal_keras_conv_and_pooling(n, f, s, padding):
    image = np.random.default_rng(n * 100 + f * 10 + s).integers(-9, 10, (n, n)).astype("float32")
    x = image[None, :, :, None]
    conv = keras.layers.Conv2D(1, f, strides=s, padding=padding, use_bias=False,
                               kernel_initializer="ones")
    pool = keras.layers.MaxPooling2D(f, strides=s, padding=padding)
    np.testing.assert_allclose(windows.window_values(image, f, s, padding, "sum"),
                               np.asarray(conv(x))[0, :, :, 0], atol=1e-5)
    np.testing.assert_allclose(windows.window_values(image, f, s, padding, "max"),
                               np.asarray(pool(x))[0, :, :, 0], atol=1e-5)


def test_geometry_rejects_what_keras_cannot_do():
    with pytest.raises(ValueError):
        windows.window_values(np.zeros((2, 2)), 3, 1, "valid")
    with pytest.raises(ValueError):
        windows.coverage(5, 3, 1, "full")


def test_coverage_counts_every_window_once():
    for n, f, s, padding in CASES:
        counts, before = windows.coverage(n, f, s, padding)
        out = windows.window_values(np.zeros((n, n)), f, s, padding).shape[0]
        assert counts.sum() == out * out * f * f
        assert before >= 0 and counts.shape[0] >= n


def test_stride_larger_than_the_window_leaves_pixels_unseen():
    counts, before = windows.coverage(8, 2, 3, "valid")
    assert before == 0 and np.sum(counts == 0) == 28


def test_sliding_window_animation_is_offline_and_has_one_frame_per_output_cell():
    html = windows.sliding_window(size=5, kernel=3, stride=2, padding="same").data
    assert "font-awesome" not in html and "<link" not in html
    assert not re.search(r"https?://", html)
    assert 'class="fa ' not in html
    assert "new Array(10)" in html  # 3x3 output cells, then the finished output
    assert not plt.get_fignums(), "the animation's figure is closed"


def test_offline_player_of_any_animation():
    fig, ax = plt.subplots()
    (line,) = ax.plot([], [])
    movie = animation.FuncAnimation(fig, lambda k: line.set_data([0, k], [0, k]), frames=3)
    html = animations.offline_jshtml(movie)
    assert "font-awesome" not in html and 'class="fa ' not in html
    buttons = re.findall(r"<button[^>]*>(.*?)</button>", html, re.S)
    assert len(buttons) == 9 and all("<svg" in b and "<path" in b for b in buttons)
    assert not any(re.sub(r"<[^>]+>", "", b).strip() for b in buttons), "no text glyphs"
    assert animations.to_html(movie).data
    assert not plt.get_fignums()


def test_plot_coverage_has_one_panel_per_setting():
    fig = windows.plot_coverage(6, [(3, 1, "valid"), (3, 2, "same")])
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert "6\u00d76 \u2192 4\u00d74" in fig.axes[0].get_title()
    assert "6\u00d76 \u2192 3\u00d73" in fig.axes[1].get_title()


def test_support_box_and_receptive_field_figure():
    g = np.zeros((10, 10))
    g[2:7, 3:8] = 1.0
    assert windows.support_box(g) == (2, 6, 3, 7)
    assert windows.support_box(np.zeros((3, 3))) is None
    fig = windows.plot_receptive_fields([g, g], ["a", "b"], ncols=2)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert fig.axes[0].get_xlabel() == "measured: 5\u00d75"


def test_fields_on_image():
    fig = windows.plot_fields_on_image(np.zeros((16, 16, 3)), [3, 7], labels=["a", "b"])
    assert len(fig.axes[0].patches) == 2


def _frames(html):
    import base64
    import io

    from PIL import Image

    # The player's script holds each frame as base64 lines joined by backslash-newlines.
    return [Image.open(io.BytesIO(base64.b64decode(re.sub(r"[\\\n]", "", data))))
            for data in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=\\\n]+)", html)]


def test_animation_frames_are_retina_record_their_fonts_and_have_an_alt():
    html = windows.sliding_window(size=4, kernel=3, stride=1).data
    frames = _frames(html)
    assert len(frames) == 5  # 2x2 output cells, then the finished output
    width = int(re.search(r'<img alt="[^"]{20,}" width="(\d+)"', html).group(1))
    for frame in frames:
        assert frame.size[0] == 2 * width
        assert float(frame.text["dlcourse:smallest-font-pt"]) >= 9


def test_descent_shows_every_step():
    path = np.array([[0.0, 0.0], [0.5, 0.2], [1.0, 0.4]])
    x, y = np.arange(4.0), 2 * np.arange(4.0)
    html = animations.descent(path, x, y, [[0, 1], [2, 3]], lambda ax: None).data
    assert len(_frames(html)) == 3  # the start and both steps
    with pytest.raises(ValueError, match="batches"):
        animations.descent(path, x, y, [[0, 1]], lambda ax: None)
    assert not plt.get_fignums()


def test_descent_with_several_steps_per_frame_still_ends_on_the_last_step():
    path = np.cumsum(np.full((5, 2), 0.1), axis=0)
    x, y = np.arange(4.0), 2 * np.arange(4.0)
    batches = [[0], [1], [2], [3]]
    html = animations.descent(path, x, y, batches, lambda ax: None, steps_per_frame=3).data
    assert len(_frames(html)) == 3  # steps 0 and 3, then the last one, step 4


def _contour_movie():
    """A moving line and title over contours, the kind of movie descent blits."""
    fig, ax = plt.subplots(figsize=(3, 2))
    grid = np.linspace(-1, 1, 60)
    ax.contour(grid, grid, np.add.outer(grid**2, 2 * grid**2), levels=8, colors="0.7")
    (line,) = ax.plot([], [], color="C1", lw=2)
    title = ax.set_title(" ")

    def show(k):
        line.set_data([-1, 1], [-k / 4, k / 4])
        title.set_text(f"frame {k}")
        return line, title

    return animation.FuncAnimation(fig, show, frames=5, interval=100)


def test_blitted_frames_look_like_fully_drawn_ones():
    full = _frames(animations.offline_jshtml(_contour_movie()))
    blitted = _frames(animations.offline_jshtml(_contour_movie(), blit=True))
    assert len(full) == len(blitted) == 5
    for a, b in zip(full, blitted, strict=True):
        a, b = (np.asarray(frame.convert("RGB"), dtype=int) for frame in (a, b))
        # Antialiased edges may round apart; a missing or misplaced artist would not.
        assert np.mean(np.abs(a - b).max(axis=-1) > 64) < 5e-4
