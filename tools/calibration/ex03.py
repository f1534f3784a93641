"""Exercise 3: the network trained with SGD and momentum, its mean absolute error on the
validation rows and on fresh rows of Friedman's problem drawn with the private seed."""

import dlcourse
from grader.heldout import fresh_seed
from tools.calibration.metrics import mae, mae_on, regression_baselines


def metrics(ns):
    X, y = dlcourse.data.make_friedman(2000, seed=fresh_seed("ex03"))
    fresh = mae_on(ns["model"], X, y)
    return {"validation MAE": mae(ns["model"], ns["valid"]), "fresh-rows MAE": fresh,
            **regression_baselines(ns["train"], X, y)}


SPEC = {
    "notebook": "solutions/ex03/ex03_sgd.ipynb",
    "cells": ["setup", "compile_model", "train_model"],
    "metrics": metrics,
    "thresholds": {"validation MAE": ("below", 1.6), "fresh-rows MAE": ("below", 1.6)},
}
