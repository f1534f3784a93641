"""Exercise 12: a convnet with a horizontal flip inside, trained on vehicles that all face
left, judged by its binary accuracy on the validation images and on fresh scenes whose
vehicles face both ways. The baselines the threshold must beat, measured on the same fresh
scenes: the majority class, logistic regression on the pixels of the same training images,
and the lesson itself left out: the same network without its RandomFlip layer, trained the
same way (one run per calibration seed, seeded like the reference)."""

import functools
import itertools

import dlcourse
from grader.heldout import fresh_seed
from tools.calibration.metrics import binary_accuracy, logistic_accuracy, scene_scores

EPOCHS = 20  # as the reference solution trains
_BASELINE_SEEDS = itertools.count()  # 0, 1, 2 ...: the seeds calibrate.py gives the reference


@functools.cache
def fresh_scenes():
    return dlcourse.data.make_vehicles(600, size=32, facing="both", seed=fresh_seed("ex12"))


def without_augmentation(images, labels):
    """The reference network and training, without the RandomFlip layer."""
    import keras
    from keras import layers

    dlcourse.seed(next(_BASELINE_SEEDS))
    model = keras.Sequential([keras.Input(shape=(32, 32, 3))] + [
        layer
        for filters in (16, 32, 64)
        for layer in (layers.Conv2D(filters, 3, padding="same", activation="relu"),
                      layers.MaxPooling2D(2))
    ] + [layers.Flatten(), layers.Dense(1, activation="sigmoid")], name="no_flip")
    schedule = keras.optimizers.schedules.CosineDecay(0.002, decay_steps=EPOCHS * 63)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule),
                  loss="binary_crossentropy", metrics=["binary_accuracy"])
    model.fit(images, labels, epochs=EPOCHS, batch_size=32, verbose=0)
    return binary_accuracy(model, *fresh_scenes())


def metrics(ns):
    images, labels = ns["train_images"], ns["train_labels"]
    return {
        **scene_scores(ns["model"], (ns["valid_images"], ns["valid_labels"]), fresh_scenes()),
        "baseline: logistic regression on pixels": logistic_accuracy(images, labels,
                                                                     *fresh_scenes()),
        "baseline: the same network without augmentation": without_augmentation(images,
                                                                                  labels),
    }


SPEC = {
    "notebook": "solutions/ex12/ex12_data_augmentation.ipynb",
    "cells": ["setup", "build_model", "train_model"],
    "metrics": metrics,
    "thresholds": {
        "validation binary accuracy": ("above", 0.76),
        "fresh binary accuracy": ("above", 0.76),
    },
}
