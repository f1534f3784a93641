"""Exercise 1: the trained linear unit's mean absolute error on validation and test rows."""

import dlcourse
from tools.calibration.metrics import mae


def metrics(ns):
    test = dlcourse.data.load_table("diabetes", "test", features=ns["FEATURES"], standardize=True)
    return {"validation MAE": mae(ns["model"], ns["valid"]), "test MAE": mae(ns["model"], test)}


SPEC = {
    "notebook": "solutions/ex01/ex01_single_neuron.ipynb",
    "cells": ["setup", "build_model", "train_model"],
    "metrics": metrics,
    "thresholds": {"validation MAE": ("below", 55.0), "test MAE": ("below", 55.0)},
}
