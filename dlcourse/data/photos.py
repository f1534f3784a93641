"""Real photographs bundled in scikit-image and scikit-learn (no download needed)."""

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
