"""Is the course's pretrained base worth having? Transfer to car vs truck from 100 images.

Usage: ``python tools/transfer_check.py [--seeds N]`` (a few minutes per seed on 2 cores).

For each seed, 100 training images (50 cars, 50 trucks, drawn from the training split with
that seed) and the 500 validation images of :func:`dlcourse.data.load_vehicles`; every model
is trained with Adam (learning rate 0.001), batch 16, 60 epochs, and scored on validation:

- the pretrained base, frozen, + Flatten + Dense(1, sigmoid) (the chapters' head);
- the pretrained base, frozen, + GlobalAveragePooling2D + Dense(1, sigmoid);
- the base with random weights (``weights=None``), frozen, + the same heads;
- the base's architecture trained from scratch (random weights, trainable) + Flatten head;
- a small convnet from scratch (three 3x3 convolutions of 16, 32, 32 filters with max
  pooling, Dense(32), Dense(1)).

A frozen base computes the same features at every epoch, so they are computed once and only
the head is trained on them (the same numbers as training base + head, faster).
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import dlcourse  # noqa: E402  (quiets TensorFlow before keras is imported)
from dlcourse import pretrained  # noqa: E402
from dlcourse.data import load_vehicles  # noqa: E402

IMAGES = 100
EPOCHS = 60
BATCH = 16
LEARNING_RATE = 1e-3


def subset(y, seed):
    rng = np.random.default_rng(seed)
    rows = [rng.choice(np.flatnonzero(y == k), IMAGES // 2, replace=False) for k in (0, 1)]
    return np.sort(np.concatenate(rows))


def head(pooling, input_shape):
    import keras
    from keras import layers

    pool = layers.Flatten() if pooling == "flatten" else layers.GlobalAveragePooling2D()
    return keras.Sequential([keras.Input(input_shape), pool,
                             layers.Dense(1, activation="sigmoid")])


def small_convnet():
    import keras
    from keras import layers

    return keras.Sequential([
        keras.Input(pretrained.INPUT_SHAPE),
        layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Flatten(), layers.Dense(32, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])


def score(model, x, y, x_val, y_val):
    import keras

    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=EPOCHS, batch_size=BATCH, verbose=0)
    return float(np.mean((model.predict(x_val, verbose=0)[:, 0] > 0.5) == y_val))


def run(seed, x_train, y_train, x_val, y_val):
    import keras
    from keras import layers

    rows = subset(y_train, seed)
    x, y = x_train[rows], y_train[rows]
    scores = {}
    for weights, name in (("course", "pretrained"), (None, "random")):
        dlcourse.seed(seed)
        base = pretrained.load_base(weights=weights)
        features, features_val = base.predict(x, verbose=0), base.predict(x_val, verbose=0)
        for pooling in ("flatten", "gap"):
            dlcourse.seed(seed)
            scores[f"{name} frozen + {pooling}"] = score(
                head(pooling, features.shape[1:]), features, y, features_val, y_val)
    dlcourse.seed(seed)
    scratch = keras.Sequential([pretrained.load_base(weights=None, trainable=True),
                                layers.Flatten(), layers.Dense(1, activation="sigmoid")])
    scores["base architecture from scratch + flatten"] = score(scratch, x, y, x_val, y_val)
    dlcourse.seed(seed)
    scores["small convnet from scratch"] = score(small_convnet(), x, y, x_val, y_val)
    return scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args(argv)
    x_train, y_train = load_vehicles("train")
    x_val, y_val = load_vehicles("validation")
    table = {}
    for seed in range(args.seeds):
        start = time.perf_counter()
        for key, value in run(seed, x_train, y_train, x_val, y_val).items():
            table.setdefault(key, []).append(value)
        print(f"seed {seed} ({time.perf_counter() - start:.0f} s): "
              + ", ".join(f"{k} {v[-1]:.3f}" for k, v in table.items()), flush=True)
    print(f"\ncar vs truck, {IMAGES} training images, validation accuracy over "
          f"{args.seeds} seeds (mean [min, max]):")
    for key, values in table.items():
        print(f"  {key:42s} {np.mean(values):.3f} [{min(values):.3f}, {max(values):.3f}]")
    best_scratch = np.maximum(table["base architecture from scratch + flatten"],
                              table["small convnet from scratch"])
    for pooling in ("flatten", "gap"):
        gain = np.array(table[f"pretrained frozen + {pooling}"]) - best_scratch
        print(f"  gain of pretrained + {pooling} over the better scratch model, per seed: "
              f"mean {gain.mean():+.3f}, min {gain.min():+.3f}")


if __name__ == "__main__":
    main()
