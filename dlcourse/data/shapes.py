"""Geometric shapes (circle, square, triangle) at random sizes, angles and colours."""

import numpy as np

from dlcourse.data.drawing import (
    check_count,
    check_size,
    compose,
    finish,
    in_chunks,
    load_split,
    pixel_grid,
)

SHAPE_CLASSES = ("circle", "square", "triangle")

SPLIT_SIZES = {"train": 1500, "validation": 300, "test": 300}
_SPLIT_SEEDS = {"train": 201, "validation": 202, "test": 203}


def make_shapes(n, size=32, seed=0):
    """Draw ``n`` images of one filled shape each on a plain background.

    Returns ``images`` ``(n, size, size, 3)`` ``float32`` in ``[0, 1]`` and ``labels``
    ``(n,)`` ``int64`` (0 circle, 1 square, 2 triangle; see ``SHAPE_CLASSES``).
    """
    n = check_count(n)
    size = check_size(size, 8)
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(SHAPE_CLASSES), n).astype(np.int64)
    radius = rng.uniform(0.18, 0.36, n) * size
    background = rng.uniform(0, 1, (n, 3))
    # Keep the shape visibly different from its background: push its colour away.
    foreground = (background + rng.uniform(0.35, 0.65, (n, 3))) % 1.0
    scene = {
        "cy": rng.uniform(radius, size - radius),
        "cx": rng.uniform(radius, size - radius),
        "radius": radius,
        "angle": rng.uniform(0, 2 * np.pi, n),
        "background": background,
        "foreground": foreground,
    }
    images = in_chunks(n, size, lambda rows: _draw(scene, rows, labels[rows], size, rng))
    return images, labels


def load_shapes(split="train", size=32):
    """A fixed split of shape images: 1500 train, 300 validation, 300 test."""
    return load_split(make_shapes, SPLIT_SIZES, _SPLIT_SEEDS, split, size)


def _draw(scene, rows, labels, size, rng):
    p = {key: value[rows] for key, value in scene.items()}
    yy, xx = pixel_grid(size)
    dy = yy - p["cy"][:, None, None]
    dx = xx - p["cx"][:, None, None]
    cos, sin = np.cos(p["angle"])[:, None, None], np.sin(p["angle"])[:, None, None]
    # Rotate into the shape's own frame.
    a, b = cos * dx + sin * dy, -sin * dx + cos * dy
    r = p["radius"][:, None, None]
    circle = a**2 + b**2 <= r**2
    half = r * 0.8  # a square of the same area as its circle would look larger
    square = (np.abs(a) <= half) & (np.abs(b) <= half)
    # Equilateral triangle: inside all three edges at distance r/2 from the centre.
    triangle = np.ones_like(circle)
    for k in range(3):
        theta = 2 * np.pi * k / 3
        triangle &= a * np.cos(theta) + b * np.sin(theta) <= r / 2
    kind = labels[:, None, None]
    mask = np.where(kind == 0, circle, np.where(kind == 1, square, triangle))
    background = np.empty((len(labels), size, size, 3), dtype=np.float32)
    background[:] = p["background"][:, None, None]
    return finish(compose(background, [(mask, p["foreground"])]), rng)
