"""Exercise 9: a global-average-pooling head (GlobalAveragePooling2D, Dense(1, sigmoid)) on
the frozen course base, judged by its binary accuracy on the validation images and on fresh
scenes; with the baselines the threshold must beat, measured on the same fresh scenes: the
majority class, logistic regression on the pixels, and the same head on a frozen base with
random weights (what pretraining adds), trained like the reference."""

import functools

import dlcourse
import dlcourse.pretrained
from grader.heldout import fresh_seed
from tools.calibration.metrics import logistic_accuracy, scene_scores, trained_accuracy


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
    return trained_accuracy(model, keras.optimizers.Adam(learning_rate=0.01), images, labels,
                            epochs, fresh_scenes())


def metrics(ns):
    images, labels = ns["train_images"], ns["train_labels"]
    epochs = ns["history"].params["epochs"]
    return {
        **scene_scores(ns["model"], (ns["valid_images"], ns["valid_labels"]), fresh_scenes()),
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
