"""Exercise 1: the trained linear unit's mean absolute error on validation and test rows.

A single neuron without activation IS a linear model: least squares on the same features is
the best it can do, not a baseline it can beat. So the test rows record the training mean as
the baseline the threshold must reject, and least squares as a reference point."""

import dlcourse
from tools.calibration.metrics import least_squares_mae, mae, mean_mae


def metrics(ns):
    test = dlcourse.data.load_table("diabetes", "test", features=ns["FEATURES"], standardize=True)
    return {
        "validation MAE": mae(ns["model"], ns["valid"]),
        "test MAE": mae(ns["model"], test),
        "baseline: the training mean": mean_mae(ns["train"], test.y),
        "reference point: least squares on the same features":
            least_squares_mae(ns["train"], test.X, test.y),
    }


SPEC = {
    "notebook": "solutions/ex01/ex01_single_neuron.ipynb",
    "cells": ["setup", "build_model", "train_model"],
    "metrics": metrics,
    "thresholds": {"validation MAE": ("below", 55.0), "test MAE": ("below", 55.0)},
}
