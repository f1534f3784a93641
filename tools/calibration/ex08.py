"""Exercise 8: a Conv2D(1, 3) trained to find a hidden 3x3 filter (plus bias) from pairs of
grainy photo crops and their filtered versions; its mean squared error on the validation
pairs and on fresh pairs, next to baselines that did not learn the filter."""

import keras
import numpy as np

import dlcourse
from grader.heldout import fresh_seed
from tools.calibration.metrics import predictions


def mse(model, X, Y):
    return float(np.mean((predictions(model, X) - Y) ** 2))


def windows(X, k=3):
    """Every k x k window of every image, one row each, matching a valid Conv2D's output."""
    view = np.lib.stride_tricks.sliding_window_view(X[..., 0], (k, k), axis=(1, 2))
    return view.reshape(-1, k * k).astype(np.float64)


def least_squares_mse(features, X_train, Y_train, X_test, Y_test):
    """The best linear filter with the given features, fitted on the training pairs."""
    coefficients = np.linalg.lstsq(features(X_train), Y_train.ravel(), rcond=None)[0]
    return float(np.mean((features(X_test) @ coefficients - Y_test.ravel()) ** 2))


def one_by_one(X):  # a 1x1 kernel and a bias: a * pixel + b, the pixel under the centre
    centre = windows(X)[:, 4]
    return np.stack([centre, np.ones_like(centre)], axis=1)


def metrics(ns):
    model = ns["filter_model"]
    X, Y = dlcourse.data.make_filter_pairs(300, seed=fresh_seed("ex08"))
    untrained = keras.models.clone_model(model)  # the same layer, freshly initialized
    return {
        "validation MSE": mse(model, ns["X_valid"], ns["Y_valid"]),
        "fresh MSE": mse(model, X, Y),
        "baseline: untrained Conv2D(1, 3)": mse(untrained, X, Y),
        "baseline: predicting zeros": float(np.mean(Y.astype(np.float64) ** 2)),
        "baseline: best 1x1 kernel and bias": least_squares_mse(
            one_by_one, ns["X_train"], ns["Y_train"], X, Y),
        "baseline: best 3x3 kernel without bias": least_squares_mse(
            windows, ns["X_train"], ns["Y_train"], X, Y),
    }


SPEC = {
    "notebook": "solutions/ex08/ex08_convolution_relu.ipynb",
    "cells": ["setup", "learn_filter"],
    "metrics": metrics,
    "thresholds": {"validation MSE": ("below", 0.01), "fresh MSE": ("below", 0.01)},
}
