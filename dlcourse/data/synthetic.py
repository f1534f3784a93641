"""Tabular problems drawn from a seed: a curve, a noisy regression and interleaved spirals.

Part I needs problems whose truth is known and from which fresh rows can always be drawn:
a curve that no straight line follows, Friedman's regression benchmark (ten features, five
of them useless; also noisier, on fewer rows), and spirals that no straight boundary
separates (two or three arms, also noisy enough to overlap). Each ``make_*`` function
draws ``n`` rows from a seed; :func:`load_synthetic` returns fixed train / validation / test
splits of them, as :class:`~dlcourse.data.Table` objects like :func:`load_table`.
"""

import numpy as np
from sklearn.datasets import make_friedman1

from dlcourse.data.drawing import check_count
from dlcourse.data.splits import check_split
from dlcourse.data.tables import Table


def make_curve(n, noise=0.15, seed=0):
    """``n`` points ``(x, y)`` with ``x`` in ``[-3, 3]`` and ``y = sin(1.5 x) + x²/4 + noise``.

    Returns ``X`` of shape ``(n, 1)`` and ``y`` of shape ``(n,)``, both ``float32``.
    """
    n = check_count(n)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3.0, 3.0, n)
    y = np.sin(1.5 * x) + x**2 / 4 + rng.normal(0.0, noise, n)
    return x[:, None].astype(np.float32), y.astype(np.float32)


def make_friedman(n, noise=1.0, seed=0):
    """Friedman's regression problem: ten features uniform in ``[0, 1]``, of which only the
    first five matter, ``y = 10 sin(π x0 x1) + 20 (x2 - 0.5)² + 10 x3 + 5 x4 + noise``.

    Returns ``X`` of shape ``(n, 10)`` and ``y`` of shape ``(n,)``, both ``float32``.
    """
    # scikit-learn takes seeds below 2**32; a larger one (a grader's 128-bit private seed)
    # seeds a generator of its own.
    state = seed if 0 <= seed < 2**32 else np.random.RandomState(np.random.MT19937(seed))
    X, y = make_friedman1(check_count(n), n_features=10, noise=noise, random_state=state)
    return X.astype(np.float32), y.astype(np.float32)


def make_spirals(n, classes=2, noise=0.25, seed=0):
    """``n`` points on ``classes`` interleaved spiral arms in the plane, one arm per class.

    Returns ``X`` of shape ``(n, 2)`` (``float32``, roughly in ``[-1, 1]``) and ``y`` of shape
    ``(n,)`` (``int64`` class indices).
    """
    n = check_count(n)
    if int(classes) != classes or classes < 2:
        raise ValueError(f"classes must be an integer of at least 2, got {classes}")
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    radius = np.sqrt(rng.uniform(0.05, 1.0, n))  # more points far out, where the arms are long
    angle = 3.0 * np.pi * radius + 2.0 * np.pi * y / classes
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    X += rng.normal(0.0, noise * 0.1, X.shape)
    return X.astype(np.float32), y.astype(np.int64)


# name -> (draw rows, its options, task, feature names, split sizes, first split seed)
SYNTHETIC = {
    "curve": (make_curve, {}, "regression", ["x"], (600, 200, 200), 301),
    "friedman": (
        make_friedman, {}, "regression", [f"x{i}" for i in range(10)], (1200, 400, 400), 311,
    ),
    "spirals": (make_spirals, {}, "binary", ["x1", "x2"], (1000, 300, 300), 321),
    "spirals3": (make_spirals, {"classes": 3}, "multiclass", ["x1", "x2"], (1200, 400, 400), 331),
    # Noise four times the default: the arms overlap, so no classifier is right everywhere.
    "noisy_spirals": (
        make_spirals, {"noise": 1.0}, "binary", ["x1", "x2"], (1000, 300, 300), 341,
    ),
    # Three times the default noise and 150 training rows: a large network learns the noise
    # of the training rows within a few dozen epochs (exercise 4, Part 7).
    "noisy_friedman": (
        make_friedman, {"noise": 3.0}, "regression", [f"x{i}" for i in range(10)],
        (150, 400, 400), 361,
    ),
    # Three arms and three times the default noise: neighbouring arms overlap (exercise 6).
    "noisy_spirals3": (
        make_spirals, {"classes": 3, "noise": 0.75}, "multiclass", ["x1", "x2"],
        (1200, 400, 400), 351,
    ),
}


def load_synthetic(name, split="train"):
    """One fixed split of a synthetic problem of :data:`SYNTHETIC` as a ``Table``.

    ``split`` is ``"train"``, ``"validation"``, ``"test"`` or ``"all"`` (the three joined).
    Features are already on a small scale, so no standardization is needed.
    """
    if name not in SYNTHETIC:
        raise ValueError(f"unknown synthetic problem {name!r}; choose one of {sorted(SYNTHETIC)}")
    check_split(split)
    make, options, task, features, sizes, first_seed = SYNTHETIC[name]
    names = ("train", "validation", "test")
    wanted = [i for i, s in enumerate(names) if split in (s, "all")]
    parts = [make(sizes[i], **options, seed=first_seed + i) for i in wanted]
    X = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    classes = None if task == "regression" else [str(c) for c in range(int(y.max()) + 1)]
    return Table(
        X=X, y=y, feature_names=list(features), target_name="y", target_names=classes,
        task=task, description=make.__doc__.strip(),
    )
