"""Fixed train / validation / test splits shared by every data set."""

import numpy as np

SPLITS = ("train", "validation", "test", "all")

# 60 % / 20 % / 20 %: enough validation data to see overfitting, enough test data to grade.
_FRACTIONS = {"train": (0.0, 0.6), "validation": (0.6, 0.8), "test": (0.8, 1.0)}
_SPLIT_SEED = 2024


def check_split(split: str) -> str:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    return split


def split_indices(labels: np.ndarray, split: str, stratify: bool) -> np.ndarray:
    """Indices of ``split`` in a fixed shuffled order (per class when ``stratify``).

    Stratifying keeps every class in the same proportion in every split, which matters for
    small tables such as ``wine`` (178 rows).
    """
    check_split(split)
    n = len(labels)
    if split == "all":
        return np.arange(n)
    start, stop = _FRACTIONS[split]
    rng = np.random.default_rng(_SPLIT_SEED)
    if stratify:
        groups = [np.flatnonzero(labels == c) for c in np.unique(labels)]
    else:
        groups = [np.arange(n)]
    picked = []
    for group in groups:
        order = rng.permutation(group)
        picked.append(order[round(start * len(order)) : round(stop * len(order))])
    return np.sort(np.concatenate(picked))
