"""Everyday objects (house, tree, boat, aeroplane ...) in cluttered scenes, drawn from a seed.

The source task of the course's pretrained convolutional base (:mod:`dlcourse.pretrained`):
ten classes of objects, none of them a vehicle with wheels, so that what the base learns
here and then does on car vs truck is *transfer*. Like photographs, the scenes are hard:
each object has random colours, size (from a third of the image to all of it), position
(often cut by the frame), a small rotation, either direction, a varying shape (round or
pointed tree, 5 to 8 petals, four sign shapes ...), and it sits on a cluttered background,
sometimes partly hidden by something in front of it, under uneven lighting, with sensor
noise. What tells the classes apart is shape.
"""

import numpy as np

from dlcourse.data.backgrounds import clutter_backgrounds
from dlcourse.data.drawing import (
    check_count,
    check_size,
    compose,
    finish,
    in_chunks,
    load_split,
    pixel_grid,
)

OBJECT_CLASSES = (
    "house",
    "tree",
    "boat",
    "aeroplane",
    "fish",
    "flower",
    "umbrella",
    "sign",
    "person",
    "cup",
)

SPLIT_SIZES = {"train": 8000, "validation": 1000, "test": 1000}
_SPLIT_SEEDS = {"train": 301, "validation": 302, "test": 303}

# Largest rotation of each class, in degrees (aeroplanes and fish turn more than houses).
_MAX_TILT = {"aeroplane": 40, "fish": 25, "flower": 15, "umbrella": 15, "person": 10,
             "boat": 10, "sign": 8, "tree": 8, "house": 6, "cup": 8}
_SHAPE_PARAMETERS = 4  # q0 ... q3 in [0, 1): each class reads them as it pleases
_COLOURS = 5


def make_objects(n, size=64, seed=0):
    """Draw ``n`` images of one everyday object each.

    Returns ``images`` ``(n, size, size, 3)`` ``float32`` in ``[0, 1]`` and ``labels``
    ``(n,)`` ``int64`` (indices into ``OBJECT_CLASSES``). The same ``n``, ``size`` and
    ``seed`` give the same bytes.
    """
    n = check_count(n)
    size = check_size(size, 16)
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(OBJECT_CLASSES), n).astype(np.int64)
    scene = _random_scene(rng, labels, size)
    images = in_chunks(n, size, lambda rows: _draw(scene, rows, labels[rows], size, rng))
    return images, labels


def load_objects(split="train", size=64):
    """A fixed split of object images: 8000 train, 1000 validation, 1000 test."""
    return load_split(make_objects, SPLIT_SIZES, _SPLIT_SEEDS, split, size)


def _random_scene(rng, labels, size):
    n = len(labels)
    tilt = np.radians([_MAX_TILT[name] for name in OBJECT_CLASSES])[labels]
    scale = rng.uniform(0.38, 0.95, n) * size
    scene = {
        "scale": scale,
        "aspect": np.exp(rng.uniform(-0.15, 0.15, n)),
        # Centres anywhere in the middle 70 %: big objects near an edge are cut by the frame.
        "cx": rng.uniform(0.15, 0.85, n) * size,
        "cy": rng.uniform(0.15, 0.85, n) * size,
        "angle": rng.uniform(-1, 1, n) * tilt,
        "flip": rng.random(n) < 0.5,
        "q": rng.random((n, _SHAPE_PARAMETERS)),
        # Colour offsets from the background's mean: every part stands out from it a bit.
        "colours": rng.uniform(0.25, 0.75, (n, _COLOURS, 3)),
        "dark": rng.random(n) < 0.5,
        "occluders": rng.choice(3, n, p=[0.5, 0.35, 0.15]),
        "occluder": rng.random((n, 2, 6)),
        "occluder_colour": rng.random((n, 2, 3)),
        "gain": rng.uniform(0.65, 1.2, n),
        "cast": rng.uniform(0.88, 1.12, (n, 3)),
        "slope": rng.uniform(-0.4, 0.4, (n, 2)),
    }
    return {k: v if v.dtype == bool or k == "occluders" else v.astype(np.float32)
            for k, v in scene.items()}


def _draw(scene, rows, labels, size, rng):
    p = {key: value[rows] for key, value in scene.items()}
    m = len(labels)
    canvas = clutter_backgrounds(rng, m, size)
    mean = canvas.mean(axis=(1, 2))  # (m, 3)
    yy, xx = pixel_grid(size)
    for k, name in enumerate(OBJECT_CLASSES):
        idx = np.flatnonzero(labels == k)
        if len(idx) == 0:
            continue
        sub = {key: value[idx] for key, value in p.items()}
        u, v = _object_frame(sub, xx, yy)
        q = [sub["q"][:, j, None, None] for j in range(_SHAPE_PARAMETERS)]
        # Colours: pushed away from the background's mean, then darkened for half the objects.
        colours = (mean[idx, None, :] + sub["colours"]) % 1.0
        colours = np.where(sub["dark"][:, None, None], colours * 0.6, colours)
        parts = _DRAW[name](u, v, q)
        layers = [(mask, colours[:, c]) for mask, c in parts]
        canvas[idx] = compose(canvas[idx], layers)
    canvas = compose(canvas, _occluders(p, xx, yy, size))
    # Lighting: overall gain, a colour cast and a brightness slope across the image.
    yy01, xx01 = yy / size - 0.5, xx / size - 0.5
    light = 1 + p["slope"][:, 0, None, None] * xx01 + p["slope"][:, 1, None, None] * yy01
    canvas *= (light * p["gain"][:, None, None])[..., None]
    canvas *= p["cast"][:, None, None, :]
    return finish(canvas, rng)


def _object_frame(p, xx, yy):
    """Each pixel in the object's own coordinates: ``u`` to the right, ``v`` upwards, in
    units of the object's size, the object filling about ``[-0.5, 0.5]`` in both."""
    dx = xx - p["cx"][:, None, None]
    dy = yy - p["cy"][:, None, None]
    cos, sin = np.cos(p["angle"])[:, None, None], np.sin(p["angle"])[:, None, None]
    scale = p["scale"][:, None, None]
    u = (cos * dx + sin * dy) / (scale * p["aspect"][:, None, None])
    v = (sin * dx - cos * dy) / scale
    u = np.where(p["flip"][:, None, None], -u, u)
    return u, v


def _occluders(p, xx, yy, size):
    """Up to two things in front of the object: a bar (a pole, a branch) or a blob."""
    layers = []
    for j in range(2):
        o = p["occluder"][:, j]
        present = (p["occluders"] > j)[:, None, None]
        # Near the object's centre, so that it often hides part of it.
        cx = (p["cx"] + (o[:, 0] - 0.5) * p["scale"])[:, None, None]
        cy = (p["cy"] + (o[:, 1] - 0.5) * p["scale"])[:, None, None]
        angle = (o[:, 2] * np.pi)[:, None, None]
        along = np.cos(angle) * (xx - cx) + np.sin(angle) * (yy - cy)
        across = -np.sin(angle) * (xx - cx) + np.cos(angle) * (yy - cy)
        width = (0.025 + 0.06 * o[:, 3])[:, None, None] * size
        bar = np.abs(across) <= width / 2
        radius = (0.07 + 0.1 * o[:, 3])[:, None, None] * size
        blob = (along / 1.3) ** 2 + across**2 <= radius**2
        mask = present & np.where((o[:, 4] < 0.6)[:, None, None], bar, blob)
        layers.append((mask, p["occluder_colour"][:, j]))
    return layers


# ---------------------------------------------------------------- shape primitives


def _rect(u, v, u0, u1, v0, v1):
    return (u >= u0) & (u <= u1) & (v >= v0) & (v <= v1)


def _ellipse(u, v, cu, cv, ru, rv):
    return ((u - cu) / ru) ** 2 + ((v - cv) / rv) ** 2 <= 1


def _polygon(u, v, points):
    """Inside a convex polygon, its points in either order (each a pair of scalars/arrays)."""
    left = right = True
    for (u0, v0), (u1, v1) in zip(points, points[1:] + points[:1], strict=True):
        cross = (u1 - u0) * (v - v0) - (v1 - v0) * (u - u0)
        left, right = left & (cross >= 0), right & (cross <= 0)
    return left | right


def _segment(u, v, a, b, width):
    """Within ``width / 2`` of the segment from ``a`` to ``b``."""
    (au, av), (bu, bv) = a, b
    du, dv = bu - au, bv - av
    t = np.clip(((u - au) * du + (v - av) * dv) / (du * du + dv * dv), 0, 1)
    return (u - au - t * du) ** 2 + (v - av - t * dv) ** 2 <= (width / 2) ** 2


# ---------------------------------------------------------------- the classes
# Each returns (mask, colour index) pairs, later ones painted on top.


def _house(u, v, q):
    eave = 0.0 + 0.12 * q[0]
    wall = _rect(u, v, -0.38, 0.38, -0.5, eave)
    apex = 0.5 - 0.1 * q[1]
    roof = _polygon(u, v, [(-0.5, eave), (0.5, eave), (0.12 * (q[2] - 0.5), apex)])
    chimney = _rect(u, v, 0.2, 0.3, eave, apex - 0.05) & (q[3] < 0.6)
    door_u = 0.15 * (q[2] - 0.5)
    door = _rect(u, v, door_u - 0.08, door_u + 0.08, -0.5, -0.22)
    window_v0, window_v1 = -0.17, eave - 0.08
    windows = _rect(u, v, -0.31, -0.15, window_v0, window_v1)
    windows |= _rect(u, v, 0.15, 0.31, window_v0, window_v1)
    return [(chimney, 2), (wall, 0), (roof, 1), (door, 2), (windows, 3)]


def _tree(u, v, q):
    trunk = _rect(u, v, -0.06 - 0.03 * q[1], 0.06 + 0.03 * q[1], -0.5, -0.05)
    round_crown = (_ellipse(u, v, 0, 0.15, 0.32, 0.33) | _ellipse(u, v, -0.2, 0.0, 0.2, 0.18)
                   | _ellipse(u, v, 0.2, 0.02, 0.2, 0.18))
    conifer = _polygon(u, v, [(-0.36, -0.28), (0.36, -0.28), (0, 0.5)])
    conifer |= _polygon(u, v, [(-0.28, 0.02), (0.28, 0.02), (0, 0.5)])
    crown = np.where(q[0] < 0.5, round_crown, conifer)
    return [(trunk, 2), (crown, 1)]


def _boat(u, v, q):
    deck = -0.12
    hull = _polygon(u, v, [(-0.45, -0.4), (0.3, -0.4), (0.5, deck), (-0.5, deck)])
    mast = _segment(u, v, (0.0, deck), (0.0, 0.5), 0.03)
    sail = _polygon(u, v, [(0.04, -0.05), (0.42, -0.05), (0.04, 0.48)])
    jib = _polygon(u, v, [(-0.04, 0.42), (-0.04, -0.05), (-0.3 - 0.1 * q[0], -0.05)])
    jib &= q[1] < 0.6
    portholes = np.zeros_like(hull)
    for centre in (-0.25, -0.05, 0.15):
        portholes |= _ellipse(u, v, centre, -0.25, 0.045, 0.045)
    portholes &= q[2] < 0.5
    stripe = hull & (v > deck - 0.06)
    return [(hull, 0), (stripe, 3), (portholes, 2), (mast, 2), (sail, 1), (jib, 4)]


def _aeroplane(u, v, q):
    # Seen from below: fuselage along u, swept wings and a tailplane.
    sweep = 0.1 + 0.12 * q[0]
    fuselage = _ellipse(u, v, 0, 0, 0.5, 0.075)
    wings = np.zeros_like(fuselage)
    tail = np.zeros_like(fuselage)
    for side in (1, -1):
        wings |= _polygon(u, v, [(0.14, 0), (0.0, 0), (-sweep - 0.1, 0.48 * side),
                                 (-sweep, 0.48 * side)])
        tail |= _polygon(u, v, [(-0.33, 0), (-0.43, 0), (-0.5, 0.17 * side),
                                (-0.44, 0.17 * side)])
    engines = (_ellipse(u, v, -0.02, 0.22, 0.07, 0.035) | _ellipse(u, v, -0.02, -0.22, 0.07, 0.035))
    engines &= q[1] < 0.6
    return [(wings, 1), (tail, 1), (engines, 2), (fuselage, 0)]


def _fish(u, v, q):
    height = 0.16 + 0.08 * q[0]
    body = _ellipse(u, v, 0.06, 0, 0.34, height)
    tail = _polygon(u, v, [(-0.22, 0), (-0.5, -0.22), (-0.5, 0.22)])
    fin = _polygon(u, v, [(-0.1, height * 0.8), (0.15, height * 0.8), (-0.12, height + 0.13)])
    stripes = body & (np.cos(u * 28) > 0.4) & (u < 0.2) & (q[1] < 0.5)
    eye = _ellipse(u, v, 0.25, 0.04, 0.05, 0.05)
    pupil = _ellipse(u, v, 0.26, 0.04, 0.025, 0.025)
    return [(tail, 1), (fin, 1), (body, 0), (stripes, 4), (eye, 3), (pupil, 2)]


def _flower(u, v, q):
    stem = _segment(u, v, (0, -0.5), (0, 0.1), 0.035)
    leaf = _ellipse(u, v, 0.1, -0.25, 0.12, 0.05) | _ellipse(u, v, -0.1, -0.35, 0.1, 0.045)
    cu, cv = 0, 0.17
    petals = np.floor(5 + 4 * q[0])  # 5 to 8
    radius = np.hypot(u - cu, v - cv)
    theta = np.arctan2(v - cv, u - cu) + q[1] * 2 * np.pi
    outline = 0.33 * (0.55 + 0.45 * np.abs(np.cos(petals * theta / 2)))
    head = radius <= outline
    centre = radius <= 0.09
    return [(stem, 2), (leaf, 2), (head, 0), (centre, 1)]


def _umbrella(u, v, q):
    cv, radius = -0.02, 0.48
    scallop = 0.07 * np.abs(np.sin(np.pi * 3 * u / radius))
    canopy = (u**2 + (v - cv) ** 2 <= radius**2) & (v - cv >= scallop)
    sectors = np.floor(np.arctan2(v - cv, u) / np.pi * 6) % 2 == 0
    panels = canopy & sectors & (q[0] < 0.5)
    shaft = _segment(u, v, (0, cv + radius + 0.04), (0, -0.4), 0.03)
    ring = np.hypot(u + 0.07, v + 0.4)
    hook = (np.abs(ring - 0.07) <= 0.017) & (v < -0.4)
    return [(shaft, 2), (hook, 2), (canopy, 0), (panels, 1)]


def _sign(u, v, q):
    pole = _rect(u, v, -0.035, 0.035, -0.5, 0.1)
    cu, cv = 0, 0.25

    def panel(shrink):
        a, b = (u - cu) / shrink, (v - cv) / shrink
        circle = a**2 + b**2 <= 0.25**2
        triangle = _polygon(a, b, [(-0.28, -0.2), (0.28, -0.2), (0, 0.26)])
        diamond = np.abs(a) + np.abs(b) <= 0.3
        board = _rect(a, b, -0.42, 0.42, -0.16, 0.16)
        kind = np.floor(q[0] * 4)
        return np.where(kind == 0, circle, np.where(kind == 1, triangle,
                                                    np.where(kind == 2, diamond, board)))

    symbol = _rect(u, v, -0.1, 0.1, cv - 0.03, cv + 0.03) & (q[1] < 0.5)
    return [(pole, 2), (panel(1.0), 0), (panel(0.78), 1), (symbol, 3)]


def _person(u, v, q):
    head = _ellipse(u, v, 0, 0.39, 0.09, 0.1)
    torso = _polygon(u, v, [(-0.12, -0.07), (0.12, -0.07), (0.14, 0.27), (-0.14, 0.27)])
    stride = 0.04 + 0.14 * q[0]
    legs = (_segment(u, v, (-0.06, -0.07), (-stride, -0.5), 0.08)
            | _segment(u, v, (0.06, -0.07), (stride, -0.5), 0.08))
    raise_ = 0.3 * q[1]
    arms = (_segment(u, v, (-0.12, 0.24), (-0.27, -0.05 + raise_), 0.06)
            | _segment(u, v, (0.12, 0.24), (0.27, -0.05 + 0.3 * q[2]), 0.06))
    return [(legs, 2), (arms, 1), (torso, 1), (head, 3)]


def _cup(u, v, q):
    taper = 0.08 * q[0]
    body = _polygon(u, v, [(-0.26 + taper, -0.3), (0.26 - taper, -0.3), (0.28, 0.3), (-0.28, 0.3)])
    ring = np.hypot(u - 0.28, v - 0.02)
    handle = (ring <= 0.17) & (ring >= 0.09) & (u > 0.2)
    rim = _ellipse(u, v, 0, 0.3, 0.28, 0.05)
    saucer = _ellipse(u, v, 0, -0.33, 0.46, 0.07) & (q[1] < 0.6)
    band = body & (np.abs(v - 0.05 * q[2]) < 0.05) & (q[3] < 0.5)
    return [(saucer, 2), (handle, 0), (body, 0), (band, 4), (rim, 3)]


_DRAW = {
    "house": _house,
    "tree": _tree,
    "boat": _boat,
    "aeroplane": _aeroplane,
    "fish": _fish,
    "flower": _flower,
    "umbrella": _umbrella,
    "sign": _sign,
    "person": _person,
    "cup": _cup,
}
