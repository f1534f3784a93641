"""Animations that work on an offline page, sharp and legible.

matplotlib's HTML player (``FuncAnimation.to_jshtml``) loads its button icons from a CDN
stylesheet (Font Awesome) and draws its frames at one pixel per screen pixel. The course's
pages must work without a network, so :func:`to_html` drops that stylesheet and draws the
buttons as small inline SVG icons (no font needed), and draws each frame at
``plots.PIXEL_DENSITY`` pixels per screen pixel with its smallest font recorded, like the
figures of :func:`dlcourse.plots.figure_png`.

    from dlcourse import animations
    animations.to_html(movie, alt="...")  # an IPython HTML object, shown by a cell's last line
    animations.descent(path, x, y, batches, landscape)  # chapter 3's minibatch SGD
"""

import base64
import html
import io
import re
from pathlib import Path
from tempfile import TemporaryDirectory

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation
from matplotlib.animation import HTMLWriter

from dlcourse.plots import PIXEL_DENSITY, font_record

# The player's buttons (Font Awesome classes) as shapes in a 16 x 16 box, in the usual
# meaning of media players: |<< first frame, |< previous, > play, >| next, >>| last.
_BAR_LEFT, _BAR_RIGHT = "M2 3h2v10H2z", "M12 3h2v10h-2z"
BUTTON_ICONS = {
    "fa-minus": "M3 7h10v2H3z",
    "fa-fast-backward": _BAR_LEFT + "M9 3v10L4 8zM15 3v10L10 8z",
    "fa-step-backward": _BAR_LEFT + "M13 3v10L5 8z",
    "fa-play fa-flip-horizontal": "M12 3v10L4 8z",
    "fa-pause": "M4 3h3v10H4zM9 3h3v10H9z",
    "fa-play": "M4 3v10l8-5z",
    "fa-step-forward": "M3 3v10l8-5z" + _BAR_RIGHT,
    "fa-fast-forward": "M1 3v10l5-5zM7 3v10l5-5z" + _BAR_RIGHT,
    "fa-plus": "M7 3h2v4h4v2H9v4H7V9H3V7h4z",
}


def _icon(path):
    return (f'<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"'
            f' fill="currentColor"><path d="{path}"/></svg>')


class _RecordingWriter(HTMLWriter):
    """matplotlib's HTML writer, with frames that note their smallest font and are stored
    with a palette of ``COLOURS`` colours: 2x frames of full colour would weigh about
    230 kB each, a few MB for a minute of animation, in the page.

    Given the ``movie`` (to blit), whose frame function returns the artists it changes, the
    rest of the figure is drawn once and every frame draws only those artists, on top, on a
    copy of it: a frame then costs the few lines that move, not the contours under them."""

    COLOURS = 32

    def __init__(self, *args, movie=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._movie, self._background, self._screen_dpi = movie, None, None

    def _rgba(self, savefig_kwargs):
        """The current frame's raw RGBA pixels, as matplotlib's video writers grab them: a
        PNG here would be compressed only to be decoded again."""
        changed = getattr(self._movie, "_drawn_artists", None)
        if not changed:
            drawn = io.BytesIO()
            self.fig.savefig(drawn, format="rgba", dpi=self.dpi, **savefig_kwargs)
            return drawn.getbuffer()
        canvas = self.fig.canvas
        if self._background is None:
            self._screen_dpi = self.fig.dpi
            self.fig.set_dpi(self.dpi)
            # matplotlib's own blitting: a draw leaves animated artists out, except while
            # saving (Animation.save sets _is_saving), so the still part is drawn unsaved.
            for artist in changed:
                artist.set_animated(True)
            saving, canvas._is_saving = canvas._is_saving, False
            canvas.draw()
            canvas._is_saving = saving
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        canvas.restore_region(self._background)
        for artist in changed:
            self.fig.draw_artist(artist)
        return canvas.buffer_rgba()

    def finish(self):
        if self._screen_dpi is not None:
            self.fig.set_dpi(self._screen_dpi)
            for artist in self._movie._drawn_artists:
                artist.set_animated(False)
        super().finish()

    def grab_frame(self, **savefig_kwargs):
        from PIL import Image
        from PIL.PngImagePlugin import PngInfo

        pixels = Image.frombuffer("RGBA", self.frame_size, self._rgba(savefig_kwargs),
                                  "raw", "RGBA", 0, 1)
        info = PngInfo()
        for key, value in font_record(self.fig, self.dpi).items():
            info.add_text(key, value)
        frame = io.BytesIO()
        pixels.convert("RGB").quantize(self.COLOURS, Image.Quantize.FASTOCTREE).save(
            frame, format="png", pnginfo=info)
        # What HTMLWriter.grab_frame does with a frame it embeds (its size limit aside).
        self._saved_frames.append(base64.encodebytes(frame.getvalue()).decode("ascii"))


def offline_jshtml(movie, default_mode="loop", alt="an animation", blit=False):
    """The HTML of matplotlib's player for ``movie``, without any network resource.

    Frames are drawn at ``PIXEL_DENSITY`` times the figure's dpi and shown at the figure's
    size; ``alt`` describes the animation to a screen reader. ``blit`` draws the still
    part once, for a movie whose frame function returns the artists it changes and where
    nothing still lies on top of them (they are drawn over everything else).
    """
    fig = movie._fig
    fps = 1000 / movie._interval
    with TemporaryDirectory() as folder:
        path = Path(folder, "movie.html")
        writer = _RecordingWriter(fps=fps, embed_frames=True, default_mode=default_mode,
                                  movie=movie if blit else None)
        # The save loop also redraws the whole figure on screen after every frame; no
        # frame uses that drawing, which cost as much as the frame itself.
        fig.canvas.draw_idle = lambda *args, **kwargs: None
        try:
            movie.save(str(path), writer=writer, dpi=PIXEL_DENSITY * fig.dpi)
        finally:
            del fig.canvas.draw_idle
        player = path.read_text()
    player = re.sub(r"<link[^>]*font-awesome[^>]*>", "", player)
    for name, shape in BUTTON_ICONS.items():
        player = player.replace(f'<i class="fa {name}"></i>', _icon(shape))
    width = round(fig.get_figwidth() * fig.dpi)
    return player.replace('<img id="_anim_img',
                          f'<img alt="{html.escape(alt)}" width="{width}" id="_anim_img')


def to_html(movie, fig=None, default_mode="loop", alt="an animation", blit=False):
    """``movie`` (a ``matplotlib.animation.Animation``) as an offline HTML player.

    The figure the movie draws on (``fig``, found on the movie when not given) is closed, so
    the notebook shows the player only, not a still copy of its last frame.
    """
    from IPython.display import HTML

    player = offline_jshtml(movie, default_mode=default_mode, alt=alt, blit=blit)
    fig = fig if fig is not None else getattr(movie, "_fig", None)
    if fig is not None:
        plt.close(fig)
    return HTML(player)


def descent(path, x, y, batches, landscape, interval=250, steps_per_frame=1):
    """Minibatch SGD fitting a line ``w x + b``, step by step, as an offline HTML player.

    ``path`` holds every ``(w, b)`` visited, start included; ``batches[k]`` the rows
    ``(x, y)`` whose gradient took step ``k`` (one per step); ``landscape(ax)`` draws the
    loss in the ``(w, b)`` plane. Left, the path so far over the landscape; right, the data,
    the line of the current ``(w, b)`` and, in red, the batches of the next
    ``steps_per_frame`` steps. The last frame always shows the last step. The contours
    are drawn once (blitting); each frame draws the moving artists at twice the screen's
    density.
    """
    path, x, y = (np.asarray(a, dtype=float) for a in (path, x, y))
    if len(batches) != len(path) - 1:
        raise ValueError(f"{len(path) - 1} steps need {len(path) - 1} batches,"
                         f" got {len(batches)}")
    fig, (ax_path, ax_line) = plt.subplots(1, 2, figsize=(6.6, 3.0))
    landscape(ax_path)
    (trail,) = ax_path.plot([], [], "o-", color="C1", ms=3, lw=1)
    ax_line.scatter(x, y, s=6, color="0.75")
    next_label = ("the next batch" if steps_per_frame == 1
                  else f"the next {steps_per_frame} batches")
    (batch_dots,) = ax_line.plot([], [], "o", color="C3", ms=4, label=next_label)
    (fitted,) = ax_line.plot([], [], color="C1", lw=2, label="the line w x + b")
    span = np.array([x.min(), x.max()])
    ax_line.set_xlim(*span)
    ax_line.set_ylim(y.min() - 1, y.max() + 1)
    ax_line.set_xlabel("x")
    ax_line.set_ylabel("y")
    ax_line.legend(loc="upper left", fontsize=9)
    title = ax_line.set_title(" ", fontsize=10)
    fig.tight_layout()
    steps = len(path) - 1

    def show(step):
        trail.set_data(*path[:step + 1].T)
        w, b = path[step]
        fitted.set_data(span, w * span + b)
        rows = np.concatenate([[], *batches[step:step + steps_per_frame]]).astype(int)
        batch_dots.set_data(x[rows], y[rows])
        title.set_text(f"step {step} of {steps}: w = {w:.2f}, b = {b:.2f}")
        return trail, batch_dots, fitted, title  # in the order the figure draws them

    frames = [*range(0, steps, steps_per_frame), steps]
    movie = animation.FuncAnimation(fig, show, frames=frames, interval=interval)
    every = "" if steps_per_frame == 1 else f", {steps_per_frame} steps per frame"
    alt = (f"Animation of {steps} steps of minibatch SGD{every}: the path of (w, b) over"
           " the contours of the loss, and the fitted line moving towards the data, with"
           " the batch of each step in red.")
    return to_html(movie, fig=fig, alt=alt, blit=True)
