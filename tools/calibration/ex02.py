"""Exercise 2: the curve network's mean absolute error on validation and fresh points."""

from types import SimpleNamespace

import dlcourse
from grader.heldout import fresh_seed
from tools.calibration.metrics import mae, regression_baselines


def metrics(ns):
    # The points the hidden test draws: fresh points of the curve from the grader's seed.
    X, y = dlcourse.data.make_curve(2000, seed=fresh_seed("ex02"))
    fresh = SimpleNamespace(X=X, y=y)
    return {
        "validation MAE": mae(ns["curve_model"], ns["curve_valid"]),
        "fresh MAE": mae(ns["curve_model"], fresh),
        **regression_baselines(ns["curve"], X, y),
    }


SPEC = {
    "notebook": "solutions/ex02/ex02_deep_networks.ipynb",
    "cells": ["setup", "train_model"],
    "metrics": metrics,
    "thresholds": {"validation MAE": ("below", 0.25), "fresh MAE": ("below", 0.25)},
}
