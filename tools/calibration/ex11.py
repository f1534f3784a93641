"""Exercise 11: a convnet of three blocks and a global-max-pooling head trained from scratch
on car vs truck at 32x32, judged by its binary accuracy on the validation images and on
fresh scenes; with the baselines the threshold must beat, measured on the same fresh scenes:
the majority class, logistic regression on the pixels, and a dense network on the flattened
pixels (the same Rescaling, Flatten, Dense(64, relu), Dense(1, sigmoid)) trained exactly like
the reference (Adam from 0.003 on a cosine decay, 15 epochs, batches of 32, the same
images)."""

import functools

import dlcourse
from grader.heldout import fresh_seed
from tools.calibration.metrics import logistic_accuracy, scene_scores, trained_accuracy

EPOCHS = 15  # as the reference solution trains
STEPS = EPOCHS * 63  # 2,000 images in batches of 32


@functools.cache
def fresh_scenes():
    return dlcourse.data.make_vehicles(600, size=32, seed=fresh_seed("ex11"))


def dense_on_pixels(images, labels):
    """A dense network on the flattened pixels, compiled and trained as the reference."""
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=images.shape[1:]),
                              layers.Rescaling(2.0, offset=-1.0), layers.Flatten(),
                              layers.Dense(64, activation="relu"),
                              layers.Dense(1, activation="sigmoid")], name="dense_baseline")
    schedule = keras.optimizers.schedules.CosineDecay(0.003, decay_steps=STEPS)
    return trained_accuracy(model, keras.optimizers.Adam(learning_rate=schedule), images,
                            labels, EPOCHS, fresh_scenes())


def metrics(ns):
    images, labels = ns["train_images"], ns["train_labels"]
    return {
        **scene_scores(ns["model"], (ns["valid_images"], ns["valid_labels"]), fresh_scenes()),
        "baseline: logistic regression on pixels": logistic_accuracy(images, labels,
                                                                     *fresh_scenes()),
        "baseline: a dense network on the pixels, trained the same way":
            dense_on_pixels(images, labels),
    }


SPEC = {
    "notebook": "solutions/ex11/ex11_custom_convnets.ipynb",
    "cells": ["setup", "conv_block", "build_model", "compile_model", "train_model"],
    "metrics": metrics,
    "thresholds": {
        "validation binary accuracy": ("above", 0.7),
        "fresh binary accuracy": ("above", 0.7),
    },
}
