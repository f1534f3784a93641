"""Tabular data sets bundled inside scikit-learn, with fixed splits."""

from dataclasses import dataclass, field

import numpy as np
from sklearn import datasets as sk

from dlcourse.data.splits import check_split, split_indices

# name -> (scikit-learn loader, task)
TABLES = {
    "diabetes": (sk.load_diabetes, "regression"),
    "breast_cancer": (sk.load_breast_cancer, "binary"),
    "wine": (sk.load_wine, "multiclass"),
    "iris": (sk.load_iris, "multiclass"),
    "digits": (sk.load_digits, "multiclass"),
}


@dataclass(frozen=True)
class Table:
    """One split of a table. Unpacks as ``X, y = load_table(...)``."""

    X: np.ndarray
    y: np.ndarray
    feature_names: list = field(repr=False)
    target_name: str
    target_names: list | None = field(repr=False)
    task: str
    description: str = field(repr=False)

    def __iter__(self):
        return iter((self.X, self.y))

    def __len__(self) -> int:
        return len(self.X)


def load_table(name, split="train", features=None, standardize=False):
    """Load one split of a bundled table.

    Parameters
    ----------
    name : one of :data:`TABLES` (``"diabetes"``, ``"breast_cancer"``, ``"wine"``,
        ``"iris"``, ``"digits"``).
    split : ``"train"`` (60 %), ``"validation"`` (20 %), ``"test"`` (20 %) or ``"all"``.
    features : optional list of column names to keep, in that order.
    standardize : if true, every feature is shifted and scaled with the mean and standard
        deviation of the **training** split, whatever ``split`` is asked for, so no
        information leaks from validation or test rows.

    Returns
    -------
    Table
        ``X`` is ``float32`` of shape ``(rows, features)``; ``y`` is ``float32`` for
        regression and ``int64`` class indices otherwise.
    """
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}; choose one of {sorted(TABLES)}")
    check_split(split)
    loader, task = TABLES[name]
    bunch = loader()
    X = np.asarray(bunch.data, dtype=np.float32)
    names = [str(n) for n in bunch.feature_names]
    if features is not None:
        missing = [f for f in features if f not in names]
        if missing:
            raise ValueError(f"{name} has no feature(s) {missing}; its features are {names}")
        X = X[:, [names.index(f) for f in features]]
        names = list(features)
    if task == "regression":
        y = np.asarray(bunch.target, dtype=np.float32)
        target_names = None
    else:
        y = np.asarray(bunch.target, dtype=np.int64)
        target_names = [str(t) for t in getattr(bunch, "target_names", np.unique(y))]
    stratify = task != "regression"
    if standardize:
        train = split_indices(y, "train", stratify)
        mean = X[train].mean(axis=0)
        std = X[train].std(axis=0)
        X = (X - mean) / np.where(std > 0, std, 1.0)
    rows = split_indices(y, split, stratify)
    return Table(
        X=np.ascontiguousarray(X[rows], dtype=np.float32),
        y=y[rows],
        feature_names=names,
        target_name="disease progression" if name == "diabetes" else "class",
        target_names=target_names,
        task=task,
        description=bunch.DESCR,
    )


def load_digit_images(split="train"):
    """The 8x8 handwritten digits as images: ``(n, 8, 8, 1)`` in ``[0, 1]`` and labels 0-9."""
    table = load_table("digits", split)
    return table.X.reshape(-1, 8, 8, 1) / np.float32(16.0), table.y
