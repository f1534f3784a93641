"""Exercise 7: a frozen pretrained base + dense head on car vs truck, judged by its binary
accuracy on the validation images and on fresh scenes; with the baselines the threshold must
beat, measured on the same fresh scenes: the majority class, logistic regression on the
pixels, and the same head trained on the raw pixels (no base) with the same data and epochs."""

import functools

import dlcourse
from grader.heldout import fresh_seed
from tools.calibration.metrics import logistic_accuracy, scene_scores, trained_accuracy

EPOCHS = 10  # as the reference solution trains


@functools.cache
def fresh_scenes():
    return dlcourse.data.make_vehicles(600, seed=fresh_seed("ex07"))


def logistic_on_pixels(images, labels):
    return logistic_accuracy(images, labels, *fresh_scenes())


def head_on_pixels(images, labels):
    """The exercise's head (Flatten, Dense(16, relu), Dense(1, sigmoid)) without the base."""
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=images.shape[1:]), layers.Flatten(),
                              layers.Dense(16, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    return trained_accuracy(model, "adam", images, labels, EPOCHS, fresh_scenes())


def metrics(ns):
    images, labels = ns["train_images"], ns["train_labels"]
    return {
        **scene_scores(ns["model"], (ns["valid_images"], ns["valid_labels"]), fresh_scenes()),
        "baseline: logistic regression on pixels": logistic_on_pixels(images, labels),
        "baseline: the same head on raw pixels (no base)": head_on_pixels(images, labels),
    }


SPEC = {
    "notebook": "solutions/ex07/ex07_convolutional_classifier.ipynb",
    "cells": ["setup", "load_base", "attach_head", "compile_model", "train_model"],
    "metrics": metrics,
    "thresholds": {
        "validation binary accuracy": ("above", 0.65),
        "fresh binary accuracy": ("above", 0.65),
    },
}
