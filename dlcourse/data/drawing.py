"""Vectorised drawing helpers shared by the procedural image sets.

Every function works on a batch: per-image parameters have shape ``(m, 1, 1)`` so they
broadcast against pixel grids of shape ``(size, size)``; masks come out as ``(m, size, size)``.
"""

import numpy as np

from dlcourse.data.splits import check_split

CHUNK = 256  # images drawn at once: bounds memory, and fixes the random stream per chunk


def pixel_grid(size):
    """Row and column coordinates of pixel centres, each ``(size, size)``."""
    centres = np.arange(size, dtype=np.float32) + 0.5
    return np.meshgrid(centres, centres, indexing="ij")


def compose(background, layers):
    """Paint ``layers`` (``(mask, colour)`` pairs, later ones on top) over ``background``.

    ``background`` is ``(m, s, s, 3)``, each mask ``(m, s, s)`` and each colour ``(m, 3)``.
    The masks are first folded into one index image, then every pixel looks its colour up
    once: much faster than painting layer after layer.
    """
    m = background.shape[0]
    index = np.zeros(background.shape[:3], dtype=np.uint8)
    for k, (mask, _) in enumerate(layers, start=1):
        index[mask] = k
    palette = np.stack([np.zeros((m, 3))] + [colour for _, colour in layers], axis=1)
    canvas = palette.astype(np.float32)[np.arange(m)[:, None, None], index]
    np.copyto(canvas, background, where=(index == 0)[..., None])
    return canvas


def finish(canvas, rng, noise=0.03):
    """Add sensor noise, clip to ``[0, 1]`` and return ``float32``."""
    canvas += np.float32(noise) * rng.standard_normal(canvas.shape, dtype=np.float32)
    return np.clip(canvas, 0.0, 1.0, out=canvas)


def in_chunks(n, size, draw):
    """Fill an ``(n, size, size, 3)`` batch by calling ``draw(slice)`` chunk after chunk."""
    images = np.empty((n, size, size, 3), dtype=np.float32)
    for start in range(0, n, CHUNK):
        rows = slice(start, min(start + CHUNK, n))
        images[rows] = draw(rows)
    return images


def load_split(make, sizes, seeds, split, size):
    """One fixed split of a generated set: ``make(sizes[split], size, seeds[split])``;
    ``"all"`` joins the three splits in the order train, validation, test."""
    check_split(split)
    if split == "all":
        parts = [make(sizes[s], size, seeds[s]) for s in sizes]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    return make(sizes[split], size, seeds[split])


def check_count(n):
    if int(n) != n or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n}")
    return int(n)


def check_size(size, minimum):
    if int(size) != size or size < minimum:
        raise ValueError(f"size must be an integer of at least {minimum}, got {size}")
    return int(size)
