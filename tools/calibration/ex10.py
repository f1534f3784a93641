"""Exercise 10: the strided convnet (no pooling between its convolutions) trained on car vs
truck, judged by its binary accuracy on the validation images and on fresh scenes; with the
baselines the threshold must beat, measured on the same fresh scenes: the majority class and
logistic regression on the pixels of the same training images (the best of a few C values on
the validation images, an optimistic figure for it)."""

import functools

import numpy as np

import dlcourse
from grader.heldout import fresh_seed
from tools.calibration.metrics import scene_scores

LOGISTIC_C = (1e-4, 1e-3, 1e-2)


@functools.cache
def fresh_scenes():
    return dlcourse.data.make_vehicles(600, seed=fresh_seed("ex10"))


@functools.cache
def logistic_on_pixels():
    """Fresh-scene accuracy of logistic regression on raw pixels, C chosen on validation.

    The same for every seed (the training images are the fixed split), so computed once."""
    from sklearn.linear_model import LogisticRegression

    images, labels = dlcourse.data.load_vehicles("train")
    valid_images, valid_labels = dlcourse.data.load_vehicles("validation")
    X, y = fresh_scenes()
    best = None
    for c in LOGISTIC_C:
        classifier = LogisticRegression(C=c, max_iter=500)
        classifier.fit(images.reshape(len(images), -1), labels)
        score = classifier.score(valid_images.reshape(len(valid_images), -1), valid_labels)
        if best is None or score > best[0]:
            best = (score, classifier)
    return float(np.mean(best[1].predict(X.reshape(len(X), -1)) == y))


def metrics(ns):
    model = ns["model"]
    return {
        **scene_scores(model, (ns["valid_images"], ns["valid_labels"]), fresh_scenes()),
        "baseline: logistic regression on pixels": logistic_on_pixels(),
    }


SPEC = {
    "notebook": "solutions/ex10/ex10_sliding_window.ipynb",
    "cells": ["setup", "build_model", "train_model"],
    "metrics": metrics,
    "thresholds": {
        "validation binary accuracy": ("above", 0.6),
        "fresh binary accuracy": ("above", 0.6),
    },
}
