"""Images in folders, one sub-folder per class: the way real photographs usually arrive.

:func:`load_image_folder` reads such a folder with Keras's own
``keras.utils.image_dataset_from_directory`` (labels inferred from the sub-folder names) and
rescales the pixels to ``[0, 1]``, like every image set of the course. :func:`save_image_folder`
writes arrays in the same layout, so the course's generated images (or your own photographs)
can go through exactly the same path::

    directory/
        car/00000.png  00001.png ...
        truck/00002.png ...
"""

import os
from pathlib import Path

import numpy as np

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")


def save_image_folder(directory, images, labels, class_names):
    """Write ``images`` as PNG files ``directory/<class_name>/<index>.png``.

    ``images`` is ``(n, height, width, 3)`` (or ``1`` channel, or ``(n, height, width)``)
    with values in ``[0, 1]`` (floats) or ``uint8``; ``labels`` ``(n,)`` are integers that
    index ``class_names``. Indices are zero-padded so that the files sort in the order of
    ``images``. Every class gets its folder, even an empty one. Returns the directory as a
    ``pathlib.Path``.
    """
    from PIL import Image

    images = np.asarray(images)
    labels = np.asarray(labels)
    class_names = _check_class_names(class_names)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            f"images must have shape (n, height, width, 3) or (n, height, width, 1), "
            f"got {images.shape}"
        )
    if labels.shape != (len(images),):
        raise ValueError(f"labels must have shape ({len(images)},), got {labels.shape}")
    if len(labels) and (
        labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() >= len(class_names)
    ):
        raise ValueError(f"labels must be integers from 0 to {len(class_names) - 1}")
    pixels = _to_uint8(images)
    directory = Path(directory)
    for name in class_names:
        (directory / name).mkdir(parents=True, exist_ok=True)
    width = len(str(max(len(images) - 1, 0)))
    for index, (image, label) in enumerate(zip(pixels, labels, strict=True)):
        mode = "L" if image.shape[-1] == 1 else "RGB"
        picture = Image.fromarray(image[..., 0] if mode == "L" else image, mode=mode)
        picture.save(directory / class_names[label] / f"{index:0{width}d}.png")
    return directory


def load_image_folder(
    directory,
    size=64,
    batch_size=32,
    shuffle=True,
    seed=0,
    validation_split=None,
    subset=None,
):
    """A ``tf.data.Dataset`` of ``(images, labels)`` batches read from ``directory``.

    ``directory`` holds one sub-folder per class (their names, sorted, are the classes);
    images are resized to ``size`` x ``size`` RGB and rescaled to ``float32`` in ``[0, 1]``.
    Labels are ``float32`` 0 / 1 of shape ``(batch, 1)`` for two classes (ready for binary
    cross-entropy) and ``int32`` class indices otherwise. ``validation_split`` and
    ``subset`` (``"training"``, ``"validation"`` or ``"both"``, which returns two
    datasets) are passed to ``keras.utils.image_dataset_from_directory``, as are
    ``batch_size``, ``shuffle`` and ``seed``. The dataset's ``class_names`` attribute lists
    the classes.
    """
    import keras

    directory = Path(directory)
    class_names = _check_folder(directory)
    if int(size) != size or size < 1:
        raise ValueError(f"size must be a positive integer, got {size!r}")
    label_mode = "binary" if len(class_names) == 2 else "int"
    loaded = keras.utils.image_dataset_from_directory(
        directory,
        labels="inferred",
        label_mode=label_mode,
        class_names=class_names,
        color_mode="rgb",
        batch_size=batch_size,
        image_size=(int(size), int(size)),
        shuffle=shuffle,
        seed=seed,
        validation_split=validation_split,
        subset=subset,
        verbose=False,
    )
    if isinstance(loaded, list | tuple):
        return tuple(_rescale(part, class_names) for part in loaded)
    return _rescale(loaded, class_names)


def _rescale(dataset, class_names):
    import tensorflow as tf

    scaled = dataset.map(
        lambda images, labels: (tf.cast(images, tf.float32) / 255.0, labels),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    scaled.class_names = list(class_names)
    return scaled


def _check_folder(directory):
    if not directory.exists():
        raise FileNotFoundError(f"no folder {str(directory)!r}")
    if not directory.is_dir():
        raise NotADirectoryError(f"{str(directory)!r} is a file, not a folder of class folders")
    class_names = sorted(
        entry.name
        for entry in directory.iterdir()
        if entry.is_dir() and not entry.name.startswith(".")
    )
    if not class_names:
        raise ValueError(
            f"{str(directory)!r} has no class folders: put the images of each class in a "
            f"sub-folder named after the class (e.g. {str(directory / 'car')!r})"
        )
    counts = {name: _count_images(directory / name) for name in class_names}
    if not any(counts.values()):
        raise ValueError(
            f"no images ({', '.join(IMAGE_EXTENSIONS)}) in the class folders of "
            f"{str(directory)!r}: {', '.join(class_names)}"
        )
    return class_names


def _count_images(folder):
    count = 0
    for _, _, files in os.walk(folder):
        count += sum(name.lower().endswith(IMAGE_EXTENSIONS) for name in files)
    return count


def _check_class_names(class_names):
    if isinstance(class_names, str):
        raise ValueError("class_names must be a list of names, not one string")
    names = list(class_names)
    if not names:
        raise ValueError("class_names must not be empty")
    for name in names:
        if not isinstance(name, str) or not name or name in (".", "..") or "/" in name:
            raise ValueError(f"class names must be non-empty folder names, got {name!r}")
        if os.sep in name or (os.altsep and os.altsep in name):
            raise ValueError(f"class names must be non-empty folder names, got {name!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"class names must be different, got {names}")
    return names


def _to_uint8(images):
    if images.dtype == np.uint8:
        return images
    if images.dtype.kind not in "fiu":
        raise ValueError(f"images must be numbers, got dtype {images.dtype}")
    if images.size and (np.nanmin(images) < 0 or np.nanmax(images) > 1 or np.isnan(images).any()):
        raise ValueError("float images must have values in [0, 1] (or pass uint8 pixels)")
    return np.round(images.astype(np.float64) * 255).astype(np.uint8)
