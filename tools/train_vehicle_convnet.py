"""Train the small car-vs-truck convnet of chapter 14 and ship its weights.

Usage: ``python tools/train_vehicle_convnet.py [--epochs N] [--seed S] [--output DIR]``.

The network of :func:`dlcourse.inside.build_vehicle_convnet` (four 3x3 convolutions with
16/32/64/128 filters, max pooling, global average pooling, a logit and a sigmoid) is trained
from scratch on the 2,000 training scenes of :func:`dlcourse.data.load_vehicles` plus 4,000
more drawn with seed 1401 (neither the validation nor the test split). Everything is seeded:
the same machine and library versions give the same weights. The script writes
``dlcourse/weights/vehicle_convnet.weights.npz`` and ``vehicle_convnet.json``, the manifest
with the file's SHA-256, the architecture, the training settings and the accuracy reached on
the validation and test splits. It takes a few minutes on two CPU cores.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import dlcourse  # noqa: E402  (quiets TensorFlow before keras is imported)
from dlcourse import inside  # noqa: E402
from dlcourse.data import load_vehicles, make_vehicles  # noqa: E402
from tools.manifest import dumps, environment  # noqa: E402

SEED = 0
EPOCHS = 15
EXTRA_IMAGES, EXTRA_SEED = 4000, 1401
BATCH_SIZE = 32
LEARNING_RATE = 2e-3
COMMAND = "python tools/train_vehicle_convnet.py"


def train(epochs=EPOCHS, seed=SEED, verbose=2):
    import keras

    x_train, y_train = load_vehicles("train")
    x_extra, y_extra = make_vehicles(EXTRA_IMAGES, seed=EXTRA_SEED)
    x_train, y_train = np.concatenate([x_train, x_extra]), np.concatenate([y_train, y_extra])
    x_val, y_val = load_vehicles("validation")
    dlcourse.seed(seed)
    model = inside.build_vehicle_convnet()
    steps = epochs * -(-len(x_train) // BATCH_SIZE)
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, decay_steps=steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="binary_crossentropy",
                  metrics=["binary_accuracy"])
    load = os.getloadavg()[0]
    start = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=BATCH_SIZE,
                        validation_data=(x_val, y_val), verbose=verbose)
    seconds = time.perf_counter() - start
    load = [round(load, 2), round(os.getloadavg()[0], 2)]
    return model, history.history, (seconds, load), len(x_train)


def accuracy(model, split):
    images, labels = load_vehicles(split)
    p = model.predict(images, verbose=0).ravel()
    return float(np.mean((p > 0.5) == (labels == 1)))


def write(model, history, timing, n_train, epochs, seed, output):

    output.mkdir(parents=True, exist_ok=True)
    weights = output / inside.WEIGHTS_FILE.name
    inside.save_weights(weights, model.get_weights())
    manifest = {
        "name": "vehicle_convnet",
        "file": weights.name,
        "sha256": inside.file_sha256(weights),
        "bytes": weights.stat().st_size,
        "architecture": {
            "input_shape": list(inside.INPUT_SHAPE),
            "layers": [{"name": layer.name, "type": type(layer).__name__}
                       for layer in model.layers],
            "parameters": int(model.count_params()),
        },
        "training": {
            "data": f"load_vehicles('train') (2,000) + make_vehicles({EXTRA_IMAGES}, "
                    f"seed={EXTRA_SEED})",
            "train_images": n_train,
            "seed": seed,
            "epochs": epochs,
            "batch_size": BATCH_SIZE,
            "optimizer": f"Adam, learning rate {LEARNING_RATE} with cosine decay to 0",
            "loss": "binary_crossentropy",
            "seconds": round(timing[0], 1),
            "load_average_at_start_and_end": timing[1],
            "command": COMMAND if epochs == EPOCHS and seed == SEED else
            f"{COMMAND} --epochs {epochs} --seed {seed}",
            "environment": environment(),
        },
        "accuracy": {
            "train_last_epoch": round(float(history["binary_accuracy"][-1]), 4),
            "validation": round(accuracy(model, "validation"), 4),
            "test": round(accuracy(model, "test"), 4),
            "validation_by_epoch": [round(float(a), 4)
                                    for a in history["val_binary_accuracy"]],
        },
    }
    (output / inside.MANIFEST_FILE.name).write_text(dumps(manifest))
    return manifest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=inside.WEIGHTS_DIR)
    args = parser.parse_args(argv)
    model, history, timing, n_train = train(args.epochs, args.seed)
    manifest = write(model, history, timing, n_train, args.epochs, args.seed, args.output)
    print(json.dumps(manifest["accuracy"]), manifest["training"]["seconds"], "s")


if __name__ == "__main__":
    main()
