"""The course's pretrained convolutional base, and the option to load ImageNet weights instead.

Transfer learning reuses the convolutional base of a network trained on a large task: the
notes use VGG16, pretrained on ImageNet. ImageNet weights cannot be downloaded where this
course is built, tested and graded, so the course ships a base of its own::

    from dlcourse.pretrained import load_base

    base = load_base()            # frozen, with the course's pretrained weights
    model = keras.Sequential([base, layers.Flatten(), layers.Dense(1, activation="sigmoid")])

The base is a small VGG: three blocks of two 3x3 ``Conv2D`` (ReLU, ``'same'`` padding) and a
2x2 ``MaxPooling2D``, with 16, 32 and 64 filters, its layers named as in
``keras.applications`` (``block1_conv1`` ... ``block3_pool``). It turns a 64x64 colour image
into 8x8x64 feature maps. It was pretrained by ``tools/pretrain_base.py`` (``make base``) on
a source task of its own, ten classes of everyday objects in cluttered scenes
(:func:`dlcourse.data.load_objects`), with nothing of the chapters' car-vs-truck task in it.
Its weights are package data (``dlcourse/weights/``) with a manifest that records their
SHA-256, how they were made and the accuracy they reached; loading checks the checksum.

``load_base(weights="vgg16")`` or ``"mobilenet_v2"`` gives ``keras.applications`` models with
ImageNet weights instead, for learners who are online (the first call downloads them). They
expect their own input scaling: ``keras.applications.vgg16.preprocess_input(255 * images)``
or ``keras.applications.mobilenet_v2.preprocess_input(255 * images)`` for images in ``[0, 1]``.
The course's build, tests and grading never use them.
"""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import numpy as np

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
WEIGHTS_FILE = WEIGHTS_DIR / "course_base.weights.npz"
MANIFEST_FILE = WEIGHTS_DIR / "course_base.json"

INPUT_SHAPE = (64, 64, 3)
BLOCKS = ((16, 2), (32, 2), (64, 2))  # (filters, convolutions) of each block
SOURCE_CLASSES = 10  # classes of the source task (dlcourse.data.OBJECT_CLASSES)

APPLICATIONS = {"vgg16": "VGG16", "mobilenet_v2": "MobileNetV2"}
WEIGHT_CHOICES = ("course", None, *APPLICATIONS)


class WeightsChecksumError(RuntimeError):
    """The weights file is not the one the manifest describes."""


def build_base():
    """The base's architecture with fresh random weights, as a ``keras.Sequential``."""
    import keras
    from keras import layers

    model = keras.Sequential(name="course_base")
    model.add(keras.Input(shape=INPUT_SHAPE))
    for block, (filters, convolutions) in enumerate(BLOCKS, start=1):
        for conv in range(1, convolutions + 1):
            model.add(layers.Conv2D(filters, 3, padding="same", activation="relu",
                                    name=f"block{block}_conv{conv}"))
        model.add(layers.MaxPooling2D(2, name=f"block{block}_pool"))
    return model


def build_head(classes=SOURCE_CLASSES):
    """The head the base was pretrained with: global average pooling and a softmax layer."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(shape=(INPUT_SHAPE[0] // 8, INPUT_SHAPE[1] // 8, BLOCKS[-1][0])),
            layers.GlobalAveragePooling2D(name="avg_pool"),
            layers.Dense(classes, activation="softmax", name="predictions"),
        ],
        name="course_head",
    )


def load_base(weights="course", trainable=False):
    """The convolutional base, frozen unless ``trainable=True``.

    ``weights``:

    - ``"course"`` (default): the course's pretrained weights (checked against their
      SHA-256); a ``keras.Sequential`` named ``"course_base"``, input ``(64, 64, 3)`` in
      ``[0, 1]``, output ``(8, 8, 64)``;
    - ``None``: the same architecture with random weights (a baseline: what does
      pretraining add?);
    - ``"vgg16"`` or ``"mobilenet_v2"``: ``keras.applications.VGG16`` / ``MobileNetV2`` with
      ImageNet weights, ``include_top=False``, input ``(64, 64, 3)``. **Needs the internet**
      the first time (Keras downloads and caches the weights); see the module's
      documentation for the input scaling they expect.
    """
    if weights not in WEIGHT_CHOICES:
        raise ValueError(f"weights must be one of {WEIGHT_CHOICES}, got {weights!r}")
    if weights in APPLICATIONS:
        import keras

        application = getattr(keras.applications, APPLICATIONS[weights])
        try:
            model = application(weights="imagenet", include_top=False, input_shape=INPUT_SHAPE)
        except Exception as error:  # Keras raises a bare Exception when the download fails
            raise RuntimeError(
                f"could not load the ImageNet weights of {APPLICATIONS[weights]}: they are "
                "downloaded from the internet the first time (then cached in ~/.keras/models). "
                "Offline, use load_base() for the course's own pretrained base. "
                f"({type(error).__name__}: {error})"
            ) from error
    else:
        model = build_base()
        if weights == "course":
            model.set_weights(base_weights())
    model.trainable = bool(trainable)
    return model


def base_weights():
    """The shipped weights of the base: a list of NumPy arrays (fresh copies), in the order
    of ``load_base().get_weights()`` (kernel then bias, layer after layer)."""
    return _read_weights()["base"]


def head_weights():
    """The weights of the head the base was pretrained with (see :func:`build_head`)."""
    return _read_weights()["head"]


def load_source_classifier():
    """The base and its pretraining head as one model: the ten-class objects classifier
    whose accuracy the manifest records (``pretraining.validation_accuracy``)."""
    import keras

    head = build_head()
    head.set_weights(head_weights())
    return keras.Sequential([load_base(), head], name="course_objects_classifier")


def manifest():
    """The manifest of the shipped weights (checksum, architecture, how they were made)."""
    return json.loads(MANIFEST_FILE.read_text())


def file_sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_archive(path, named_arrays):
    """Write ``{member name: array}`` as an ``.npz`` whose bytes depend only on the arrays
    (float32, fixed member dates), so that the same training gives the same file."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in named_arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array, np.float32),
                                      allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())


def read_verified_archive(weights_file, manifest_file, what, remedy):
    """``{member name: array}`` of an ``.npz`` whose SHA-256 is the one ``manifest_file``
    records, members sorted by name; ``what`` and ``remedy`` word the errors."""
    expected = json.loads(Path(manifest_file).read_text())["sha256"]
    if not Path(weights_file).exists():
        raise FileNotFoundError(f"{what} are missing: {weights_file}")
    found = file_sha256(weights_file)
    if found != expected:
        raise WeightsChecksumError(
            f"{Path(weights_file).name} has SHA-256 {found}, but {Path(manifest_file).name}"
            f" expects {expected}: the file is damaged or was replaced. Reinstall the course"
            f" library or {remedy}."
        )
    with np.load(weights_file, allow_pickle=False) as archive:
        return {name: archive[name] for name in sorted(archive.files)}


def save_weights(path, base, head):
    """Write the arrays of ``base`` and ``head`` (lists) with :func:`write_archive`."""
    write_archive(path, {f"{part}_{i:02d}": array for part, arrays in (("base", base),
                                                                      ("head", head))
                         for i, array in enumerate(arrays)})


def _read_weights():
    arrays = read_verified_archive(WEIGHTS_FILE, MANIFEST_FILE, "the course's base weights",
                                   "run `make base` to pretrain the base again")
    return {part: [array for name, array in arrays.items() if name.startswith(part + "_")]
            for part in ("base", "head")}
