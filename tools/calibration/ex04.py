"""Exercise 4: the early-stopped network's mean absolute error on fresh Friedman rows, with the
baselines fitted on the same 600 training rows."""

from types import SimpleNamespace

import dlcourse
from grader.heldout import fresh_seed
from tools.calibration.metrics import mae_on, regression_baselines


def metrics(ns):
    X, y = dlcourse.data.make_friedman(2000, seed=fresh_seed("ex04"))
    fresh_mae = mae_on(ns["model"], X, y)
    history = ns["history"].history
    return {
        "fresh MAE": fresh_mae,
        "epochs run": float(len(history["loss"])),
        **regression_baselines(SimpleNamespace(X=ns["X_train"], y=ns["y_train"]), X, y),
    }


SPEC = {
    "notebook": "solutions/ex04/ex04_overfitting.ipynb",
    "cells": ["setup", "early_stopping", "train_model"],
    "metrics": metrics,
    "thresholds": {"fresh MAE": ("below", 1.95)},
}
