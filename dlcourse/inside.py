"""Looking inside a convnet: a small trained car-vs-truck convnet, and the plumbing of chapter 14.

The chapter *Looking inside a convnet* needs a network that already tells cars from trucks
well; training one takes longer than the chapter's budget, so the course ships one::

    from dlcourse.inside import load_vehicle_convnet

    model = load_vehicle_convnet()   # 64x64x3 in [0, 1] -> probability of "truck"

It is a flat functional ``keras.Model`` named ``"vehicle_convnet"`` (every layer reachable with
``model.get_layer``): four blocks of one 3x3 ``Conv2D`` (ReLU, ``'same'`` padding) with 16,
32, 64 and 128 filters, a 2x2 ``MaxPooling2D`` after the first three, global average
pooling, a ``Dense(1)`` layer named ``"logit"`` and an ``Activation("sigmoid")`` named
``"probability"``. The logit has a layer of its own so that Grad-CAM can differentiate it
rather than the saturating probability. It was trained by ``tools/train_vehicle_convnet.py``
(seeded) on car-vs-truck scenes that are neither the validation nor the test split of
:func:`dlcourse.data.load_vehicles`; its weights are package data
(``dlcourse/weights/vehicle_convnet.weights.npz``) with a manifest that records their SHA-256,
how they were made and the accuracy they reached; loading checks the checksum.

The rest is drawing and scoring, not the lesson: grids of feature maps and kernels, heatmaps
laid over images with the vehicles' boxes, and the pointing game
(:func:`pointing_hits`): does a heatmap's peak fall inside the object's bounding box?
"""

import json
from pathlib import Path

import numpy as np

from dlcourse.pretrained import (  # noqa: F401  (file_sha256: the tools' checksum, shared)
    WeightsChecksumError,
    file_sha256,
    read_verified_archive,
    write_archive,
)

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
WEIGHTS_FILE = WEIGHTS_DIR / "vehicle_convnet.weights.npz"
MANIFEST_FILE = WEIGHTS_DIR / "vehicle_convnet.json"

INPUT_SHAPE = (64, 64, 3)
FILTERS = (16, 32, 64, 128)  # one convolution per block; pooling after all but the last


def build_vehicle_convnet():
    """The architecture of the shipped convnet, with fresh random weights: a functional
    ``keras.Model`` (its layers' ``.output`` can feed new models, see chapter 14)."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = inputs
    for block, filters in enumerate(FILTERS, start=1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu",
                          name=f"block{block}_conv")(x)
        if block < len(FILTERS):
            x = layers.MaxPooling2D(2, name=f"block{block}_pool")(x)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = layers.Dense(1, name="logit")(x)
    outputs = layers.Activation("sigmoid", name="probability")(x)
    return keras.Model(inputs, outputs, name="vehicle_convnet")


def load_vehicle_convnet():
    """The shipped car-vs-truck convnet (weights checked against their SHA-256)."""
    model = build_vehicle_convnet()
    model.set_weights(vehicle_convnet_weights())
    return model


def vehicle_convnet_weights():
    """The shipped weights: a list of NumPy arrays in the order of ``get_weights()``."""
    arrays = read_verified_archive(
        WEIGHTS_FILE, MANIFEST_FILE, "the vehicle convnet's weights",
        "run `python tools/train_vehicle_convnet.py` to train it again")
    return list(arrays.values())


def manifest():
    """The manifest of the shipped weights (checksum, architecture, how they were made)."""
    return json.loads(MANIFEST_FILE.read_text())


def save_weights(path, arrays):
    """Write ``arrays`` with :func:`dlcourse.pretrained.write_archive` (reproducible bytes)."""
    write_archive(path, {f"w_{i:02d}": array for i, array in enumerate(arrays)})


# --------------------------------------------------------------------------- the pointing game


def _heatmap_batch(heatmaps):
    heatmaps = np.asarray(heatmaps, dtype=np.float64)
    if heatmaps.ndim == 4 and heatmaps.shape[-1] == 1:
        heatmaps = heatmaps[..., 0]
    if heatmaps.ndim != 3:
        raise ValueError(f"expected heatmaps (n, h, w), got shape {heatmaps.shape}")
    return heatmaps


def peak_points(heatmaps, image_size=64):
    """The ``(x, y)`` pixel coordinates, in an image of ``image_size`` pixels, of the centre
    of each heatmap's highest cell (the first one on ties): shape ``(n, 2)``."""
    heatmaps = _heatmap_batch(heatmaps)
    n, h, w = heatmaps.shape
    rows, cols = np.unravel_index(heatmaps.reshape(n, -1).argmax(axis=1), (h, w))
    return np.stack([(cols + 0.5) * image_size / w, (rows + 0.5) * image_size / h], axis=1)


def in_boxes(points, boxes):
    """Whether each point ``(x, y)`` lies in its box ``(x_min, y_min, x_max, y_max)``, the
    boxes of :func:`dlcourse.data.make_vehicles` (``x_max`` and ``y_max`` excluded)."""
    points, boxes = np.asarray(points, dtype=np.float64), np.asarray(boxes, dtype=np.float64)
    x, y = points[:, 0], points[:, 1]
    return (x >= boxes[:, 0]) & (x < boxes[:, 2]) & (y >= boxes[:, 1]) & (y < boxes[:, 3])


def pointing_hits(heatmaps, boxes, image_size=64):
    """The pointing game, image by image: does the peak of the heatmap fall inside the
    object's box? A heatmap that is zero everywhere points nowhere: a miss."""
    heatmaps = _heatmap_batch(heatmaps)
    points = peak_points(heatmaps, image_size)
    return in_boxes(points, boxes) & (heatmaps.reshape(len(heatmaps), -1).max(axis=1) > 0)


def box_fractions(boxes, image_size=64):
    """The fraction of the image each box covers: the chance that a point drawn uniformly
    at random falls in it. Their mean is the pointing game's chance level."""
    boxes = np.asarray(boxes, dtype=np.float64)
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]) / image_size**2


def centre_hits(boxes, image_size=64):
    """The pointing game of a heatmap that always peaks at the centre of the image."""
    centre = np.full((len(boxes), 2), image_size / 2)
    return in_boxes(centre, boxes)


# ------------------------------------------------------------------------------------ drawing


def _unit(array):
    """``array`` scaled to [0, 1] (a constant array becomes zeros)."""
    array = np.asarray(array, dtype=np.float64)
    low, high = array.min(), array.max()
    return (array - low) / (high - low) if high > low else np.zeros_like(array)


def mosaic(tiles, ncols=8, pad=1):
    """Tiles ``(n, h, w)`` or ``(n, h, w, 3)``, each scaled to [0, 1] on its own, laid out in
    one array with ``ncols`` per row and ``pad`` pixels of NaN (shown blank) between them."""
    tiles = np.asarray(tiles, dtype=np.float64)
    if tiles.ndim not in (3, 4):
        raise ValueError(f"expected tiles (n, h, w) or (n, h, w, 3), got {tiles.shape}")
    n, h, w = tiles.shape[:3]
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    shape = (nrows * (h + pad) - pad, ncols * (w + pad) - pad, *tiles.shape[3:])
    out = np.full(shape, np.nan if tiles.ndim == 3 else 1.0)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, ncols)
        out[r * (h + pad):r * (h + pad) + h, c * (w + pad):c * (w + pad) + w] = _unit(tile)
    return out


def plot_layer_maps(layer_maps, count=16, ncols=8, titles=None, width=7.2):
    """The first ``count`` feature maps of one image at several layers, one row per layer.

    ``layer_maps`` is a dict ``{layer name: maps (h, w, channels)}`` (one image); every map
    has its own colour scale (``magma``, black for its lowest value); ``titles`` gives one
    title per layer (default: the name, the maps' size and their number).
    """
    import matplotlib.pyplot as plt

    names = list(layer_maps)
    fig, axes = plt.subplots(len(names), 1, figsize=(width, 1.55 * len(names) + 0.4),
                             squeeze=False)
    for k, (ax, name) in enumerate(zip(axes[:, 0], names, strict=True)):
        maps = np.asarray(layer_maps[name])
        if maps.ndim == 4:
            maps = maps[0]
        tiles = np.moveaxis(maps[..., :count], -1, 0)
        ax.imshow(mosaic(tiles, ncols=min(ncols * 2, len(tiles)), pad=max(1, maps.shape[0] // 16)),
                  cmap="magma", interpolation="nearest")
        ax.axis("off")
        title = titles[k] if titles else (f"{name}: {maps.shape[0]} x {maps.shape[1]},"
                                          f" {min(count, maps.shape[-1])} of {maps.shape[-1]} maps")
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_rgb_kernels(kernel, ncols=8, title=None, size=7.2):
    """The kernels of a first convolution ``(k, k, 3, filters)`` as small colour images, each
    scaled to [0, 1] on its own: a kernel that weighs red positively looks red."""
    import matplotlib.pyplot as plt

    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim != 4 or kernel.shape[2] != 3:
        raise ValueError(f"expected a (k, k, 3, filters) kernel, got shape {kernel.shape}")
    tiles = np.moveaxis(kernel, -1, 0)
    picture = mosaic(tiles, ncols=ncols, pad=1)
    fig, ax = plt.subplots(figsize=(size, size * picture.shape[0] / picture.shape[1] + 0.5))
    ax.imshow(picture, interpolation="nearest")
    k = kernel.shape[0] + 1
    for i in range(tiles.shape[0]):
        r, c = divmod(i, min(ncols, tiles.shape[0]))
        ax.text(c * k + (k - 1) / 2 - 0.5, r * k - 0.6, str(i), ha="center", va="bottom",
                fontsize=9)
    ax.set_ylim(picture.shape[0] - 0.5, -1.5)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def show_tiles(images, labels=None, ncols=4, title=None, width=7.2):
    """Colour images ``(n, h, w, 3)`` (each scaled to [0, 1] on its own) in one panel, with a
    label under each one: filter patterns, say."""
    import matplotlib.pyplot as plt

    images = np.asarray(images, dtype=np.float64)
    n, h, w = images.shape[:3]
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    pad = max(2, w // 8)
    picture = mosaic(images, ncols=ncols, pad=pad)
    fig, ax = plt.subplots(figsize=(width, width * (picture.shape[0] + nrows * h * 0.25)
                                    / picture.shape[1]))
    ax.imshow(picture, interpolation="nearest")
    if labels is not None:
        for i, label in enumerate(labels):
            r, c = divmod(i, ncols)
            ax.text(c * (w + pad) + w / 2, r * (h + pad) + h + 0.5, str(label),
                    ha="center", va="top", fontsize=9)
    ax.set_ylim(picture.shape[0] + h * 0.25, -0.5)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_heatmaps(images, heatmaps, titles=None, boxes=None, ncols=2, size=3.5, alpha=0.5):
    """Heatmaps laid over their images (at most ``ncols`` panels per row).

    Each heatmap ``(h, w)`` is stretched over its image ``(H, W, 3)`` and drawn with its own
    colour scale (``jet``, transparent ``alpha``); with ``boxes`` the object's box is drawn
    (white, dashed) and the heatmap's peak is marked with a cross (the pointing game).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    images, heatmaps = np.asarray(images), _heatmap_batch(heatmaps)
    n = len(images)
    if len(heatmaps) != n:
        raise ValueError(f"{n} images need {n} heatmaps, got {len(heatmaps)}")
    titles = list(titles) if titles is not None else [""] * n
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, (size + 0.35) * nrows),
                             squeeze=False)
    image_size = images.shape[1]
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i >= n:
            continue
        extent = (-0.5, images.shape[2] - 0.5, images.shape[1] - 0.5, -0.5)
        ax.imshow(images[i], extent=extent)
        ax.imshow(_unit(heatmaps[i]), cmap="jet", alpha=alpha, extent=extent,
                  interpolation="bilinear", vmin=0, vmax=1)
        if boxes is not None:
            x0, y0, x1, y1 = np.asarray(boxes[i], dtype=float)
            ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0, fill=False,
                                   edgecolor="white", linestyle="--", linewidth=1.5))
            (px, py), = peak_points(heatmaps[i:i + 1], image_size)
            ax.plot(px - 0.5, py - 0.5, marker="x", color="white", markersize=12, mew=3)
            ax.plot(px - 0.5, py - 0.5, marker="x", color="black", markersize=10, mew=1.5)
        ax.set_title(titles[i], fontsize=10)
    fig.tight_layout()
    return fig


def confident_copy(model, factor=8.0):
    """A copy of a model like :func:`load_vehicle_convnet`'s with its ``logit`` layer's
    weights multiplied by ``factor``: the same decisions and the same evidence, a far more
    confident sigmoid (many probabilities round to exactly 1.0 in ``float32``)."""
    import keras

    copy = keras.Model.from_config(model.get_config())
    copy.set_weights(model.get_weights())
    kernel, bias = copy.get_layer("logit").get_weights()
    copy.get_layer("logit").set_weights([kernel * factor, bias * factor])
    return copy
