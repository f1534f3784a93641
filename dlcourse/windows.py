"""Figures of the sliding window (chapter 10): the window in motion, how often each pixel is
seen, and receptive fields.

    from dlcourse import windows
    windows.sliding_window(size=7, kernel=3, stride=2, padding="same")   # an animation
    windows.plot_coverage(8, [(3, 1, "valid"), (3, 2, "same")])          # a figure
    windows.plot_receptive_fields(gradient_maps, titles)                 # a figure

The window geometry follows Keras' ``Conv2D`` and ``MaxPooling2D`` (``tests/test_windows.py``
checks it against them): with ``padding="same"`` the zeros go on both sides, one more at
the bottom and right when their number is odd.
"""

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation
from matplotlib.patches import Rectangle

from dlcourse.animations import to_html
from dlcourse.plots import fit_column

PADDINGS = ("valid", "same")
_WINDOW = "#d62728"  # the window and the output cell it fills
_PAD = "0.82"  # padding cells
_DONE = "#cfe3f3"  # output cells already filled


def _geometry(size, kernel, stride, padding):
    """``(output size, zeros before, zeros after)`` along one axis, as Keras computes them."""
    padding = str(padding).lower()
    if padding not in PADDINGS:
        raise ValueError(f"padding is 'valid' or 'same', not {padding!r}")
    if min(size, kernel, stride) < 1:
        raise ValueError("size, kernel and stride are positive integers")
    if padding == "valid":
        if kernel > size:
            raise ValueError(f"a {kernel}-wide window does not fit in {size} pixels"
                             " without padding")
        return (size - kernel) // stride + 1, 0, 0
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return out, total // 2, total - total // 2


def window_values(image, kernel, stride, padding, operation="sum"):
    """The output of sliding a ``kernel`` x ``kernel`` window over a 2-D ``image``.

    ``operation="sum"`` adds the values under the window (a convolution whose kernel is all
    ones; the padding is zeros); ``"max"`` keeps the largest (max pooling; padding cells are
    ignored, as Keras does).
    """
    image = np.asarray(image, dtype=np.float64)
    out, before, after = _geometry(image.shape[0], kernel, stride, padding)
    out_w, left, right = _geometry(image.shape[1], kernel, stride, padding)
    fill = 0.0 if operation == "sum" else -np.inf
    padded = np.pad(image, ((before, after), (left, right)), constant_values=fill)
    reduce = {"sum": np.sum, "max": np.max}[operation]
    result = np.empty((out, out_w))
    for i in range(out):
        for j in range(out_w):
            result[i, j] = reduce(padded[i * stride:i * stride + kernel,
                                         j * stride:j * stride + kernel])
    return result


def _grid(ax, rows, cols, colours):
    """Square cells centred on integer coordinates, row 0 at the top."""
    cells = {}
    for r in range(rows):
        for c in range(cols):
            cells[r, c] = Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=colours(r, c),
                                    edgecolor="0.45", lw=0.8)
            ax.add_patch(cells[r, c])
    ax.set_xlim(-0.6, cols - 0.4)
    ax.set_ylim(rows - 0.4, -0.6)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    return cells


def sliding_window(size=6, kernel=3, stride=1, padding="valid", operation="sum", seed=0,
                   interval=900):
    """An animation of a window sliding over a ``size`` x ``size`` input.

    Left, the input (small integers) with the zeros ``padding="same"`` adds in grey and the
    window in red; right, the output, filled cell by cell: each cell is the sum of the values
    under the window (``operation="sum"``, a convolution with a kernel of ones) or their
    maximum (``"max"``, max pooling). Returns an HTML player that works offline.
    """
    padding = str(padding).lower()
    out, before, after = _geometry(size, kernel, stride, padding)
    image = np.random.default_rng(seed).integers(0, 10, (size, size))
    values = window_values(image, kernel, stride, padding, operation)
    full = size + before + after

    def is_pad(r, c):
        return not (before <= r < before + size and before <= c < before + size)

    fig, (ax_in, ax_out) = plt.subplots(
        1, 2, figsize=(6.6, 3.5), gridspec_kw={"width_ratios": [full, max(out, 3)]})
    _grid(ax_in, full, full, lambda r, c: _PAD if is_pad(r, c) else "white")
    for r in range(full):
        for c in range(full):
            if not is_pad(r, c):
                text = str(image[r - before, c - before])
            else:
                text = "0" if operation == "sum" else ""
            ax_in.text(c, r, text, ha="center", va="center", fontsize=9,
                       color="0.35" if is_pad(r, c) else "black")
    window = Rectangle((-0.5, -0.5), kernel, kernel, facecolor=_WINDOW, alpha=0.18,
                       edgecolor=_WINDOW, lw=2.5)
    ax_in.add_patch(window)
    pad_note = f", {before + after} zeros per axis in grey" if before + after else ""
    ax_in.set_title(f"input {size}\u00d7{size}{pad_note}", fontsize=9)

    out_cells = _grid(ax_out, out, out, lambda r, c: "white")
    out_texts = {(i, j): ax_out.text(j, i, "", ha="center", va="center", fontsize=9)
                 for i in range(out) for j in range(out)}
    rule = "sum" if operation == "sum" else "max"
    ax_out.set_title(f"output {out}\u00d7{out}", fontsize=9)
    fig.suptitle(f"{kernel}\u00d7{kernel} window, stride {stride}, padding '{padding}'",
                 fontsize=10)
    caption = fig.text(0.5, 0.03, "", ha="center", fontsize=9)
    fig.tight_layout(rect=(0, 0.06, 1, 0.95))
    positions = [(i, j) for i in range(out) for j in range(out)]

    def show(frame):
        for (i, j), cell in out_cells.items():
            k = i * out + j
            cell.set_facecolor(_WINDOW if k == frame else (_DONE if k < frame else "white"))
            cell.set_alpha(0.55 if k == frame else 1.0)
            out_texts[i, j].set_text(f"{values[i, j]:g}" if k <= frame else "")
        if frame < len(positions):
            i, j = positions[frame]
            window.set_visible(True)
            window.set_xy((j * stride - 0.5, i * stride - 0.5))
            step = f"{stride} pixel{'s' if stride > 1 else ''}"
            caption.set_text(f"output ({i}, {j}) = {rule} of the {kernel}\u00d7{kernel} values "
                             f"under the window; it moves {step} at a time")
        else:
            window.set_visible(False)
            caption.set_text(f"{size}\u00d7{size} in, {out}\u00d7{out} out")
        return [window, caption, *out_cells.values(), *out_texts.values()]

    movie = animation.FuncAnimation(fig, show, frames=len(positions) + 1, interval=interval)
    alt = (f"Animation: a {kernel}\u00d7{kernel} window slides with stride {stride} over a"
           f" {size}\u00d7{size} input of small integers (padding '{padding}') and fills the"
           f" {out}\u00d7{out} output cell by cell with the {rule} of the values under it.")
    return to_html(movie, fig=fig, alt=alt)


def coverage(size, kernel, stride, padding):
    """How many window positions cover each cell of the padded input (a 2-D int array),
    with the number of zeros added before the input on each axis."""
    out, before, after = _geometry(size, kernel, stride, padding)
    counts = np.zeros((size + before + after,) * 2, dtype=int)
    for i in range(out):
        for j in range(out):
            counts[i * stride:i * stride + kernel, j * stride:j * stride + kernel] += 1
    return counts, before


def plot_coverage(size, settings, annotate=None):
    """One panel per ``(kernel, stride, padding)`` setting: how many windows see each pixel.

    The input is outlined in black; padding cells lie outside the outline. White cells are
    never seen by any window.
    """
    settings = list(settings)
    if annotate is None:
        annotate = size <= 12
    fig, axes = plt.subplots(1, len(settings), figsize=fit_column(2.6 * len(settings), 3.0),
                             squeeze=False)
    for ax, (kernel, stride, padding) in zip(axes[0], settings, strict=True):
        counts, before = coverage(size, kernel, stride, padding)
        shown = np.ma.masked_equal(counts, 0)
        ax.imshow(shown, cmap="Blues", vmin=0, vmax=max(int(counts.max()), 1) + 1)
        full = counts.shape[0]
        for r in range(full):
            for c in range(full):
                inside = before <= r < before + size and before <= c < before + size
                if not inside:
                    ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor="none",
                                           edgecolor="0.6", hatch="///", lw=0))
                if annotate:
                    ax.text(c, r, str(counts[r, c]), ha="center", va="center", fontsize=9,
                            color="0.2" if counts[r, c] else "#d62728")
        ax.add_patch(Rectangle((before - 0.5, before - 0.5), size, size, facecolor="none",
                               edgecolor="black", lw=1.5))
        inner = counts[before:before + size, before:before + size]
        out = _geometry(size, kernel, stride, padding)[0]
        unseen = int(np.sum(inner == 0))
        ax.set_title(f"{kernel}\u00d7{kernel}, stride {stride}, '{padding}'\n"
                     f"{size}\u00d7{size} \u2192 {out}\u00d7{out}"
                     + (f", {unseen} pixels unseen" if unseen else ""), fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig


def support_box(gradient):
    """``(row0, row1, col0, col1)``, the bounding box (inclusive) of the nonzero cells of a
    2-D array, or ``None`` when every cell is zero."""
    rows = np.flatnonzero(np.any(np.asarray(gradient) != 0, axis=1))
    cols = np.flatnonzero(np.any(np.asarray(gradient) != 0, axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])


def plot_receptive_fields(maps, titles=None, ncols=None):
    """Gradient maps (2-D arrays, one per model) with the box around their nonzero cells.

    Each map is the size of the gradient of one output unit with respect to every input
    pixel: the nonzero cells are the unit's receptive field. The measured side of the box is
    written under each panel.
    """
    maps = [np.abs(np.asarray(m, dtype=np.float64)) for m in maps]
    ncols = ncols or len(maps)
    nrows = math.ceil(len(maps) / ncols)
    fig, axes = plt.subplots(nrows, ncols, squeeze=False,
                             figsize=fit_column(2.5 * ncols, 3.1 * nrows))
    for k, ax in enumerate(axes.ravel()):
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= len(maps):
            ax.axis("off")
            continue
        g = maps[k]
        peak = float(g.max()) or 1.0
        ax.imshow(np.where(g > 0, 0.25 + 0.75 * g / peak, 0.0), cmap="magma", vmin=0, vmax=1)
        box = support_box(g)
        if box is not None:
            r0, r1, c0, c1 = box
            ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), c1 - c0 + 1, r1 - r0 + 1,
                                   facecolor="none", edgecolor="#2ca02c", lw=1.5))
            ax.set_xlabel(f"measured: {r1 - r0 + 1}\u00d7{c1 - c0 + 1}", fontsize=9)
        if titles is not None:
            ax.set_title(titles[k], fontsize=9)
    fig.tight_layout()
    return fig


def plot_fields_on_image(image, fields, labels=None, ax=None):
    """Squares of the given sides centred on an image: how much of it one unit sees."""
    image = np.asarray(image)
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.0, 3.6))
    else:
        fig = ax.figure
    ax.imshow(image, cmap="gray" if image.ndim == 2 else None, vmin=0, vmax=1)
    h, w = image.shape[:2]
    colours = plt.get_cmap("autumn")(np.linspace(0, 0.85, len(fields)))
    for k, side in enumerate(fields):
        r0, c0 = (h - side) / 2, (w - side) / 2
        ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), side, side, facecolor="none",
                               edgecolor=colours[k], lw=2,
                               label=None if labels is None else labels[k]))
    ax.set_xticks([])
    ax.set_yticks([])
    if labels is not None:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=9, frameon=False)
    fig.tight_layout()
    return fig
