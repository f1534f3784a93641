"""Exercise 5: the network with batch normalization and dropout, trained on Friedman's problem:
its mean absolute error on the validation rows and on fresh held-out rows."""

import dlcourse
from grader.heldout import fresh_seed
from tools.calibration.metrics import mae, mae_on, regression_baselines


def metrics(ns):
    X, y = dlcourse.data.make_friedman(2000, seed=fresh_seed("ex05"))
    fresh = mae_on(ns["model"], X, y)
    return {"validation MAE": mae(ns["model"], ns["valid"]), "held-out MAE": fresh,
            **regression_baselines(ns["train"], X, y)}


SPEC = {
    "notebook": "solutions/ex05/ex05_dropout_batchnorm.ipynb",
    "cells": ["setup", "build_model", "train_model"],
    "metrics": metrics,
    "thresholds": {"validation MAE": ("below", 1.95), "held-out MAE": ("below", 1.95)},
}
