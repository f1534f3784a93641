"""Exercise 6: the noisy-spirals classifier's binary accuracy on validation rows and fresh
points, with the baselines the threshold must reject on those fresh points."""

import dlcourse
from grader.heldout import fresh_seed
from tools.calibration.metrics import binary_accuracy, classification_baselines


def metrics(ns):
    model, valid = ns["model"], ns["valid"]
    X, y = dlcourse.data.make_spirals(2000, noise=1.0, seed=fresh_seed("ex06"))
    return {
        "validation binary accuracy": binary_accuracy(model, valid.X, valid.y),
        "fresh binary accuracy": binary_accuracy(model, X, y),
        **classification_baselines(ns["train"], X, y),
    }


SPEC = {
    "notebook": "solutions/ex06/ex06_binary_classification.ipynb",
    "cells": ["setup", "build_model", "compile_model", "train_model"],
    "metrics": metrics,
    "thresholds": {
        "validation binary accuracy": ("above", 0.8),
        "fresh binary accuracy": ("above", 0.8),
    },
}
