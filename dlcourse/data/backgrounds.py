"""Cluttered backgrounds: crops of real photographs with procedural clutter on top.

Real photographs are hard because the object of interest sits on a busy background full of
edges, colours and other things. :func:`clutter_backgrounds` gives the procedural image sets
such backgrounds, offline and from a seed:

1. a random crop of one of the bundled photographs and textures (``camera``, ``astronaut``,
   ``coffee``, ``chelsea``, ``rocket``, ``china``, ``flower``, ``brick``, ``grass``,
   ``gravel``) at a random position and scale, maybe mirrored, with its brightness,
   contrast and colours jittered and a soft lighting gradient across it;
2. procedural clutter blended over it: buildings with rows of windows, poles, trees, road
   signs, blobs and wires, textured with the photograph itself so they look like part of
   the scene. Nothing drawn here looks like a car or a truck.

The photographs are decoded and resized once per process. Everything else is vectorised
NumPy on a batch and uses only the random generator passed in, so the same generator state
gives the same bytes.
"""

import functools

import numpy as np

BACKGROUND_PHOTOS = (
    "camera",
    "astronaut",
    "coffee",
    "chelsea",
    "rocket",
    "china",
    "flower",
    "brick",
    "grass",
    "gravel",
)


@functools.lru_cache(maxsize=4)
def _photos(short_side):
    """The background photographs as RGB ``float32``, resized so their short side is
    ``short_side`` pixels (anti-aliased once, so crops can be sampled without aliasing)."""
    from dlcourse.data.photos import load_photo

    photos = []
    for name in BACKGROUND_PHOTOS:
        photo = load_photo(name)
        height, width = photo.shape[:2]
        scale = short_side / min(height, width)
        photo = load_photo(name, size=(round(height * scale), round(width * scale)))
        if photo.ndim == 2:
            photo = np.repeat(photo[..., None], 3, axis=-1)
        photo.setflags(write=False)
        photos.append(np.ascontiguousarray(photo, dtype=np.float32))
    return tuple(photos)


def _short_side(size):
    # Crops span 25 % to 85 % of the short side; at 2.5 x the output size they are sampled
    # between 0.6 x and 2.1 x: sharp, never aliased badly.
    return max(96, int(2.5 * size))


def background_crops(rng, m, size):
    """``m`` random crops of the bundled photographs, ``(m, size, size, 3)`` ``float32``.

    Each crop has its own photograph, position, scale (25 % to 85 % of the photograph's
    short side), aspect ratio and mirror flip, sampled bilinearly.
    """
    photos = _photos(_short_side(size))
    which = rng.integers(0, len(photos), m)
    side = rng.uniform(0.25, 0.85, m)
    aspect = np.exp(rng.uniform(-0.2, 0.2, m))
    corner = rng.random((m, 2))
    flip = rng.random(m) < 0.5
    out = np.empty((m, size, size, 3), dtype=np.float32)
    steps = (np.arange(size, dtype=np.float32) + 0.5) / size
    for k, photo in enumerate(photos):
        rows = np.flatnonzero(which == k)
        if len(rows) == 0:
            continue
        height, width = photo.shape[:2]
        short = min(height, width)
        h = side[rows] * short * np.sqrt(aspect[rows])
        w = side[rows] * short / np.sqrt(aspect[rows])
        h, w = np.minimum(h, height - 1), np.minimum(w, width - 1)
        y0 = corner[rows, 0] * (height - 1 - h)
        x0 = corner[rows, 1] * (width - 1 - w)
        ys = (y0[:, None] + h[:, None] * steps).astype(np.float32)
        xs = x0[:, None] + w[:, None] * steps
        xs = np.where(flip[rows, None], xs[:, ::-1], xs).astype(np.float32)
        out[rows] = _bilinear(photo, ys, xs)
    return out


def _bilinear(photo, ys, xs):
    """Sample ``photo`` at rows ``ys`` ``(g, s)`` times columns ``xs`` ``(g, s)``."""
    height, width = photo.shape[:2]
    flat = photo.reshape(-1, 3)
    y0 = np.clip(np.floor(ys).astype(np.intp), 0, height - 2)
    x0 = np.clip(np.floor(xs).astype(np.intp), 0, width - 2)
    wy = np.clip(ys - y0, 0, 1).astype(np.float32)[:, :, None, None]
    wx = np.clip(xs - x0, 0, 1).astype(np.float32)[:, None, :, None]
    index = (y0 * width)[:, :, None] + x0[:, None, :]
    # np.take on the flattened photo is several times faster than 2-D fancy indexing.
    a, b = np.take(flat, index, axis=0), np.take(flat, index + 1, axis=0)
    top = a + (b - a) * wx
    a, b = np.take(flat, index + width, axis=0), np.take(flat, index + width + 1, axis=0)
    bottom = a + (b - a) * wx
    return top + (bottom - top) * wy


def jitter_colours(rng, images, strength=1.0):
    """Random brightness, contrast, tint, saturation and a lighting gradient, in place.

    ``images`` is ``(m, s, s, 3)``; ``strength`` scales every jitter (0: none).
    """
    m, size = images.shape[:2]
    a = np.float32(strength)

    def spread(low, high, shape):
        return (1 + a * rng.uniform(low, high, shape)).astype(np.float32)

    contrast = spread(-0.4, 0.3, (m, 1, 1, 1))
    saturation = np.clip(spread(-0.8, 0.4, (m, 1, 1, 1)), 0, None)
    tint = spread(-0.15, 0.15, (m, 1, 1, 3))
    brightness = spread(-0.4, 0.3, (m, 1, 1, 1))
    angle = rng.uniform(0, 2 * np.pi, m).astype(np.float32)
    amount = (a * rng.uniform(0, 0.5, m)).astype(np.float32)
    # The mean brightness, estimated on every fourth pixel (cheap, and close enough).
    mean = images[:, ::4, ::4].mean(axis=(1, 2, 3), dtype=np.float32)[:, None, None, None]
    grey = (images[..., 0] + images[..., 1] + images[..., 2])[..., None] * np.float32(1 / 3)
    # Saturation around the pixel's grey, then contrast around the image's mean:
    # x -> ((x - grey) * saturation + grey - mean) * contrast + mean, as one affine map.
    images *= saturation * contrast
    images += grey * ((1 - saturation) * contrast)
    images += mean * (1 - contrast)
    # Tint, brightness and light falling off across the frame (a ramp in a random direction).
    centres = (np.arange(size, dtype=np.float32) + 0.5) / size - 0.5
    ramp = np.cos(angle)[:, None, None] * centres[None, None, :]
    ramp = ramp + np.sin(angle)[:, None, None] * centres[None, :, None]
    light = 1 + amount[:, None, None] * ramp
    images *= light[..., None] * (tint * brightness)
    return np.clip(images, 0.0, 1.0, out=images)


def _check_batch(rng, m, size):
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if isinstance(m, bool) or int(m) != m or m < 0:
        raise ValueError(f"m must be a non-negative integer, got {m!r}")
    if isinstance(size, bool | str) or int(size) != size or size < 8:
        raise ValueError(f"size must be an integer of at least 8, got {size!r}")
    return int(m), int(size)


def cluttered_scene(rng, m, size, amount=1.0):
    """The pieces of :func:`clutter_backgrounds` before they are blended: the photo crops
    ``(m, size, size, 3)``, the clutter :class:`Layers` and the texture for them.

    Image sets that draw their own objects add layers, then call
    ``layers.paint(canvas, texture)`` once for everything. ``amount`` scales how likely
    each piece of clutter is (see :func:`add_clutter`).
    """
    canvas = background_crops(rng, m, size)
    # A second view of the same crop (turned upside down and mirrored) textures the clutter.
    texture = canvas[:, ::-1, ::-1]
    texture = (texture[..., 0] + texture[..., 1] + texture[..., 2]) * np.float32(1 / 3)
    texture = 0.65 + 0.7 * (texture - texture[:, ::4, ::4].mean(axis=(1, 2), keepdims=True))
    layers = add_clutter(rng, Layers(m, size), m, size, amount)
    return canvas, layers, texture


def clutter_backgrounds(rng, m, size):
    """``m`` cluttered backgrounds, ``(m, size, size, 3)`` ``float32`` in ``[0, 1]``.

    A crop of a bundled photograph with procedural clutter (buildings, poles, trees, signs,
    blobs, wires) blended over it, then jittered in brightness, contrast and colour.
    ``rng`` is a ``numpy.random.Generator``; it is the only source of randomness.
    """
    m, size = _check_batch(rng, m, size)
    canvas, layers, texture = cluttered_scene(rng, m, size)
    if m == 0:
        return canvas
    layers.paint(canvas, texture)
    return jitter_colours(rng, canvas)


def _colours(rng, m, kind):
    if kind == "grey":
        return np.repeat(rng.uniform(0.1, 0.8, (m, 1)), 3, axis=1) + rng.uniform(
            -0.05, 0.05, (m, 3)
        )
    if kind == "green":
        return rng.uniform([0.05, 0.2, 0.02], [0.35, 0.6, 0.25], (m, 3))
    if kind == "brown":
        return rng.uniform([0.2, 0.1, 0.03], [0.45, 0.3, 0.15], (m, 3))
    if kind == "sign":
        palette = np.array(
            [
                [0.85, 0.1, 0.1],
                [0.1, 0.3, 0.8],
                [0.95, 0.8, 0.1],
                [0.95, 0.95, 0.95],
                [0.1, 0.6, 0.2],
            ]
        )
        return palette[rng.integers(0, len(palette), m)] + rng.uniform(-0.08, 0.08, (m, 3))
    return rng.uniform(0, 1, (m, 3))


class Layers:
    """Masks painted over a batch of images, later ones on top, blended in one pass.

    ``add(mask, colour, alpha, textured)`` records a layer: ``mask`` ``(m, s, s)`` bool,
    ``colour`` ``(m, 3)``, ``alpha`` ``(m,)`` opacity, and whether ``texture`` modulates its
    colour. :meth:`paint` then folds every mask into one index image and blends each pixel
    once with the colour of its top layer: much faster than painting layer after layer.
    """

    def __init__(self, m, size):
        self.index = np.zeros((m, size, size), dtype=np.uint8)
        self.colours = [np.zeros((m, 3), dtype=np.float32)]
        self.alphas = [np.zeros(m, dtype=np.float32)]
        self.textured = [0.0]

    def add(self, mask, colour, alpha=1.0, textured=True):
        if len(self.colours) == 255:
            raise ValueError("at most 254 layers")
        m = self.index.shape[0]
        mask = np.broadcast_to(mask, self.index.shape)
        self.index[mask] = len(self.colours)
        self.colours.append(np.broadcast_to(np.asarray(colour, np.float32), (m, 3)))
        self.alphas.append(np.broadcast_to(np.asarray(alpha, np.float32).reshape(-1), (m,)))
        self.textured.append(1.0 if textured else 0.0)

    def paint(self, canvas, texture=None):
        """Blend the layers over ``canvas`` ``(m, s, s, 3)`` in place and return it."""
        m = canvas.shape[0]
        count = len(self.colours)
        # One flat look-up table for the whole batch: row i's layer k sits at i * count + k.
        flat = self.index + (np.arange(m, dtype=np.intp) * count)[:, None, None]
        palette = np.stack(self.colours, axis=1).reshape(-1, 3)
        alphas = np.stack(self.alphas, axis=1).reshape(-1)
        colour = np.take(palette, flat, axis=0)
        alpha = np.take(alphas, flat)[..., None]
        if texture is not None:
            weight = np.asarray(self.textured, np.float32)[self.index]
            colour *= (1 + weight * (texture - 1))[..., None]
        canvas += alpha * (colour - canvas)
        return canvas


def add_clutter(rng, layers, m, size, amount=1.0):
    """Record procedural clutter for ``m`` images of ``size`` pixels in ``layers``.

    Each image gets, each with some probability, a building with windows, two poles, a
    tree, a road sign, three blobs and a wire; ``amount`` scales the probabilities.
    Coordinates are fractions of the frame; conditions on one axis are computed on a row or
    a column only (``(m, 1, s)`` or ``(m, s, 1)``) and broadcast at the end, for speed.
    """
    centres = (np.arange(size, dtype=np.float32) + 0.5) / size
    xx, yy = centres[None, None, :], centres[None, :, None]

    def u(low, high):
        return rng.uniform(low, high, m).astype(np.float32)[:, None, None]

    def a(low, high):
        return rng.uniform(low, high, m).astype(np.float32)

    def present(p):
        return (rng.random(m) < p * amount)[:, None, None]

    # Building: a tall block rising from the bottom, with a grid of windows.
    x0, width, top = u(-0.2, 0.9), u(0.2, 0.6), u(0.0, 0.6)
    across = present(0.45) & (xx >= x0) & (xx <= x0 + width)
    building = across & (yy >= top)
    period, pane = u(0.08, 0.16), u(0.4, 0.7)
    columns = across & ((((xx - x0) / period) % 1) < pane)
    rows = (yy > top + 0.03) & ((((yy - top) / period) % 1) < pane)
    layers.add(building, _colours(rng, m, "any") * 0.8, a(0.75, 1.0))
    layers.add(columns & rows, _colours(rng, m, "grey"), a(0.6, 0.9))

    # Poles: thin vertical bars from the bottom (lamp posts, fence posts).
    for _ in range(2):
        x0, width, top = u(0.0, 1.0), u(0.015, 0.05), u(0.0, 0.6)
        pole = (present(0.5) & (np.abs(xx - x0) <= width / 2)) & (yy >= top)
        layers.add(pole, _colours(rng, m, "grey"), a(0.8, 1.0))

    # Tree: a trunk and a round canopy.
    cx, cy, r = u(0.0, 1.0), u(0.1, 0.55), u(0.1, 0.3)
    tree = present(0.4)
    trunk = (tree & (np.abs(xx - cx) <= u(0.02, 0.05))) & (yy >= cy)
    stretch = u(0.7, 1.3)
    canopy = tree & (((xx - cx) / r) ** 2 + ((yy - cy) / (r * stretch)) ** 2 <= 1)
    layers.add(trunk, _colours(rng, m, "brown"), a(0.85, 1.0))
    layers.add(canopy, _colours(rng, m, "green"), a(0.8, 1.0))

    # Road sign: a post with a round, square or triangular plate on top.
    cx, cy, r = u(0.05, 0.95), u(0.1, 0.5), u(0.05, 0.12)
    sign = present(0.35)
    post = (sign & (np.abs(xx - cx) <= 0.012 + r * 0.1)) & (yy >= cy)
    shape = rng.integers(0, 3, m)
    dx, dy = np.abs(xx - cx), yy - cy
    plate = np.empty((m, size, size), dtype=bool)
    for k, rows in enumerate(np.flatnonzero(shape == s) for s in range(3)):
        ddx, ddy, rr = dx[rows], dy[rows], r[rows]
        if k == 0:
            plate[rows] = ddx**2 + ddy**2 <= rr**2
        elif k == 1:
            plate[rows] = (ddx <= rr) & (np.abs(ddy) <= rr)
        else:
            plate[rows] = (ddy <= rr * 0.8) & (ddy >= -rr * 1.2 + 2 * ddx)
    layers.add(post, _colours(rng, m, "grey"), a(0.85, 1.0))
    layers.add(plate & sign, _colours(rng, m, "sign"), a(0.85, 1.0), textured=False)

    # Blobs: tilted ellipses of any colour (bushes, rocks, passers-by far away).
    for _ in range(3):
        cx, cy = u(-0.1, 1.1), u(-0.1, 1.1)
        rx, ry, angle = u(0.04, 0.25), u(0.04, 0.25), u(0, np.pi)
        c, s = np.cos(angle), np.sin(angle)
        dx, dy = xx - cx, yy - cy
        along = dx * (c / rx) + dy * (s / rx)
        across = dy * (c / ry) - dx * (s / ry)
        blob = present(0.5) & (along**2 + across**2 <= 1)
        layers.add(blob, _colours(rng, m, "any"), a(0.4, 0.95))

    # A wire or branch: a thin straight line across the frame.
    cy, slope = u(0.0, 0.7), u(-0.4, 0.4)
    wire = present(0.35) & (np.abs(yy - cy - slope * (xx - 0.5)) <= u(0.006, 0.02))
    layers.add(wire, _colours(rng, m, "grey") * 0.5, a(0.8, 1.0), textured=False)
    return layers
