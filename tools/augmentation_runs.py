"""Chapter 12's multi-seed measurements, too slow to repeat at every build of the book.

Usage: ``python tools/augmentation_runs.py [--seeds N]`` (writes
``dlcourse/augmentation_runs.json``, which the chapter plots).

Two experiments on 32x32 car / truck scenes, each training the chapter's convnet (three
Conv2D + MaxPooling2D blocks of 16, 32 and 64 filters, a Flatten head, Adam with a cosine
decay from 0.002, 20 epochs, batches of 32) once per seed and per augmentation:

- ``facing``: trained on the 2,000 training scenes with every vehicle facing left; measured
  on the 500 test scenes three times: with every vehicle facing left, facing right (the same
  scenes, mirrored vehicles) and facing both ways at random; without augmentation, with
  horizontal flips, and with the chapter's stack of five layers (flip, translation,
  rotation, zoom, contrast);
- ``vertical``: trained on the training scenes facing both ways; measured on the 500
  validation and the 500 test scenes (facing both ways), without augmentation, with
  horizontal flips and with vertical flips.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dlcourse  # noqa: E402  (quiets TensorFlow before keras is imported)
from dlcourse import augmentation  # noqa: E402
from dlcourse.quiet import onednn_enabled  # noqa: E402

SIZE, EPOCHS, BATCH, LEARNING_RATE = 32, 20, 32, 0.002


def flips(mode):
    """The augmentation layers of one configuration: none, one flip, or the chapter's stack
    of five layers (``"stack"``)."""
    from keras import layers

    if mode is None:
        return []
    if mode == "stack":
        return [layers.RandomFlip("horizontal"), layers.RandomTranslation(0.1, 0.1),
                layers.RandomRotation(0.03), layers.RandomZoom(0.1),
                layers.RandomContrast((0.2, 0.2), value_range=(0, 1))]
    return [layers.RandomFlip(mode)]


def builder(augmentation_layers):
    """The chapter's model, with the given augmentation layers in front."""
    import keras
    from keras import layers

    def build():
        model = keras.Sequential([
            keras.Input(shape=(SIZE, SIZE, 3)),
            *augmentation_layers(),
            layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(1, activation="sigmoid"),
        ], name="convnet")
        steps = EPOCHS * -(-2000 // BATCH)
        schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, decay_steps=steps)
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule),
                      loss="binary_crossentropy", metrics=["binary_accuracy"])
        return model

    return build


def experiment(train, evaluate, configs, seeds):
    out = {}
    for name, mode in configs.items():
        runs = augmentation.train_over_seeds(builder(lambda mode=mode: flips(mode)), train,
                                             evaluate, seeds=seeds, epochs=EPOCHS,
                                             batch_size=BATCH)
        out[name] = {"augmentation": mode, "seconds": [round(s, 2) for s in runs["seconds"]],
                     "accuracy": {k: runs[k] for k in evaluate}}
        shown = ", ".join(f"{k} {sum(v) / len(v):.3f}" for k, v in out[name]["accuracy"].items())
        print(f"{name}: {shown}", flush=True)
    return out


def main():
    import keras
    import tensorflow as tf

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    seeds = list(range(args.seeds))
    load = dlcourse.data.load_vehicles
    load_average = os.getloadavg()[0]
    start = time.perf_counter()
    facing = experiment(
        load("train", size=SIZE, facing="left"),
        {"test, facing left": load("test", size=SIZE, facing="left"),
         "test, facing right": load("test", size=SIZE, facing="right"),
         "test, facing both ways": load("test", size=SIZE)},
        {"no augmentation": None, 'RandomFlip("horizontal")': "horizontal",
         "the five-layer stack": "stack"}, seeds)
    vertical = experiment(
        load("train", size=SIZE),
        {"validation": load("validation", size=SIZE), "test": load("test", size=SIZE)},
        {"no augmentation": None, 'RandomFlip("horizontal")': "horizontal",
         'RandomFlip("vertical")': "vertical"}, seeds)
    result = {
        "written_by": "tools/augmentation_runs.py",
        "model": "Conv2D 16-32-64 (3x3, same, relu) each with MaxPooling2D, Flatten,"
                 " Dense(1, sigmoid); Adam, cosine decay from 0.002; 20 epochs, batches of 32",
        "image_size": SIZE,
        "experiments": {
            "facing": {"train": "2,000 training scenes, every vehicle facing left",
                       "seeds": seeds, "configs": facing},
            "vertical": {"train": "2,000 training scenes, vehicles facing both ways",
                         "seeds": seeds, "configs": vertical},
        },
        "environment": {"tensorflow": tf.__version__, "keras": keras.__version__,
                        "onednn": onednn_enabled(), "cpus": os.cpu_count(),
                        "load_average_at_start": round(load_average, 2),
                        "total_seconds": round(time.perf_counter() - start, 1)},
    }
    augmentation.RUNS.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {augmentation.RUNS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
