"""Car vs truck: side views of vehicles in cluttered scenes, drawn from a seed.

The running example of the convolution chapters tells cars from trucks. Real photographs
of both cannot be shipped or downloaded here, so this module draws them, hard in the ways
photographs are hard:

- the background is a crop of a real photograph with clutter on it (buildings, poles,
  trees, signs, blobs: see :mod:`dlcourse.data.backgrounds`), sometimes with a road;
- the vehicle is a side view at any scale (its length is 35 % to 100 % of the frame, for
  both classes alike) and position, facing left or right, and may be cut by the frame;
- cars vary (saloon, hatchback, estate, tall SUV) and so do trucks (box truck, tanker,
  cab-over or with a bonnet), in realistic or random colours;
- foreground objects (poles, bushes, posts, signs) partly hide it;
- the light changes: global brightness, contrast and tint, a shadow across part of the
  scene, a lighting gradient and sensor noise.

What separates the classes is shape: a car is long and low with its cabin in the middle
and two wheels; a truck has a tall cargo body behind a separate cab and three wheels.
"""

import numpy as np

from dlcourse.data.backgrounds import cluttered_scene, jitter_colours
from dlcourse.data.drawing import check_count, check_size, in_chunks
from dlcourse.data.splits import check_split

VEHICLE_CLASSES = ("car", "truck")
FACINGS = ("both", "left", "right")

SPLIT_SIZES = {"train": 2000, "validation": 500, "test": 500}
_SPLIT_SEEDS = {"train": 101, "validation": 102, "test": 103}

MIN_SIZE = 16

# Difficulty: how likely each piece of background clutter is, how strong the colour and
# lighting changes are, and the range of the sensor noise's standard deviation. Tuned so
# that logistic regression on pixels fails and a small convnet learns in a minute (see
# dlcourse/data/report.md).
CLUTTER = 0.8
LIGHTING = 0.8
NOISE = (0.01, 0.04)

# Realistic body colours (white, silver, grey, black, dark blue, red), used half the time.
_PAINTS = np.array(
    [
        [0.92, 0.92, 0.92],
        [0.72, 0.73, 0.75],
        [0.45, 0.46, 0.48],
        [0.08, 0.08, 0.09],
        [0.1, 0.15, 0.35],
        [0.65, 0.08, 0.08],
    ],
    dtype=np.float32,
)


def make_vehicles(n, size=64, seed=0, facing="both", return_boxes=False):
    """Draw ``n`` car / truck scenes.

    Returns ``images`` of shape ``(n, size, size, 3)``, ``float32`` in ``[0, 1]``, and
    ``labels`` of shape ``(n,)``, ``int64`` (0 car, 1 truck; see ``VEHICLE_CLASSES``).

    ``facing`` is ``"both"`` (each vehicle faces left or right at random), ``"left"`` or
    ``"right"`` (all face that way; the scenes are otherwise the same as with ``"both"``).
    With ``return_boxes=True`` a third array ``boxes`` ``(n, 4)`` ``float32`` gives the
    bounding box ``(x_min, y_min, x_max, y_max)`` of the visible part of each vehicle
    (inside the frame, not hidden by a foreground object) in pixels: the box covers the
    pixel columns ``x_min`` to ``x_max - 1`` and rows ``y_min`` to ``y_max - 1``.
    The same arguments give the same bytes.
    """
    images, labels, boxes, _, _ = _make(n, size, seed, facing)
    if return_boxes:
        return images, labels, boxes
    return images, labels


def _make(n, size, seed, facing):
    """Images, labels, boxes and two masks ``(n, size, size)`` bool of each vehicle: its
    visible pixels, and all its pixels in the frame (hidden ones included)."""
    n = check_count(n)
    size = check_size(size, MIN_SIZE)
    facing = _check_facing(facing)
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n).astype(np.int64)
    scene = _random_scene(rng, labels, size, facing)
    boxes = np.zeros((n, 4), dtype=np.float32)
    visible = np.zeros((n, size, size), dtype=bool)
    whole = np.zeros((n, size, size), dtype=bool)

    def draw(rows):
        images, visible[rows], whole[rows] = _draw(scene, rows, labels[rows], size, rng)
        boxes[rows] = _boxes(visible[rows])
        return images

    images = in_chunks(n, size, draw)
    return images, labels, boxes, visible, whole


def load_vehicles(split="train", size=64, facing="both", return_boxes=False):
    """A fixed split of car / truck scenes: 2000 train, 500 validation, 500 test.

    ``"all"`` joins the three in that order. ``facing`` and ``return_boxes`` are as in
    :func:`make_vehicles`.
    """
    check_split(split)
    _check_facing(facing)
    splits = list(SPLIT_SIZES) if split == "all" else [split]
    parts = [
        make_vehicles(SPLIT_SIZES[s], size, _SPLIT_SEEDS[s], facing, return_boxes) for s in splits
    ]
    if len(parts) == 1:
        return parts[0]
    return tuple(np.concatenate(arrays) for arrays in zip(*parts, strict=True))


def _check_facing(facing):
    if not isinstance(facing, str) or facing not in FACINGS:
        raise ValueError(f"facing must be one of {FACINGS}, got {facing!r}")
    return facing


def _random_scene(rng, labels, size, facing):
    n = len(labels)
    trucks = labels == 1
    length = rng.uniform(0.4, 1.0, n)
    # In 40 % of the scenes up to 20 % of the vehicle may stick out of either side.
    out = np.where(rng.random(n) < 0.4, 0.2, 0.0) * length
    x0 = rng.uniform(-out, 1 - length + out)
    flip = rng.random(n) < 0.5  # True: the front points left
    if facing != "both":
        flip[:] = facing == "left"
    height = np.where(trucks, 0.55, 0.4) * length  # a rough height, to place the wheels
    ground = rng.uniform(np.minimum(height + 0.05, 0.95), 1.04)

    def paint(k):
        realistic = _PAINTS[rng.integers(0, len(_PAINTS), k)] + rng.uniform(-0.05, 0.05, (k, 3))
        return np.where(rng.random((k, 1)) < 0.5, realistic, rng.uniform(0, 1, (k, 3)))

    scene = {
        "x0": x0 * size,
        "length": length * size,
        "ground": ground * size,
        "flip": flip,
        "body": paint(n),
        "cargo": paint(n),  # the same colours as car bodies: colour tells nothing
        "glass": rng.uniform(0.12, 0.5, (n, 1)) * rng.uniform([0.9, 0.95, 1.0], 1.1, (n, 3)),
        # cars: body top, cabin height, cabin rear position and slope (saloon, hatchback,
        # estate, SUV are all points of this space)
        "car_top": rng.uniform(0.2, 0.27, n) + 0.06 * (rng.random(n) < 0.25),
        "cabin_height": rng.uniform(0.12, 0.18, n),
        "cabin_rear": rng.uniform(0.04, 0.24, n),
        "rear_slope": rng.uniform(0.1, 1.2, n),
        "front_slope": rng.uniform(1.0, 2.0, n),
        # trucks: cargo height, corner rounding (0 box, 1 tank), bonnet length
        "cargo_height": rng.uniform(0.3, 0.45, n),
        "rounding": np.where(rng.random(n) < 0.3, rng.uniform(0.6, 1.0, n), 0.0),
        "bonnet": np.where(rng.random(n) < 0.4, rng.uniform(0.06, 0.1, n), 0.0),
        "cab_height": rng.uniform(0.38, 0.46, n),
        "wheel": rng.uniform(0.07, 0.09, n),
        "road": rng.random(n) < 0.5,
    }
    return {k: v if v.dtype == bool else v.astype(np.float32) for k, v in scene.items()}


def _draw(scene, rows, labels, size, rng):
    p = {key: value[rows] for key, value in scene.items()}
    m = len(labels)
    canvas, layers, texture = cluttered_scene(rng, m, size, amount=CLUTTER)
    centres = np.arange(size, dtype=np.float32) + 0.5
    xx, yy = centres[None, None, :], centres[None, :, None]

    def col(name):
        return p[name][:, None, None]

    def uniform(low, high, shape=None):
        return rng.uniform(low, high, m if shape is None else shape).astype(np.float32)

    # A road under the vehicle half the time.
    road = col("road") & (yy >= col("ground") - 0.03 * col("length"))
    layers.add(road, np.repeat(uniform(0.2, 0.5, (m, 1)), 3, axis=1), uniform(0.7, 1.0))

    # Vehicle coordinates in units of its length: u along it (front at u = 1), v upwards.
    # u depends on the column only and v on the row only: masks broadcast (m, s, 1) & (m, 1, s).
    u = (xx - col("x0")) / col("length")
    u = np.where(col("flip"), 1 - u, u)
    v = (col("ground") - yy) / col("length")
    truck = labels.astype(bool)[:, None, None]
    car = ~truck

    def span(low, high, values):
        return (values >= low) & (values <= high)

    def grey(level):
        return np.full((m, 3), level, dtype=np.float32)

    # Shadow on the ground.
    shadow = span(-0.02, 0.025, v) & span(0.0, 1.0, u)
    layers.add(shadow, grey(0.05), uniform(0.4, 0.7), textured=False)
    first = len(layers.colours)  # layers from here on belong to the vehicle

    def add(mask, colour, alpha=1.0):
        layers.add(mask, colour, alpha, textured=False)

    # Car: a low body with a tapered bonnet and boot, and a cabin with windows.
    top = col("car_top")
    body = car & span(0.0, 1.0, u) & span(0.07, 1.0, v)
    body = body & (v <= top - 0.8 * np.maximum(0, u - 0.84) - 0.8 * np.maximum(0, 0.06 - u))
    lift = v - top
    rear, rear_slope, front_slope = col("cabin_rear"), col("rear_slope"), col("front_slope")
    h = col("cabin_height")
    cabin = car & span(0.0, 1.0, lift / h)
    cabin = cabin & ((u >= rear + rear_slope * lift) & (u <= 0.74 - front_slope * lift))
    glass = car & span(0.015, 1.0, lift) & (lift <= h - 0.022)
    glass = glass & ((u >= rear + 0.035 + rear_slope * lift) & (u <= 0.71 - front_slope * lift))
    pillar = np.abs(u - (rear + 0.74) / 2 - 0.05) < 0.018
    add(body, p["body"])
    add(cabin, p["body"])
    add(glass & ~pillar, p["glass"])
    add(car & span(0.07, 0.1, v) & span(0.0, 1.0, u), grey(0.12))  # sill and bumpers
    headlight = car & span(0.95, 1.0, u) & span(top - 0.07, top - 0.035, v)
    taillight = car & span(0.0, 0.03, u) & span(top - 0.06, top - 0.025, v)
    add(headlight, np.tile([0.95, 0.92, 0.75], (m, 1)))
    add(taillight, np.tile([0.8, 0.1, 0.08], (m, 1)))

    # Truck: chassis, a cargo body (a box, or a tank when its corners are round) and a cab.
    chassis = truck & span(0.0, 1.0, u) & span(0.07, 0.12, v)
    cargo_h = col("cargo_height")
    radius = col("rounding") * cargo_h / 2
    du = np.maximum(np.abs(u - 0.355) - (0.345 - radius), 0)
    dv = np.maximum(np.abs(v - 0.12 - cargo_h / 2) - (cargo_h / 2 - radius), 0)
    cargo = truck & span(0.0, 0.71, u) & span(0.12, 0.12 + cargo_h, v)
    cargo = cargo & (du**2 + dv**2 <= radius**2)
    cab_h, bonnet = col("cab_height"), col("bonnet")
    corner = v <= cab_h - 0.9 * np.maximum(0, u - (0.93 - bonnet))
    cab = truck & span(0.73, 1.0, u) & span(0.1, 1.0, v) & corner
    cab = cab & ((u <= 1.0 - bonnet) | (v <= 0.25))
    window = truck & span(0.78, 0.95 - bonnet, u) & span(cab_h - 0.14, cab_h - 0.04, v) & corner
    add(chassis, grey(0.18))
    add(cargo, p["cargo"])
    add(cab, p["body"])
    add(window, p["glass"])
    light = truck & span(0.97, 1.0, u) & span(0.13, 0.17, v)
    add(light, np.tile([0.95, 0.92, 0.75], (m, 1)))

    # Wheels: two for a car, three for a truck, each a tyre with a hub.
    r = col("wheel")
    car_wheels, truck_wheels = (0.19, 0.81), (0.13, 0.29, 0.86)
    for k in range(3):
        centre = np.where(truck, truck_wheels[k], car_wheels[min(k, 1)])
        distance = (u - centre) ** 2 + (v - r) ** 2
        here = truck | (k < 2)
        add(here & (distance <= r**2), grey(0.06))
        add(here & (distance <= (0.5 * r) ** 2), grey(0.55))
    last = len(layers.colours)
    whole = layers.index >= first

    # Foreground objects that partly hide the vehicle: a pole, a bush, a post.
    span_x = np.stack([p["x0"], p["x0"] + p["length"]], axis=1)
    _add_occluders(rng, layers, m, size, span_x, p["ground"], p["length"])

    is_vehicle = (layers.index >= first) & (layers.index < last)
    layers.paint(canvas, texture)
    jitter_colours(rng, canvas, strength=LIGHTING)
    _add_shadow(rng, canvas)
    # Sensor noise, stronger in some images than in others.
    noise = rng.standard_normal(canvas.shape, dtype=np.float32)
    canvas += noise * rng.uniform(*NOISE, (m, 1, 1, 1)).astype(np.float32)
    return np.clip(canvas, 0.0, 1.0, out=canvas), is_vehicle, whole


def _add_occluders(rng, layers, m, size, span_x, ground, length):
    """Poles, bushes and posts in front of the vehicle, hiding at most about a third of it."""
    centres = np.arange(size, dtype=np.float32) + 0.5
    xx, yy = centres[None, None, :], centres[None, :, None]

    def u(low, high):
        return rng.uniform(low, high, m).astype(np.float32)[:, None, None]

    left, right = span_x[:, 0, None, None], span_x[:, 1, None, None]
    length = length[:, None, None]
    ground = ground[:, None, None]

    # A pole or tree trunk standing in front of the vehicle.
    x = left + u(0.05, 0.95) * (right - left)
    width = u(0.03, 0.1) * length
    top = u(0.0, 0.5) * size
    pole = (rng.random(m) < 0.35)[:, None, None] & (np.abs(xx - x) <= width / 2) & (yy >= top)
    tone = rng.uniform(0.1, 0.7, (m, 1)).astype(np.float32)
    layers.add(pole, np.repeat(tone, 3, axis=1) * rng.uniform(0.85, 1.15, (m, 3)), 1.0)

    # A bush or rock at ground level hiding one end or the lower part.
    x = left + u(-0.1, 1.1) * (right - left)
    rx, ry = u(0.12, 0.3) * length, u(0.08, 0.2) * length
    bush = (rng.random(m) < 0.35)[:, None, None]
    bush = bush & (((xx - x) / rx) ** 2 + ((yy - ground) / ry) ** 2 <= 1)
    green = rng.uniform([0.05, 0.2, 0.02], [0.4, 0.55, 0.3], (m, 3)).astype(np.float32)
    layers.add(bush, green, 1.0)

    # A sign or short post.
    x = left + u(0.0, 1.0) * (right - left)
    half = u(0.04, 0.1) * length
    cy = ground - u(0.2, 0.6) * length
    post = (rng.random(m) < 0.2)[:, None, None]
    plate = post & (np.abs(xx - x) <= half) & (np.abs(yy - cy) <= half)
    stem = post & (np.abs(xx - x) <= 0.2 * half) & (yy >= cy)
    signs = np.array([[0.85, 0.1, 0.1], [0.1, 0.3, 0.8], [0.95, 0.8, 0.1], [0.95, 0.95, 0.95]])
    layers.add(stem, np.full((m, 3), 0.4, dtype=np.float32), 1.0)
    layers.add(plate, signs[rng.integers(0, len(signs), m)].astype(np.float32), 1.0)


def _add_shadow(rng, canvas):
    """Darken the part of the scene on one side of a random line (a cast shadow), in place."""
    m, size = canvas.shape[:2]
    centres = (np.arange(size, dtype=np.float32) + 0.5) / size
    xx, yy = centres[None, None, :], centres[None, :, None]
    angle = rng.uniform(0, 2 * np.pi, m).astype(np.float32)[:, None, None]
    offset = rng.uniform(-0.3, 0.3, m).astype(np.float32)[:, None, None]
    side = np.cos(angle) * (xx - 0.5) + np.sin(angle) * (yy - 0.5) > offset
    depth = np.where(rng.random(m) < 0.4, rng.uniform(0.55, 0.85, m), 1.0).astype(np.float32)
    canvas *= np.where(side, depth[:, None, None], np.float32(1))[..., None]


def _boxes(mask):
    """``(x_min, y_min, x_max, y_max)`` of the ``True`` pixels of each mask (edges, pixels)."""
    columns, rows = mask.any(axis=1), mask.any(axis=2)
    size = mask.shape[1]

    def edges(hit):
        start = np.argmax(hit, axis=1)
        stop = size - np.argmax(hit[:, ::-1], axis=1)
        found = hit.any(axis=1)
        return np.where(found, start, 0), np.where(found, stop, 0)

    x_min, x_max = edges(columns)
    y_min, y_max = edges(rows)
    return np.stack([x_min, y_min, x_max, y_max], axis=1).astype(np.float32)
