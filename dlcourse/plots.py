"""Figures the chapters draw again and again, and how a notebook shows them.

Every function draws with matplotlib and returns the ``Figure`` so a notebook can tweak or
save it; none of them calls ``plt.show()`` (Jupyter displays the figure by itself).

Importing :mod:`dlcourse` calls :func:`show_crisp_figures`: a notebook then shows each
figure as a PNG with two pixels per screen pixel, at one figure inch per screen inch, and
the PNG records the smallest font it was drawn with (the website's tests read it to check
that every label stays legible at the size the page shows it).
"""

import base64
import io
import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

_HIGHLIGHT = "#d62728"  # the window of a correlation and the output cell it fills

# ---------------------------------------------------------------- how figures are shown

SCREEN_DPI = 96  # a CSS inch: a figure inch shows as an inch of the page
PIXEL_DENSITY = 2  # image pixels per screen pixel ("retina"), so text stays sharp
COLUMN_INCHES = 7.2  # the widest figure: the text column is 721 px (7.5 in) at desktop width,
# and a tight bounding box may add a little (a title wider than its panel)
FONT_KEY = "dlcourse:smallest-font-pt"  # PNG text chunks written by figure_png
DPI_KEY = "dlcourse:dpi"


class _FontRecorder(RendererAgg):
    """An Agg renderer that notes the size of every piece of text it is asked to draw."""

    def __init__(self, fig):
        super().__init__(int(fig.bbox.width), int(fig.bbox.height), fig.dpi)
        self.sizes = []

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if s.strip():
            self.sizes.append(prop.get_size_in_points())


def smallest_font(fig):
    """The smallest font size (in points) of the text ``fig`` draws, or ``None`` if none.

    It draws the figure and notes each text it draws, so hidden axes and ticks do not count.
    """
    recorder = _FontRecorder(fig)
    fig.draw(recorder)
    return min(recorder.sizes, default=None)


def font_record(fig, dpi):
    """The PNG text chunks that say how large ``fig``'s text is once saved at ``dpi``."""
    font = smallest_font(fig)
    record = {DPI_KEY: f"{dpi:g}"}
    if font is not None:
        record[FONT_KEY] = f"{font:g}"
    return record


def figure_png(fig):
    """``fig`` as Jupyter shows it here: ``(base64 PNG, {"width", "height"})``, the PNG
    drawn at ``PIXEL_DENSITY`` times the figure's dpi and shown at its size in inches."""
    from PIL import Image

    if not fig.axes and not fig.lines:  # an empty figure shows nothing, as in Jupyter
        return None
    dpi = PIXEL_DENSITY * fig.dpi
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight",
                metadata=font_record(fig, dpi))
    width, height = Image.open(buffer).size
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    return png, {"width": width // PIXEL_DENSITY,
                               "height": height // PIXEL_DENSITY}


def show_crisp_figures():
    """Make this notebook show figures with :func:`figure_png` (nothing outside IPython)."""
    plt.rcParams["figure.dpi"] = SCREEN_DPI
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        # matplotlib loads its backend on the first figure, and Jupyter's inline backend
        # then installs its own PNG formatter: load it now, so that ours comes after it.
        plt.switch_backend(matplotlib.get_backend())
        shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)


def fit_column(width, height):
    """A figure size ``(width, height)`` in inches, scaled down to the text column's width
    if wider: wider figures would be shrunk by the page, their text with them."""
    scale = min(1.0, COLUMN_INCHES / width)
    return width * scale, height * scale



def plot_learning_curves(history, metrics=None, title=None):
    """Training (and validation, when present) curves, one panel per quantity.

    ``history`` is what ``model.fit`` returns, or its ``.history`` dict. ``metrics`` picks
    the quantities (default: every one that is not a ``val_`` twin, loss first).
    """
    curves = getattr(history, "history", history)
    if not curves:
        raise ValueError("the history is empty: was the model trained?")
    if metrics is None:
        metrics = [k for k in curves if not k.startswith("val_")]
        metrics.sort(key=lambda k: k != "loss")
    fig, axes = plt.subplots(1, len(metrics), squeeze=False,
                             figsize=fit_column(3.75 * len(metrics), 3.2))
    for ax, name in zip(axes[0], metrics, strict=True):
        epochs = np.arange(1, len(curves[name]) + 1)
        ax.plot(epochs, curves[name], label="training")
        if f"val_{name}" in curves:
            ax.plot(epochs, curves[f"val_{name}"], label="validation")
            ax.legend()
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig



def plot_runs(runs, metrics, labels=None, log_scale=()):
    """Curves of several settings trained from several seeds: the mean over the seeds as a
    line, their range as a band, one panel per metric (at most two panels per row).

    ``runs`` maps a setting's name to a list of histories (what ``model.fit`` returns, or
    their ``.history`` dicts), one per seed; ``labels`` are the panels' y labels (default:
    the metric names); ``log_scale`` lists the metrics drawn on a log scale.
    """
    labels = list(metrics) if labels is None else list(labels)
    if len(labels) != len(metrics):
        raise ValueError("give one label per metric")
    ncols = min(2, len(metrics))
    nrows = math.ceil(len(metrics) / ncols)
    fig, axes = plt.subplots(nrows, ncols, squeeze=False,
                             figsize=fit_column(3.75 * ncols, 3.3 * nrows))
    for ax, metric, label in zip(axes.flat, metrics, labels, strict=False):  # spare axes
        for name, histories in runs.items():
            curves = np.array([getattr(h, "history", h)[metric] for h in histories])
            epochs = np.arange(1, curves.shape[1] + 1)
            seeds = f"{len(curves)} seed{'s' if len(curves) > 1 else ''}"
            (line,) = ax.plot(epochs, curves.mean(axis=0), label=f"{name} ({seeds})")
            ax.fill_between(epochs, curves.min(axis=0), curves.max(axis=0),
                            color=line.get_color(), alpha=0.25, linewidth=0)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        if metric in log_scale:
            ax.set_yscale("log")
    for ax in axes.flat[len(metrics):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=9)
    fig.tight_layout()
    return fig

def show_images(images, labels=None, class_names=None, predictions=None, ncols=8, size=1.4):
    """A grid of images with their labels (and predictions: wrong ones in red).

    ``images`` is ``(n, h, w)``, ``(n, h, w, 1)`` or ``(n, h, w, 3)`` with values in
    ``[0, 1]``.
    """
    images = np.asarray(images)
    n = len(images)
    if n == 0:
        raise ValueError("no images to show")
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=fit_column(size * ncols, (size + 0.3) * nrows))
    for i, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if i >= n:
            continue
        image = images[i]
        if image.ndim == 3 and image.shape[-1] == 1:
            image = image[..., 0]
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None, vmin=0, vmax=1)
        text, colour = _caption(i, labels, class_names, predictions)
        if text:
            ax.set_title(text, fontsize=9, color=colour)
    fig.tight_layout()
    return fig


def _caption(i, labels, class_names, predictions):
    def name(value):
        value = int(value)
        return class_names[value] if class_names is not None else str(value)

    if labels is None:
        return "", "black"
    if predictions is None:
        return name(labels[i]), "black"
    right = int(predictions[i]) == int(labels[i])
    return f"{name(predictions[i])} ({name(labels[i])})", "black" if right else "red"


RIGHT_COLOUR = "#15803d"  # green: the prediction is right
WRONG_COLOUR = "#dc2626"  # red: the prediction is wrong


def show_predictions(images, labels, probabilities, class_names=("0", "1"), threshold=0.5,
                     ncols=8, size=1.5, title=None):
    """A binary classifier's predictions on images: each framed green when right, red when wrong.

    ``probabilities`` are the model's outputs, the probability of class 1 for each image
    (shape ``(n,)`` or ``(n, 1)``, as a sigmoid output gives them). Each caption names the
    predicted class (class 1 when the probability is above ``threshold``) with the
    probability the model gives to *that* class; a wrong one adds the true class.
    """
    images = np.asarray(images)
    labels = np.asarray(labels).astype(int).ravel()
    p = np.asarray(probabilities, dtype=np.float64).ravel()
    n = len(images)
    if n == 0:
        raise ValueError("no images to show")
    if not len(labels) == len(p) == n:
        raise ValueError(f"{n} images need {n} labels and {n} probabilities,"
                         f" got {len(labels)} and {len(p)}")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("probabilities lie between 0 and 1: pass the sigmoid's outputs")
    predicted = (p > threshold).astype(int)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=fit_column(size * ncols, (size + 0.45) * nrows),
                             squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= n:
            ax.axis("off")
            continue
        image = images[i]
        if image.ndim == 3 and image.shape[-1] == 1:
            image = image[..., 0]
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None, vmin=0, vmax=1)
        right = predicted[i] == labels[i]
        colour = RIGHT_COLOUR if right else WRONG_COLOUR
        for spine in ax.spines.values():
            spine.set_color(colour)
            spine.set_linewidth(3)
        confidence = p[i] if predicted[i] == 1 else 1 - p[i]
        text = f"{class_names[predicted[i]]} {confidence:.2f}"
        if not right:
            text += f"\n(is {class_names[labels[i]]})"
        ax.set_title(text, fontsize=9, color=colour)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_kernels(kernels, ncols=8, annotate=None, titles=None):
    """Convolution kernels as images: red for positive weights, blue for negative.

    ``kernels`` is one ``(k, k)`` kernel, or a Conv2D kernel ``(k, k, channels, filters)``
    whose first input channel is shown for every filter. Small kernels are annotated with
    their values; ``titles`` gives one title per kernel.
    """
    kernels = np.asarray(kernels, dtype=np.float32)
    if kernels.ndim == 2:
        kernels = kernels[:, :, None, None]
    if kernels.ndim != 4:
        raise ValueError(f"expected a (k, k) or (k, k, in, out) kernel, got shape {kernels.shape}")
    filters = kernels[:, :, 0, :]
    count = filters.shape[-1]
    if titles is not None and len(titles) != count:
        raise ValueError(f"{count} kernels need {count} titles, got {len(titles)}")
    ncols = min(ncols, count)
    nrows = math.ceil(count / ncols)
    if annotate is None:
        annotate = filters.shape[0] <= 5 and count <= 8
    limit = float(np.abs(filters).max()) or 1.0
    fig, axes = plt.subplots(nrows, ncols, squeeze=False,
                             figsize=fit_column(1.6 * ncols, 1.6 * nrows))
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i >= count:
            continue
        ax.imshow(filters[:, :, i], cmap="RdBu_r", vmin=-limit, vmax=limit)
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
        if annotate:
            _write_values(ax, filters[:, :, i], limit)
    fig.tight_layout()
    return fig


def plot_feature_maps(maps, ncols=8, max_maps=32, title=None, titles=None, cmap=None,
                      symmetric=False):
    """The channels of one activation tensor ``(h, w, c)`` (or ``(1, h, w, c)``) side by side.

    Each map has its own colour scale: ``magma`` from its lowest to its highest value, or,
    with ``symmetric=True``, a scale centred on zero (red positive, blue negative, white
    zero) that shows the sign a ReLU would cut. ``titles`` replaces the channel numbers.
    """
    maps = np.asarray(maps, dtype=np.float32)
    if maps.ndim == 4:
        if maps.shape[0] != 1:
            raise ValueError("pass the feature maps of one image, e.g. maps[0]")
        maps = maps[0]
    if maps.ndim == 2:
        maps = maps[..., None]
    if maps.ndim != 3:
        raise ValueError(f"expected feature maps (h, w, channels), got shape {maps.shape}")
    count = min(maps.shape[-1], max_maps)
    if titles is not None and len(titles) < count:
        raise ValueError(f"{count} maps need {count} titles, got {len(titles)}")
    if cmap is None:
        cmap = "RdBu_r" if symmetric else "magma"
    ncols = min(ncols, count)
    nrows = math.ceil(count / ncols)
    fig, axes = plt.subplots(nrows, ncols, squeeze=False,
                             figsize=fit_column(1.5 * ncols, 1.7 * nrows))
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i < count:
            limit = _robust_limit(maps[:, :, i])
            scale = {"vmin": -limit, "vmax": limit} if symmetric else {}
            ax.imshow(maps[:, :, i], cmap=cmap, **scale)
            if titles is None:
                ax.set_title(str(i), fontsize=9)
            else:
                ax.set_title(titles[i], fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_arrays(arrays, titles=None, cmap="magma", annotate=None, windows=None, size=2.6,
                vmin=None, vmax=None, title=None):
    """Arrays side by side, each on its own colour scale: images, feature maps, pooled maps.

    ``arrays`` is a list of 2-D arrays (``(h, w, 1)`` counts as 2-D; ``(h, w, 3)`` is shown
    as a colour image). ``annotate`` writes each value in its cell (default: when every
    array is at most 8 x 8). ``windows`` draws the borders of the pooling windows: one size
    for every panel, or a list with one size (or ``None``) per panel. ``vmin`` and ``vmax``
    fix one colour scale for all panels.
    """
    arrays = [np.asarray(a, dtype=np.float32) for a in arrays]
    if not arrays:
        raise ValueError("no arrays to show")
    arrays = [a[..., 0] if a.ndim == 3 and a.shape[-1] == 1 else a for a in arrays]
    for a in arrays:
        if a.ndim != 2 and not (a.ndim == 3 and a.shape[-1] == 3):
            raise ValueError(f"expected 2-D arrays or (h, w, 3) images, got shape {a.shape}")
    count = len(arrays)
    titles = list(titles) if titles is not None else [""] * count
    if not isinstance(windows, (list, tuple)):
        windows = [windows] * count
    if len(titles) != count or len(windows) != count:
        raise ValueError(f"{count} arrays need {count} titles and window sizes")
    if annotate is None:
        annotate = all(max(a.shape[:2]) <= 8 for a in arrays)
    fig, axes = plt.subplots(1, count, figsize=fit_column(size * count, size + 0.3), squeeze=False)
    for ax, a, text, window in zip(axes[0], arrays, titles, windows, strict=True):
        picture = ax.imshow(a, cmap=None if a.ndim == 3 else cmap, vmin=vmin, vmax=vmax)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(text, fontsize=9)
        if window:
            for edge in range(window, a.shape[0], window):
                ax.axhline(edge - 0.5, color="white", lw=1.5)
            for edge in range(window, a.shape[1], window):
                ax.axvline(edge - 0.5, color="white", lw=1.5)
        if annotate and a.ndim == 2:
            for (r, c), value in np.ndenumerate(a):
                red, green, blue, _ = picture.cmap(picture.norm(value))
                light = 0.299 * red + 0.587 * green + 0.114 * blue > 0.5
                ax.text(c, r, f"{value:.3g}", ha="center", va="center", fontsize=9,
                        color="black" if light else "white")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _valid_correlation(image, kernel):
    """The "valid" 2-D correlation of a 2-D image with a (k, k) kernel, in float64."""
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return np.einsum("ijuv,uv->ij", windows, kernel)


def _number_grid(ax, values, fontsize=9):
    """A table of numbers: thin grid lines, each value written in its cell."""
    rows, cols = values.shape
    ax.imshow(np.zeros((rows, cols)), cmap="Greys", vmin=0, vmax=1)
    for (r, c), value in np.ndenumerate(values):
        ax.text(c, r, f"{value:.3g}", ha="center", va="center", fontsize=fontsize)
    for edge in range(1, rows):
        ax.axhline(edge - 0.5, color="0.6", lw=0.8)
    for edge in range(1, cols):
        ax.axvline(edge - 0.5, color="0.6", lw=0.8)
    ax.set_xticks([])
    ax.set_yticks([])


def _frame(ax, top, left, height, width, colour=_HIGHLIGHT):
    ax.add_patch(Rectangle((left - 0.5, top - 0.5), width, height, fill=True, lw=2.5,
                           edgecolor=colour, facecolor=colour, alpha=0.18))
    ax.add_patch(Rectangle((left - 0.5, top - 0.5), width, height, fill=False, lw=2.5,
                           edgecolor=colour))


def plot_correlation_step(image, kernel, row=0, col=0, bias=0.0):
    """One step of a 2-D correlation without padding ("valid"), as a table of numbers.

    Three panels: the input with the ``k`` x ``k`` window that output cell ``(row, col)``
    sees, the kernel, and the whole output with that cell framed; the title of the output
    panel gives the cell's value: the sum of the products of kernel and window, plus
    ``bias``. Keras' ``Conv2D`` computes exactly this output.
    """
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("expected a 2-D image and a 2-D kernel")
    k = kernel.shape[0]
    if kernel.shape != (k, k) or k > min(image.shape):
        raise ValueError(f"expected a square kernel that fits the image, got {kernel.shape}")
    output = _valid_correlation(image, kernel) + bias
    if not (0 <= row < output.shape[0] and 0 <= col < output.shape[1]):
        raise ValueError(f"the output has shape {output.shape}: no cell ({row}, {col})")
    widths = [image.shape[1], max(k, 2), output.shape[1]]
    size = fit_column(0.5 * sum(widths) + 1.5, 0.5 * image.shape[0] + 0.9)
    fig, axes = plt.subplots(1, 3, figsize=size, gridspec_kw={"width_ratios": widths})
    _number_grid(axes[0], image)
    _frame(axes[0], row, col, k, k)
    axes[0].set_title("input: the window", fontsize=10)
    _number_grid(axes[1], kernel)
    axes[1].set_title("kernel", fontsize=10)
    _number_grid(axes[2], output)
    _frame(axes[2], row, col, 1, 1)
    axes[2].set_title(f"output[{row}, {col}] = {output[row, col]:.4g}", fontsize=10)
    fig.tight_layout()
    return fig


def plot_kernel_effects(image, kernels, maps, titles=None, size=2.3):
    """An image, kernels, and the feature map each kernel makes of the image.

    ``kernels`` is a list of ``(k, k)`` arrays or a Conv2D kernel ``(k, k, 1, n)``; ``maps``
    the matching feature maps: a list of 2-D arrays, ``(h, w, n)`` or ``(1, h, w, n)``.
    Top row: the kernels (red for positive weights, blue for negative, values written when
    small); bottom row: the image, then each map in gray, from black (its lowest value) to
    white (its highest).
    """
    kernels = _as_list_of_2d(kernels, "kernels")
    maps = _as_list_of_2d(maps, "maps")
    if len(kernels) != len(maps):
        raise ValueError(f"{len(kernels)} kernels but {len(maps)} feature maps")
    titles = list(titles) if titles is not None else [""] * len(kernels)
    if len(titles) != len(kernels):
        raise ValueError(f"{len(kernels)} kernels need {len(kernels)} titles")
    image = np.asarray(image, dtype=np.float32)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    count = len(kernels) + 1
    fig, axes = plt.subplots(2, count, figsize=fit_column(size * count, 2.7 * size),
                             gridspec_kw={"height_ratios": [1, 1.6]}, squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    axes[1, 0].imshow(image, cmap="gray" if image.ndim == 2 else None, vmin=0, vmax=1)
    axes[1, 0].set_title("image", fontsize=10)
    for i, (kernel, fmap, text) in enumerate(zip(kernels, maps, titles, strict=True), start=1):
        limit = float(np.abs(kernel).max()) or 1.0
        axes[0, i].imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
        if kernel.shape[0] <= 5:
            _write_values(axes[0, i], kernel, limit)
        axes[0, i].set_title(text, fontsize=10)
        low, high = np.percentile(fmap, [0.5, 99.5])  # a few extreme pixels set no scale
        axes[1, i].imshow(fmap, cmap="gray", vmin=low, vmax=max(high, low + 1e-6))
    fig.tight_layout()
    return fig


def _weight_text(value):
    """A weight with at most two decimals: 0.11, -2, 0 (not -0.00012)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _write_values(ax, values, limit, fontsize=9):
    """Each value in its cell, white on the darkest colours of a diverging scale."""
    for (r, c), value in np.ndenumerate(values):
        colour = "white" if abs(value) > 0.6 * limit else "black"
        ax.text(c, r, _weight_text(value), ha="center", va="center", fontsize=fontsize,
                color=colour)


def _robust_limit(values):
    """A symmetric colour limit that the few strongest values do not set (edges are sparse:
    scaled to their maximum, most of a feature map would look blank)."""
    values = np.abs(values)
    return float(np.percentile(values, 98)) or float(values.max()) or 1.0


def _as_list_of_2d(arrays, what):
    if isinstance(arrays, (list, tuple)):
        arrays = [np.asarray(a, dtype=np.float32) for a in arrays]
        arrays = [a[..., 0] if a.ndim == 3 and a.shape[-1] == 1 else a for a in arrays]
    else:
        arrays = np.asarray(arrays, dtype=np.float32)
        if arrays.ndim == 4:  # a Conv2D kernel (k, k, 1, n) or a batch of one (1, h, w, n)
            arrays = arrays[:, :, 0, :] if arrays.shape[0] != 1 else arrays[0]
        if arrays.ndim == 2:
            arrays = arrays[..., None]
        arrays = [arrays[..., i] for i in range(arrays.shape[-1])] if arrays.ndim == 3 else []
    if not arrays or any(a.ndim != 2 for a in arrays):
        raise ValueError(f"expected {what} as 2-D arrays, got {[a.shape for a in arrays]}")
    return arrays


def plot_relu_effect(maps, titles=None, size=2.4):
    """Feature maps before and after ReLU, one column per map.

    ``maps`` is a list of 2-D arrays, or ``(h, w, n)`` / ``(1, h, w, n)``. Top row: each map
    on a scale centred on zero (red positive, blue negative, white zero); bottom row:
    ``max(map, 0)`` on the same scale, titled with the share of its values that are zero.
    """
    maps = _as_list_of_2d(maps, "maps")
    titles = list(titles) if titles is not None else [""] * len(maps)
    if len(titles) != len(maps):
        raise ValueError(f"{len(maps)} maps need {len(maps)} titles")
    fig, axes = plt.subplots(2, len(maps), figsize=fit_column(size * len(maps), 2 * size + 0.4),
                             squeeze=False)
    for i, (fmap, text) in enumerate(zip(maps, titles, strict=True)):
        limit = _robust_limit(fmap)
        detected = np.maximum(fmap, 0)
        axes[0, i].imshow(fmap, cmap="RdBu_r", vmin=-limit, vmax=limit)
        axes[0, i].set_title(f"{text}\nbefore ReLU" if text else "before ReLU", fontsize=9)
        axes[1, i].imshow(detected, cmap="RdBu_r", vmin=-limit, vmax=limit)
        axes[1, i].set_title(f"after ReLU: {np.mean(detected == 0):.0%} zeros", fontsize=9)
    for ax in axes.ravel():
        ax.axis("off")
    fig.tight_layout()
    return fig


def plot_score_bars(scores, order=None, ylabel="score", title=None, width=COLUMN_INCHES):
    """Per-feature scores as bars, one colour per series, features side by side.

    ``scores`` maps a series name (an image, a class ...) to its scores, one per feature:
    what global average pooling gives for each feature map. ``order`` lists the features to
    show, in that order (default: all of them, in their own order); the x axis labels each
    bar with its feature's index.
    """
    scores = {name: np.asarray(values, dtype=np.float64).ravel() for name, values in scores.items()}
    if not scores:
        raise ValueError("no scores to show")
    lengths = {len(values) for values in scores.values()}
    if len(lengths) != 1:
        raise ValueError(f"every series needs the same number of scores, got {sorted(lengths)}")
    order = np.arange(lengths.pop()) if order is None else np.asarray(order, dtype=int)
    fig, ax = plt.subplots(figsize=(width, 3.0))
    positions = np.arange(len(order))
    bar = 0.8 / len(scores)
    for k, (name, values) in enumerate(scores.items()):
        ax.bar(positions + (k - (len(scores) - 1) / 2) * bar, values[order], width=bar,
               label=name, color=f"C{k}")
    ax.set_xticks(positions, [str(i) for i in order], fontsize=9)
    ax.set_xlim(-0.6, len(order) - 0.4)
    ax.set_xlabel("feature map")
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=9)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_feature_scores(scores, labels, class_names=("0", "1"), order=None, title=None,
                        label="score", symmetric=False):
    """A heat map of per-feature scores: one row per image, one column per feature.

    ``scores`` is ``(n, features)`` (what ``GlobalAveragePooling2D`` gives for ``n``
    images) and ``labels`` the ``n`` class labels: the rows are grouped by class, with a
    line between the groups (white, or black on the ``symmetric`` scale). ``order`` lists the
    features (columns) to show, in that order. ``label`` names the colour bar;
    ``symmetric=True`` centres the colours on zero (blue below, red above), for standardized
    scores.
    """
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels).ravel()
    if scores.ndim != 2 or len(scores) != len(labels):
        raise ValueError(f"expected (n, features) scores and n labels, got {scores.shape}"
                         f" and {labels.shape}")
    order = np.arange(scores.shape[1]) if order is None else np.asarray(order, dtype=int)
    rows = np.argsort(labels, kind="stable")
    fig, ax = plt.subplots(figsize=(COLUMN_INCHES, min(0.12 * len(rows), 6.0) + 1.2))
    shown = scores[rows][:, order]
    limit = float(np.abs(shown).max()) or 1.0
    scale = {"cmap": "RdBu_r", "vmin": -limit, "vmax": limit} if symmetric else {"cmap": "viridis"}
    picture = ax.imshow(shown, aspect="auto", interpolation="nearest", **scale)
    fig.colorbar(picture, ax=ax, label=label, fraction=0.03, pad=0.01)
    sorted_labels = labels[rows]
    ticks = []
    for value in np.unique(sorted_labels):
        where = np.flatnonzero(sorted_labels == value)
        ticks.append(((where[0] + where[-1]) / 2, class_names[int(value)]))
        if where[0] > 0:
            ax.axhline(where[0] - 0.5, color="black" if symmetric else "white", lw=2)
    ax.set_yticks([t for t, _ in ticks], [name for _, name in ticks])
    step = max(1, len(order) // 16)
    ax.set_xticks(np.arange(0, len(order), step), [str(i) for i in order[::step]], fontsize=9)
    ax.set_xlabel("feature map")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def neuron_diagram(inputs=("x",), weights=None, output="y", activation=None, ax=None):
    """Draw a unit: inputs and a constant 1 feed a sum through weights and a bias.

    ``activation`` (for example ``"ReLU"``) adds a box between the sum and the output.
    """
    weights = list(weights or [f"w_{i}" if len(inputs) > 1 else "w" for i in range(len(inputs))])
    if len(weights) != len(inputs):
        raise ValueError(f"{len(inputs)} inputs need {len(inputs)} weights, got {len(weights)}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.2, 1.2 + 0.55 * len(inputs)))
    else:
        fig = ax.figure
    sources = list(inputs) + ["1"]
    labels = weights + ["b"]
    ys = np.linspace(1, 0, len(sources)) if len(sources) > 1 else np.array([0.5])
    sum_xy = (2.2, 0.5)
    for y, name, label in zip(ys, sources, labels, strict=True):
        ax.annotate(
            "", xy=sum_xy, xytext=(0.25, y),
            arrowprops=dict(arrowstyle="->", shrinkA=14, shrinkB=16, color="0.3"),
        )
        _node(ax, (0.25, y), f"${name}$" if name != "1" else "1", "#dbeafe")
        # Label each arrow nearer its input, where the arrows are still apart.
        mid = 0.25 + 0.4 * (sum_xy[0] - 0.25), y + 0.4 * (sum_xy[1] - y)
        ax.text(*mid, f"${label}$", ha="center", va="bottom", fontsize=12, color="#b91c1c")
    _node(ax, sum_xy, "$+$", "#fde68a")
    end = 3.6
    if activation:
        ax.annotate("", xy=(3.1, 0.5), xytext=sum_xy,
                    arrowprops=dict(arrowstyle="->", shrinkA=16, shrinkB=22, color="0.3"))
        ax.text(3.1, 0.5, activation, ha="center", va="center", fontsize=11,
                bbox=dict(boxstyle="round", fc="#dcfce7", ec="0.3"))
        start, end = (3.1, 0.5), 4.3
    else:
        start = sum_xy
    ax.annotate("", xy=(end, 0.5), xytext=start,
                arrowprops=dict(arrowstyle="->", shrinkA=18 if activation else 16, color="0.3"))
    ax.text(end + 0.1, 0.5, f"${output}$", ha="left", va="center", fontsize=14)
    ax.set_xlim(-0.1, end + 0.5)
    ax.set_ylim(-0.25, 1.25)
    ax.axis("off")
    return fig


def _node(ax, xy, text, colour):
    ax.text(*xy, text, ha="center", va="center", fontsize=13,
            bbox=dict(boxstyle="circle,pad=0.35", fc=colour, ec="0.3"))
