"""Exercise 2: the trained deep network's mean absolute error on validation and fresh rows."""

from types import SimpleNamespace

import dlcourse
from grader.heldout import fresh_seed
from tools.calibration.metrics import mae


def metrics(ns):
    # The rows the hidden test draws: fresh Friedman rows from the grader's private seed.
    X, y = dlcourse.data.make_friedman(2000, seed=fresh_seed("ex02"))
    fresh = SimpleNamespace(X=X, y=y)
    return {"validation MAE": mae(ns["model"], ns["valid"]), "fresh MAE": mae(ns["model"], fresh)}


SPEC = {
    "notebook": "solutions/ex02/ex02_deep_networks.ipynb",
    "cells": ["setup", "build_model", "train_model"],
    "metrics": metrics,
    "thresholds": {"validation MAE": ("below", 2.0), "fresh MAE": ("below", 2.0)},
}
