"""Real photographs bundled in scikit-image and scikit-learn (no download needed)."""

import functools
import warnings

import numpy as np

from dlcourse.data.splits import check_split, split_indices

# name -> (module, loader name or sample file, what it shows)
PHOTOS = {
    "camera": ("skimage", "camera", "a photographer with a camera on a tripod (gray)"),
    "astronaut": ("skimage", "astronaut", "astronaut Eileen Collins"),
    "coffee": ("skimage", "coffee", "a cup of coffee on a saucer"),
    "chelsea": ("skimage", "chelsea", "Chelsea the cat"),
    "rocket": ("skimage", "rocket", "a rocket on its launch pad"),
    "horse": ("skimage", "horse", "a horse silhouette (binary)"),
    "brick": ("skimage", "brick", "a brick wall texture (gray)"),
    "grass": ("skimage", "grass", "a grass texture (gray)"),
    "gravel": ("skimage", "gravel", "a gravel texture (gray)"),
    "china": ("sklearn", "china.jpg", "a Chinese temple"),
    "flower": ("sklearn", "flower.jpg", "a flower"),
}

TEXTURE_CLASSES = ("brick", "grass", "gravel")


def load_photo(name, gray=False, size=None):
    """A bundled photograph as ``float32`` in ``[0, 1]``.

    Returns ``(height, width, 3)`` for colour photos and ``(height, width)`` for gray ones
    or when ``gray=True``. ``size=(height, width)`` resizes (with anti-aliasing).
    """
    if name not in PHOTOS:
        raise ValueError(f"unknown photo {name!r}; choose one of {sorted(PHOTOS)}")
    source, key, _ = PHOTOS[name]
    if source == "skimage":
        import skimage.data

        image = getattr(skimage.data, key)()
    else:
        from sklearn.datasets import load_sample_image

        image = load_sample_image(key)
    image = _to_float(image)
    if gray and image.ndim == 3:
        from skimage.color import rgb2gray

        image = rgb2gray(image)
    if size is not None:
        from skimage.transform import resize

        image = resize(image, tuple(size), anti_aliasing=True, preserve_range=True)
    return np.ascontiguousarray(image, dtype=np.float32)


def _to_float(image):
    image = np.asarray(image)
    if image.dtype == bool:
        return image.astype(np.float32)
    if image.dtype.kind in "ui":
        return image.astype(np.float32) / np.float32(np.iinfo(image.dtype).max)
    return image.astype(np.float32)


def load_textures(split="train", n_per_class=200, size=32):
    """Random ``size`` x ``size`` crops of the brick, grass and gravel photographs.

    Each split crops from its own vertical band of every photo (train: the left 60 %,
    validation: the next 20 %, test: the last 20 %), so no pixel is shared between splits.
    Returns images ``(3 * n_per_class, size, size, 1)`` and labels (0 brick, 1 grass,
    2 gravel, see ``TEXTURE_CLASSES``).
    """
    check_split(split)
    if split == "all":
        raise ValueError("textures have no 'all' split: crops of one band would overlap others")
    bands = {"train": (0.0, 0.6), "validation": (0.6, 0.8), "test": (0.8, 1.0)}
    rng = np.random.default_rng([7, ("train", "validation", "test").index(split)])
    images, labels = [], []
    for label, name in enumerate(TEXTURE_CLASSES):
        photo = load_photo(name)
        height, width = photo.shape
        left, right = (int(f * width) for f in bands[split])
        if right - left < size:
            raise ValueError(f"size {size} is too large for the {split} band of {name}")
        rows = rng.integers(0, height - size + 1, n_per_class)
        cols = rng.integers(left, right - size + 1, n_per_class)
        for r, c in zip(rows, cols, strict=True):
            images.append(photo[r : r + size, c : c + size])
        labels.extend([label] * n_per_class)
    return np.stack(images)[..., None], np.asarray(labels, dtype=np.int64)


def load_faces(split="train"):
    """The small face / non-face set of scikit-image (200 gray 25x25 crops from LFW).

    Returns images ``(n, 25, 25, 1)`` in ``[0, 1]`` and labels (1 face, 0 not a face).
    """
    import skimage.data

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        images = np.asarray(skimage.data.lfw_subset(), dtype=np.float32)
    # The file stores 100 faces, then 100 non-faces.
    labels = np.repeat(np.asarray([1, 0], dtype=np.int64), len(images) // 2)
    rows = split_indices(labels, split, stratify=True)
    return np.ascontiguousarray(images[rows, :, :, None]), labels[rows]


@functools.lru_cache(maxsize=2)
def _gray_photos(names):
    photos = tuple(load_photo(name, gray=True) for name in names)
    for photo in photos:
        photo.setflags(write=False)
    return photos


def photo_crops(n, size=32, seed=0, grain=0.0, photos=None):
    """``n`` random gray ``size`` x ``size`` crops of the bundled photographs.

    Each crop comes from a photograph picked at random (from every photo of ``PHOTOS``, or
    from the names in ``photos``), at a random position. ``grain`` adds Gaussian noise of
    that standard deviation to every pixel (then clips to ``[0, 1]``), like the grain of a
    film: neighbouring pixels then differ a little even in smooth regions. Returns
    ``float32`` images ``(n, size, size, 1)`` in ``[0, 1]``; the same seed gives the same
    crops.
    """
    names = tuple(sorted(PHOTOS) if photos is None else photos)
    unknown = sorted(set(names) - set(PHOTOS))
    if unknown or not names:
        raise ValueError(f"unknown photos {unknown}; choose among {sorted(PHOTOS)}")
    sources = _gray_photos(names)
    if size > min(min(p.shape) for p in sources):
        raise ValueError(f"size {size} is larger than the smallest photo")
    rng = np.random.default_rng(seed)
    crops = np.empty((n, size, size), dtype=np.float32)
    for i, which in enumerate(rng.integers(0, len(sources), n)):
        photo = sources[which]
        top = rng.integers(0, photo.shape[0] - size + 1)
        left = rng.integers(0, photo.shape[1] - size + 1)
        crops[i] = photo[top : top + size, left : left + size]
    if grain:
        crops = np.clip(crops + rng.normal(0.0, grain, crops.shape), 0.0, 1.0)
    return np.ascontiguousarray(crops[..., None], dtype=np.float32)


# The filter exercise 8 asks the learner to discover by training a Conv2D: a relief
# ("emboss") filter, light on one side of every edge and dark on the other, on middle gray.
_MYSTERY_KERNEL = np.array([[-1.0, -0.5, 0.0], [-0.5, 0.0, 0.5], [0.0, 0.5, 1.0]])
_MYSTERY_BIAS = 0.5


def make_filter_pairs(n, size=32, seed=0, kernel=None, bias=None, grain=0.1):
    """Images and the same images after a fixed filter: data to learn a kernel from.

    ``X`` are ``photo_crops(n, size, seed, grain)``, shape ``(n, size, size, 1)``; ``Y`` is
    each crop correlated with ``kernel`` (a ``(k, k)`` array, "valid": no padding), plus
    ``bias``, shape ``(n, size - k + 1, size - k + 1, 1)``: exactly what a ``Conv2D(1, k)``
    layer with that kernel and bias computes. Without ``kernel`` (and ``bias``) the filter
    is the 3x3 one exercise 8 asks you to discover by training; try before you read it here.
    """
    if kernel is None:
        if bias is not None:
            raise ValueError("a bias needs its kernel")
        kernel, bias = _MYSTERY_KERNEL, _MYSTERY_BIAS
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim != 2 or kernel.shape[0] != kernel.shape[1] or kernel.shape[0] > size:
        raise ValueError(f"expected a square (k, k) kernel with k <= size, got {kernel.shape}")
    X = photo_crops(n, size=size, seed=seed, grain=grain)
    windows = np.lib.stride_tricks.sliding_window_view(X[..., 0], kernel.shape, axis=(1, 2))
    Y = np.einsum("nijuv,uv->nij", windows.astype(np.float64), kernel) + float(bias or 0)
    return X, np.ascontiguousarray(Y[..., None], dtype=np.float32)
