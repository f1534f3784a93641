"""Exercise 6: the noisy-spirals classifier's binary accuracy (Part 4) and the three-spirals
classifier's accuracy (Part 7), each on validation rows and on fresh points, with the
baselines the thresholds must reject on those fresh points."""

import numpy as np

import dlcourse
from grader.heldout import fresh_seed
from tools.calibration.metrics import (
    binary_accuracy,
    classification_baselines,
    logistic_accuracy,
    sparse_accuracy,
)


def metrics(ns):
    model, valid = ns["model"], ns["valid"]
    X, y = dlcourse.data.make_spirals(2000, noise=1.0, seed=fresh_seed("ex06"))
    train3, valid3 = ns["train3"], ns["valid3"]
    X3, y3 = dlcourse.data.make_spirals(
        2000, classes=3, noise=0.75, seed=fresh_seed("ex06 three spirals"))
    return {
        "validation binary accuracy": binary_accuracy(model, valid.X, valid.y),
        "fresh binary accuracy": binary_accuracy(model, X, y),
        **classification_baselines(ns["train"], X, y),
        "three spirals: validation accuracy": sparse_accuracy(ns["multi_model"], valid3.X,
                                                              valid3.y),
        "three spirals: fresh accuracy": sparse_accuracy(ns["multi_model"], X3, y3),
        # classification_baselines' majority is binary; with three classes it is the
        # largest class share.
        "baseline: three spirals, majority class": float(np.bincount(y3).max() / len(y3)),
        "baseline: three spirals, multinomial logistic regression on the raw features":
            logistic_accuracy(train3.X, train3.y, X3, y3),
    }


SPEC = {
    "notebook": "solutions/ex06/ex06_binary_classification.ipynb",
    "cells": ["setup", "build_model", "compile_model", "train_model", "multi_data",
              "train_multi"],
    "metrics": metrics,
    "thresholds": {
        "validation binary accuracy": ("above", 0.8),
        "fresh binary accuracy": ("above", 0.8),
        "three spirals: validation accuracy": ("above", 0.7),
        "three spirals: fresh accuracy": ("above", 0.7),
    },
}
