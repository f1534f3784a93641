"""Car vs truck: side views of vehicles on a road, drawn from a seed.

The running example of the convolution chapters tells cars from trucks. Real photographs
of both cannot be shipped or downloaded here, so this module draws them: a sky and a road,
and a side view of a car (low body, sloped cabin with windows, two wheels) or a truck (cab
with a window, tall cargo box, three wheels), in random colours, sizes, positions and
directions, with sensor noise. What separates the classes is shape, not colour.
"""

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

VEHICLE_CLASSES = ("car", "truck")

SPLIT_SIZES = {"train": 2000, "validation": 500, "test": 500}
_SPLIT_SEEDS = {"train": 101, "validation": 102, "test": 103}


def make_vehicles(n, size=64, seed=0):
    """Draw ``n`` car / truck images.

    Returns ``images`` of shape ``(n, size, size, 3)``, ``float32`` in ``[0, 1]``, and
    ``labels`` of shape ``(n,)``, ``int64`` (0 car, 1 truck; see ``VEHICLE_CLASSES``).
    The same ``n``, ``size`` and ``seed`` give the same bytes.
    """
    n = check_count(n)
    size = check_size(size, 16)
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n).astype(np.int64)
    scene = _random_scene(rng, labels, size)
    images = in_chunks(n, size, lambda rows: _draw(scene, rows, labels[rows], size, rng))
    return images, labels


def load_vehicles(split="train", size=64):
    """A fixed split of car / truck images: 2000 train, 500 validation, 500 test."""
    return load_split(make_vehicles, SPLIT_SIZES, _SPLIT_SEEDS, split, size)


def _random_scene(rng, labels, size):
    n = len(labels)
    trucks = labels == 1
    length = np.where(trucks, rng.uniform(0.62, 0.9, n), rng.uniform(0.55, 0.85, n)) * size
    margin = 0.03 * size
    x0 = margin + rng.uniform(0, 1, n) * np.maximum(size - length - 2 * margin, 0)
    scene = {
        "horizon": rng.uniform(0.35, 0.55, n) * size,
        "ground": rng.uniform(0.78, 0.95, n) * size,
        "x0": x0,
        "length": length,
        "flip": rng.random(n) < 0.5,
        "sky_top": rng.uniform([0.25, 0.4, 0.6], [0.55, 0.7, 0.95], (n, 3)),
        "sky_low": rng.uniform([0.65, 0.7, 0.75], [0.9, 0.92, 0.98], (n, 3)),
        "road": rng.uniform(0.28, 0.5, (n, 1)) + rng.uniform(-0.04, 0.04, (n, 3)),
        "body": rng.uniform(0.05, 0.95, (n, 3)),
        "box": rng.uniform(0.3, 1.0, (n, 3)),
        "cabin_height": rng.uniform(0.13, 0.19, n),
        "box_height": rng.uniform(0.33, 0.45, n),
    }
    # float32 halves the work of every mask computed from these values.
    return {k: v if v.dtype == bool else v.astype(np.float32) for k, v in scene.items()}


def _draw(scene, rows, labels, size, rng):
    p = {key: value[rows] for key, value in scene.items()}
    m = len(labels)
    yy, xx = pixel_grid(size)

    def col(name):
        return p[name][:, None, None]

    # Background: a sky fading towards the horizon, then the road with a dashed lane line.
    t = np.clip(yy / col("horizon"), 0, 1)[..., None]
    canvas = (p["sky_top"][:, None, None] * (1 - t) + p["sky_low"][:, None, None] * t).astype(
        np.float32
    )
    road = yy >= col("horizon")
    lane = (np.abs(yy - (col("horizon") + col("ground")) / 2) < 0.6) & ((xx // 6) % 2 == 0)

    # Vehicle coordinates in units of its length: u along it (front at u = 1), v upwards.
    u = (xx - col("x0")) / col("length")
    u = np.where(col("flip"), 1 - u, u)
    v = (col("ground") - yy) / col("length")

    def box(u0, u1, v0, v1):
        return (u >= u0) & (u <= u1) & (v >= v0) & (v <= v1)

    def wheel(centre, radius):
        distance = (u - centre) ** 2 + (v - radius) ** 2
        return distance <= radius**2, distance <= (0.45 * radius) ** 2

    truck = labels.astype(bool)[:, None, None]
    shadow = (np.abs(v) < 0.02) & (u > 0.02) & (u < 0.98)

    # Car: a low body with a tapered hood and boot, and a sloped cabin.
    top = 0.22
    body = box(0, 1, 0.06, top) & (v <= top - 0.7 * np.maximum(0, u - 0.86))
    body &= v <= top - 0.7 * np.maximum(0, 0.07 - u)
    h = col("cabin_height")
    lift = v - top
    cabin = (lift >= 0) & (lift <= h) & (u >= 0.2 + 0.9 * lift) & (u <= 0.72 - 1.4 * lift)
    glass = (lift >= 0.02) & (lift <= h - 0.025) & (u >= 0.24 + 0.9 * lift)
    glass &= (u <= 0.69 - 1.4 * lift) & (np.abs(u - 0.46) > 0.018)
    car_wheels = [wheel(0.2, 0.085), wheel(0.8, 0.085)]

    # Truck: chassis, a tall cargo box, a cab with a window and a cut front corner.
    chassis = box(0, 1, 0.07, 0.12)
    cargo = box(0, 0.7, 0.12, 0.12 + col("box_height"))
    corner = v <= 0.42 - 0.9 * np.maximum(0, u - 0.92)
    cab = box(0.73, 1.0, 0.1, 0.42) & corner
    window = box(0.79, 0.95, 0.27, 0.37) & corner
    truck_wheels = [wheel(0.13, 0.075), wheel(0.29, 0.075), wheel(0.86, 0.075)]

    def grey(level):
        return np.full((m, 3), level)

    glass_colour = np.tile([0.75, 0.75, 0.85], (m, 1))
    layers = [
        (road, p["road"]),
        (lane, grey(0.85)),
        (shadow, grey(0.12)),
        (~truck & body, p["body"]),
        (~truck & cabin, p["body"]),
        (~truck & glass, glass_colour),
        (truck & chassis, grey(0.2)),
        (truck & cargo, p["box"]),
        (truck & cab, p["body"]),
        (truck & window, glass_colour),
    ]
    for kind, wheels in ((~truck, car_wheels), (truck, truck_wheels)):
        for tyre, hub in wheels:
            layers += [(kind & tyre, grey(0.07)), (kind & hub, grey(0.6))]
    return finish(compose(canvas, layers), rng)
