"""Pretrain the course's convolutional base on its source task and ship its weights.

Usage: ``make base`` (or ``python tools/pretrain_base.py [--epochs N] [--output DIR]``).

The base of :mod:`dlcourse.pretrained` (three VGG blocks, 16/32/64 filters) is trained with
a small head (global average pooling, softmax) to tell apart the ten classes of everyday
objects of :func:`dlcourse.data.load_objects` (8000 training images). It is trained with
batch normalization after each convolution, which is then folded into the convolutions, so
the shipped base is a plain VGG (:func:`fold`). Everything is seeded:
the same machine and library versions give the same weights. The script writes
``dlcourse/weights/course_base.weights.npz`` (base and head) and ``course_base.json``, the
manifest with the file's SHA-256, the architecture, the training settings and the accuracy
reached on the source task's validation split. It takes a few minutes on two CPU cores.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import dlcourse  # noqa: E402  (quiets TensorFlow before keras is imported)
from dlcourse import pretrained  # noqa: E402
from dlcourse.data import OBJECT_CLASSES, load_objects  # noqa: E402
from dlcourse.data.objects import SPLIT_SIZES  # noqa: E402
from tools.manifest import dumps, environment  # noqa: E402

SEED = 0
EPOCHS = 14
BATCH_SIZE = 64
LEARNING_RATE = 3e-3
COMMAND = "python tools/pretrain_base.py"


def training_base():
    """The base as it is trained: each convolution followed by batch normalization, then
    ReLU. Batch normalization makes this plain VGG learn several times faster; once trained,
    it is folded into the convolutions (:func:`fold`), so the shipped base has none."""
    import keras
    from keras import layers

    model = keras.Sequential(name="course_base_training")
    model.add(keras.Input(shape=pretrained.INPUT_SHAPE))
    for block, (filters, convolutions) in enumerate(pretrained.BLOCKS, start=1):
        for conv in range(1, convolutions + 1):
            model.add(layers.Conv2D(filters, 3, padding="same", use_bias=False,
                                    name=f"block{block}_conv{conv}"))
            model.add(layers.BatchNormalization(name=f"block{block}_bn{conv}"))
            model.add(layers.ReLU(name=f"block{block}_relu{conv}"))
        model.add(layers.MaxPooling2D(2, name=f"block{block}_pool"))
    return model


def fold(model):
    """The weights of :func:`dlcourse.pretrained.build_base` that compute what ``model`` (a
    :func:`training_base`) computes at inference: batch normalization,
    ``gamma * (z - mean) / sqrt(var + eps) + beta``, is an affine map of each channel of the
    convolution's output ``z``, so it moves into the kernel (scaled) and the bias."""
    import keras
    weights = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            (kernel,) = layer.get_weights()
        elif isinstance(layer, keras.layers.BatchNormalization):
            gamma, beta, mean, variance = layer.get_weights()
            scale = gamma / np.sqrt(variance + layer.epsilon)
            weights += [kernel * scale, beta - mean * scale]
    return [w.astype(np.float32) for w in weights]


def pretrain(epochs=EPOCHS, seed=SEED, verbose=2):
    """Train base + head from ``seed``; return the shipped base (folded), the head, the
    history, the seconds spent training and the largest difference the folding made."""
    import keras
    x_train, y_train = load_objects("train")
    x_val, y_val = load_objects("validation")
    dlcourse.seed(seed)
    trained, head = training_base(), pretrained.build_head(len(OBJECT_CLASSES))
    model = keras.Sequential([trained, head])
    steps = epochs * -(-len(x_train) // BATCH_SIZE)
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, decay_steps=steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    load = os.getloadavg()[0]
    start = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=BATCH_SIZE,
                        validation_data=(x_val, y_val), verbose=verbose)
    seconds = time.perf_counter() - start
    # Other processes on the machine slow training down: say how busy it was.
    load = [round(load, 2), round(os.getloadavg()[0], 2)]
    base = pretrained.build_base()
    base.set_weights(fold(trained))
    sample = x_val[:200]
    difference = float(np.abs(base.predict(sample, verbose=0)
                              - trained.predict(sample, verbose=0)).max())
    return base, head, history.history, (seconds, load), difference


def accuracy(base, head, split):
    images, labels = load_objects(split)
    probabilities = head.predict(base.predict(images, verbose=0), verbose=0)
    return float(np.mean(np.argmax(probabilities, axis=1) == labels))


FINGERPRINT_CALL = {"n": 8, "size": 64, "seed": 0}


def fingerprint():
    """A few images of the source task, summarised (labels and 8x8 thumbnails, rounded), so
    that a test can tell when the task has changed since the base was pretrained on it."""
    from dlcourse.data import make_objects

    images, labels = make_objects(**FINGERPRINT_CALL)
    n, size = len(images), images.shape[1]
    thumbnails = images.reshape(n, 8, size // 8, 8, size // 8, 3).mean(axis=(2, 4))
    return {
        "call": dict(FINGERPRINT_CALL),
        "labels": labels.tolist(),
        # One row per image: its 8x8x3 thumbnail, flattened.
        "thumbnails": thumbnails.reshape(n, -1).astype(np.float64).round(3).tolist(),
    }


def write(base, head, history, timing, difference, epochs, seed, output):
    import keras

    output.mkdir(parents=True, exist_ok=True)
    weights = output / pretrained.WEIGHTS_FILE.name
    pretrained.save_weights(weights, base.get_weights(), head.get_weights())
    validation = accuracy(base, head, "validation")
    manifest = {
        "name": "course_base",
        "file": weights.name,
        "sha256": pretrained.file_sha256(weights),
        "bytes": weights.stat().st_size,
        "architecture": {
            "input_shape": list(pretrained.INPUT_SHAPE),
            "output_shape": list(base.outputs[0].shape[1:]),
            "layers": [
                {"name": layer.name, "type": type(layer).__name__,
                 **({"filters": layer.filters, "kernel_size": list(layer.kernel_size),
                     "padding": layer.padding, "activation": "relu"}
                    if isinstance(layer, keras.layers.Conv2D) else
                    {"pool_size": list(layer.pool_size)})}
                for layer in base.layers
            ],
            "parameters": int(base.count_params()),
            "head": "GlobalAveragePooling2D + Dense(10, softmax)",
            "head_parameters": int(head.count_params()),
        },
        "source_task": {
            "loader": "dlcourse.data.load_objects",
            "classes": list(OBJECT_CLASSES),
            "train_images": SPLIT_SIZES["train"],
            "validation_images": SPLIT_SIZES["validation"],
            "fingerprint": fingerprint(),
        },
        "training": {
            "seed": seed,
            "epochs": epochs,
            "batch_size": BATCH_SIZE,
            "optimizer": f"Adam, learning rate {LEARNING_RATE} with cosine decay to 0",
            "loss": "sparse_categorical_crossentropy",
            "batch_normalization": (
                "trained with BatchNormalization between each convolution and its ReLU, "
                "then folded into the convolution's kernel and bias (exact at inference): "
                "the shipped base is plain Conv2D + ReLU + MaxPooling2D"),
            "folding_max_difference": difference,
            "seconds": round(timing[0], 1),
            "load_average_at_start_and_end": timing[1],
            "command": COMMAND if epochs == EPOCHS and seed == SEED else
            f"{COMMAND} --epochs {epochs} --seed {seed}",
            "environment": environment(),
        },
        "pretraining": {
            "train_accuracy": round(float(history["accuracy"][-1]), 4),
            "validation_accuracy": round(validation, 4),
            "validation_accuracy_by_epoch": [round(float(a), 4) for a in history["val_accuracy"]],
        },
    }
    (output / pretrained.MANIFEST_FILE.name).write_text(dumps(manifest))
    return manifest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=pretrained.WEIGHTS_DIR,
                        help="folder for the weights and the manifest (default: the package's)")
    args = parser.parse_args(argv)
    base, head, history, timing, difference = pretrain(args.epochs, args.seed)
    manifest = write(base, head, history, timing, difference, args.epochs, args.seed,
                     args.output)
    seconds = timing[0]
    print(f"validation accuracy {manifest['pretraining']['validation_accuracy']:.4f} "
          f"after {args.epochs} epochs in {seconds:.0f} s; "
          f"{manifest['bytes'] / 1000:.0f} kB written to {args.output}")


if __name__ == "__main__":
    main()
