"""Plumbing of the data-augmentation chapter (chapter 12): pictures of augmented images,
a model trained over several seeds, and the tables and figures of those seeds.

    from dlcourse import augmentation
    augmentation.show_augmented(layer, image, n=7)              # one image, augmented n times
    augmentation.show_layer_effects({"flip": flip, ...}, image) # a row per layer
    runs = augmentation.train_over_seeds(build, train, {"test": (X, y)}, seeds=range(3),
                                         epochs=15)             # accuracies per seed
    augmentation.print_seed_table({"no augmentation": runs})    # a compact table
    augmentation.plot_seed_scores({"no augmentation": runs["test"]})   # a dot plot

What a chapter teaches (the augmentation layers, the model, how it is compiled) stays in the
chapter: these functions only repeat it over seeds and draw the results. The committed
multi-seed measurements the chapter plots are in ``augmentation_runs.json`` next to this
module, written by ``tools/augmentation_runs.py``.
"""

import json
import math
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

RUNS = Path(__file__).with_name("augmentation_runs.json")


def load_runs():
    """The committed multi-seed measurements (see ``tools/augmentation_runs.py``)."""
    return json.loads(RUNS.read_text())


def augmented_versions(layer, image, n=7):
    """``n`` random versions of one image ``(h, w, c)`` through ``layer`` in training mode,
    as an array ``(n, h, w, c)`` clipped to ``[0, 1]``. A random layer draws from its own
    generator, seeded when the layer was made: seed before making it (``dlcourse.seed``)
    for the same versions on every run."""
    image = np.asarray(image, dtype=np.float32)
    if image.ndim != 3:
        raise ValueError(f"expected one image (height, width, channels), got shape {image.shape}")
    batch = np.repeat(image[None], int(n), axis=0)
    return np.clip(np.asarray(layer(batch, training=True)), 0.0, 1.0)


def show_augmented(layer, image, n=7, ncols=4, size=1.75, title=None):
    """The image and ``n`` random versions of it through ``layer`` (training mode), in a
    grid of ``ncols`` columns: the first panel is the original."""
    versions = augmented_versions(layer, image, n)
    panels = [np.asarray(image, dtype=np.float32), *versions]
    titles = ["original"] + [f"version {k}" for k in range(1, len(versions) + 1)]
    ncols = min(int(ncols), len(panels))
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, (size + 0.3) * nrows),
                             squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k < len(panels):
            ax.imshow(panels[k], vmin=0, vmax=1)
            ax.set_title(titles[k], fontsize=10)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def show_layer_effects(named_layers, image, n=3, size=1.75):
    """One row per layer of ``named_layers`` (a dict name -> layer): the image, then ``n``
    random versions of it through that layer alone (training mode)."""
    names = list(named_layers)
    if not names:
        raise ValueError("no layers to show")
    figsize = (size * (n + 1), (size + 0.25) * len(names))
    fig, axes = plt.subplots(len(names), n + 1, figsize=figsize, squeeze=False)
    for row, name in zip(axes, names, strict=True):
        versions = augmented_versions(named_layers[name], image, n)
        for k, (ax, panel) in enumerate(zip(row, [np.asarray(image), *versions], strict=True)):
            ax.imshow(np.clip(panel, 0, 1), vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title("original" if k == 0 else f"{name}, version {k}", fontsize=9)
    fig.tight_layout()
    return fig


def accuracy(model, images, labels, threshold=0.5):
    """Binary accuracy of a one-sigmoid model, computed in inference mode (no augmentation)."""
    p = np.asarray(model(np.asarray(images, dtype=np.float32), training=False)).ravel()
    return float(np.mean((p > threshold) == (np.asarray(labels).ravel() > 0.5)))


def train_over_seeds(build, train, evaluate, seeds=(0, 1, 2), epochs=15, batch_size=32):
    """Train a fresh model from ``build()`` once per seed and measure it.

    ``build()`` returns a compiled model; ``train`` is ``(images, labels)``; ``evaluate``
    maps a name to ``(images, labels)``. Returns a dict: for each name of ``evaluate`` the
    list of accuracies (one per seed), and ``"seeds"``, ``"seconds"`` (training time of
    each seed) and ``"history"`` (the last seed's ``History``).
    """
    import dlcourse

    results = {name: [] for name in evaluate}
    results.update(seeds=[], seconds=[])
    for seed in seeds:
        dlcourse.seed(seed)
        model = build()
        start = time.perf_counter()
        history = model.fit(*train, epochs=epochs, batch_size=batch_size, verbose=0)
        results["seconds"].append(time.perf_counter() - start)
        results["seeds"].append(int(seed))
        for name, (images, labels) in evaluate.items():
            results[name].append(accuracy(model, images, labels))
    results["history"] = history
    return results


def summary(values):
    """``(mean, min, max)`` of a list of scores."""
    values = np.asarray(values, dtype=np.float64)
    return float(values.mean()), float(values.min()), float(values.max())


def print_seed_table(rows, digits=3):
    """Print one line per row: its name, the score of each seed, the mean and the range.

    ``rows`` maps a name (at most 28 characters are shown) to a list of scores."""
    width = min(max(len(name) for name in rows), 28)
    for name, values in rows.items():
        mean, low, high = summary(values)
        seeds = " ".join(f"{v:.{digits}f}" for v in values)
        print(f"{name[:width]:{width}}  {seeds}  mean {mean:.{digits}f}"
              f"  ({low:.{digits}f}-{high:.{digits}f})")


def plot_seed_scores(rows, ylabel="accuracy", title=None, width=7.0, reference=None):
    """A dot per seed and a bar for the mean, one column per row of ``rows`` (name -> list
    of scores); ``reference`` draws a dashed horizontal line (a baseline, a threshold)."""
    names = list(rows)
    if not names:
        raise ValueError("no scores to plot")
    fig, ax = plt.subplots(figsize=(width, 3.6))
    rng = np.random.default_rng(0)  # a little horizontal jitter, the same every time
    for k, name in enumerate(names):
        values = np.asarray(rows[name], dtype=np.float64)
        x = k + rng.uniform(-0.08, 0.08, len(values))
        ax.plot(x, values, "o", color=f"C{k}", alpha=0.8)
        mean = values.mean()
        ax.hlines(mean, k - 0.25, k + 0.25, color=f"C{k}", lw=2.5)
        ax.annotate(f"{mean:.3f}", (k + 0.27, mean), va="center", fontsize=9)
    if reference is not None:
        ax.axhline(reference[0], color="0.4", ls="--", lw=1)
        ax.annotate(reference[1], (len(names) - 0.5, reference[0]), ha="right",
                    va="bottom", fontsize=9, color="0.3")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, fontsize=9)
    ax.set_xlim(-0.5, len(names) - 0.2)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)
    if title:
        ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return fig
