"""Measure the comparisons of chapter 11 over several seeds; write dlcourse/convnets.json.

Usage: ``python tools/convnet_comparison.py [--seeds N]`` (about ten minutes on two busy
cores). Every recipe is trained on the same 2,000 training scenes of car vs truck at
32x32 pixels and scored on the 500 validation scenes, once per seed, with the recipe of the
chapter: Adam from a learning rate of 0.003 decaying along a cosine to zero, binary
cross-entropy, batches of 32, ``EPOCHS`` epochs. The models are the chapter's own (the
same ``conv_block``); the chapter reads the file and plots it. The baselines are logistic
regression on the raw pixels and a dense network on the flattened pixels trained like the
convnets.
"""

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dlcourse  # noqa: E402  (quiets TensorFlow before keras is imported)
from dlcourse.convnets import COMPARISON_JSON, load_average, train_seeds  # noqa: E402
from dlcourse.quiet import onednn_enabled  # noqa: E402

SIZE = 32
EPOCHS = 15
LEARNING_RATE = 0.003
SEEDS = 4


def conv_block(x, filters, convolutions, batch_norm=False):
    """The chapter's block: ``convolutions`` 3x3 'same' ReLU convolutions, then 2x2 max
    pooling; with ``batch_norm`` each convolution is Conv2D (no bias), BN, ReLU."""
    from keras import layers

    for _ in range(convolutions):
        if batch_norm:
            x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
            x = layers.BatchNormalization()(x)
            x = layers.ReLU()(x)
        else:
            x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    return layers.MaxPooling2D(2)(x)


def residual_block(x, filters):
    """Two 3x3 convolutions whose result is added to the block's input (projected to
    ``filters`` channels by a 1x1 convolution), ReLU, then 2x2 max pooling."""
    from keras import layers

    shortcut = layers.Conv2D(filters, 1)(x)
    y = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    y = layers.Conv2D(filters, 3, padding="same")(y)
    y = layers.ReLU()(layers.Add()([shortcut, y]))
    return layers.MaxPooling2D(2)(y)


def convnet(plan, batch_norm=False, dropout=0.0, residual=False, name="convnet"):
    """Blocks ``plan`` = [(filters, convolutions), ...], then the head:
    GlobalMaxPooling2D, (Dropout), Dense(1, sigmoid)."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(SIZE, SIZE, 3))
    x = inputs
    for filters, convolutions in plan:
        x = (residual_block(x, filters) if residual
             else conv_block(x, filters, convolutions, batch_norm))
    x = layers.GlobalMaxPooling2D()(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs, name=name)


def dense_network():
    import keras
    from keras import layers

    return keras.Sequential([keras.Input(shape=(SIZE, SIZE, 3)), layers.Flatten(),
                             layers.Dense(64, activation="relu"),
                             layers.Dense(1, activation="sigmoid")], name="dense")


THREE = [(16, 1), (32, 1), (64, 2)]  # the chapter's three blocks
RECIPES = {
    "1 block": lambda: convnet(THREE[:1], name="one_block"),
    "2 blocks": lambda: convnet(THREE[:2], name="two_blocks"),
    "3 blocks": lambda: convnet(THREE, name="three_blocks"),
    "3 blocks + Dropout": lambda: convnet(THREE, dropout=0.5, name="with_dropout"),
    "3 blocks + BatchNormalization": lambda: convnet(THREE, batch_norm=True, name="with_bn"),
    "3 blocks of 2 convolutions": lambda: convnet([(16, 2), (32, 2), (64, 2)],
                                                  name="two_per_block"),
    "3 residual blocks": lambda: convnet([(16, 2), (32, 2), (64, 2)], residual=True,
                                         name="residual"),
    "dense network on pixels": dense_network,
}


def compile_settings(steps):
    import keras

    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, decay_steps=steps)
    return {"optimizer": keras.optimizers.Adam(learning_rate=schedule),
            "loss": "binary_crossentropy", "metrics": ["binary_accuracy"]}


def logistic_regression(data):
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x, y, x_valid, y_valid = data
    start = time.perf_counter()
    classifier = LogisticRegression(C=1.0, max_iter=2000).fit(x.reshape(len(x), -1), y)
    return {"train_accuracy": float(classifier.score(x.reshape(len(x), -1), y)),
            "valid_accuracy": float(np.mean(
                classifier.predict(x_valid.reshape(len(x_valid), -1)) == y_valid)),
            "seconds": round(time.perf_counter() - start, 2)}


def main():
    import json

    import keras
    import tensorflow as tf

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=SEEDS)
    args = parser.parse_args()
    x, y = dlcourse.data.load_vehicles("train", size=SIZE)
    x_valid, y_valid = dlcourse.data.load_vehicles("validation", size=SIZE)
    data = (x, y, x_valid, y_valid)
    started = load_average()
    results = {}
    for label, build in RECIPES.items():
        keras.backend.clear_session()
        results[label] = train_seeds(build, data, range(args.seeds), EPOCHS, compile_settings)
        shown = " ".join(f"{run['valid_accuracy']:.3f}" for run in results[label])
        print(f"{label:32} {shown}  ({sum(r['seconds'] for r in results[label]):.0f} s)",
              flush=True)
    report = {
        "what": "car vs truck at 32x32: 2,000 training scenes, 500 validation scenes",
        "recipe": {"epochs": EPOCHS, "batch_size": 32, "optimizer": "Adam",
                   "learning_rate": f"CosineDecay({LEARNING_RATE}, whole training)",
                   "loss": "binary_crossentropy"},
        "seeds": list(range(args.seeds)),
        "runs": results,
        "baselines": {"logistic regression on pixels": logistic_regression(data)},
        "environment": {"python": platform.python_version(), "tensorflow": tf.__version__,
                        "keras": keras.__version__, "onednn": onednn_enabled(),
                        "cpus": len(__import__("os").sched_getaffinity(0)),
                        "load_average_at_start": started,
                        "load_average_at_end": load_average()},
        "written_by": "tools/convnet_comparison.py",
    }
    COMPARISON_JSON.write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {COMPARISON_JSON.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
