"""Exercise 9: a global-average-pooling head (GlobalAveragePooling2D, Dense(1, sigmoid)) on
the frozen course base, judged by its binary accuracy on the validation images and on fresh
scenes; with the baselines the threshold must beat, measured on the same fresh scenes: the
majority class, logistic regression on the pixels, and the same head on a frozen base with
random weights (what pretraining adds), trained like the reference."""

import functools

import numpy as np

import dlcourse
import dlcourse.pretrained
from grader.heldout import fresh_seed
from tools.calibration.metrics import binary_accuracy, logistic_accuracy


@functools.cache
def fresh_scenes():
    return dlcourse.data.make_vehicles(600, seed=fresh_seed("ex09"))


def logistic_on_pixels(images, labels):
    return logistic_accuracy(images, labels, *fresh_scenes())


def head_on_random_base(images, labels, epochs):
    """The exercise's model and training with a frozen base of random weights."""
    import keras

    model = keras.Sequential([
        dlcourse.pretrained.load_base(weights=None),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="binary_crossentropy", metrics=["binary_accuracy"])
    model.fit(images, labels, epochs=epochs, batch_size=32, verbose=0)
    X, y = fresh_scenes()
    return binary_accuracy(model, X, y)


def metrics(ns):
    model = ns["model"]
    X, y = fresh_scenes()
    images, labels = ns["train_images"], ns["train_labels"]
    valid = ns["valid_images"], ns["valid_labels"]
    epochs = ns["history"].params["epochs"]
    return {
        "validation binary accuracy": binary_accuracy(model, *valid),
        "fresh binary accuracy": binary_accuracy(model, X, y),
        "baseline: majority class": float(max(np.mean(y), 1 - np.mean(y))),
        "baseline: logistic regression on pixels": logistic_on_pixels(images, labels),
        "baseline: the same head on a random frozen base": head_on_random_base(
            images, labels, epochs),
    }


SPEC = {
    "notebook": "solutions/ex09/ex09_max_pooling.ipynb",
    "cells": ["setup", "build_model", "train_model"],
    "metrics": metrics,
    "thresholds": {
        "validation binary accuracy": ("above", 0.7),
        "fresh binary accuracy": ("above", 0.7),
    },
}
