"""Metrics shared by the calibration specs, computed the way the hidden tests compute them."""

import hashlib

import numpy as np


def predictions(model, X):
    # Calling the model directly gives predict()'s numbers without re-tracing it every seed.
    return np.asarray(model(X, training=False), dtype=np.float64)


def mae(model, table):
    return mae_on(model, table.X, table.y)


def mae_on(model, X, y):
    """Mean absolute error on rows ``X`` with targets ``y`` (fresh held-out rows, say)."""
    return float(np.mean(np.abs(predictions(model, X).ravel() - y)))


def binary_accuracy(model, X, y, threshold=0.5):
    return float(np.mean((predictions(model, X).ravel() > threshold) == (np.asarray(y) > 0.5)))


def sparse_accuracy(model, X, y):
    return float(np.mean(predictions(model, X).argmax(axis=-1) == np.asarray(y)))


def scene_scores(model, valid, fresh):
    """What every car-vs-truck spec records: binary accuracy on the validation images and
    on the fresh scenes, and the majority class's accuracy on those scenes (a baseline)."""
    X, y = fresh
    return {
        "validation binary accuracy": binary_accuracy(model, *valid),
        "fresh binary accuracy": binary_accuracy(model, X, y),
        "baseline: majority class": float(max(np.mean(y), 1 - np.mean(y))),
    }


def trained_accuracy(model, optimizer, images, labels, epochs, fresh):
    """Binary accuracy on the fresh scenes of a baseline model trained as the references
    train (binary cross-entropy, batches of 32)."""
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["binary_accuracy"])
    model.fit(images, labels, epochs=epochs, batch_size=32, verbose=0)
    return binary_accuracy(model, *fresh)


_LOGISTIC = {}  # fingerprint of the data -> accuracy: the same for every seed, fitted once


def logistic_accuracy(images, labels, X, y):
    """Accuracy on ``X``, ``y`` of logistic regression fitted on the raw pixels (or raw
    features) of ``images`` (a baseline: no seed involved)."""
    from sklearn.linear_model import LogisticRegression

    key = hashlib.sha256(images.tobytes() + labels.tobytes() + X.tobytes()).hexdigest()
    if key not in _LOGISTIC:
        classifier = LogisticRegression(C=1.0, max_iter=2000)
        classifier.fit(images.reshape(len(images), -1), labels)
        _LOGISTIC[key] = float(np.mean(classifier.predict(X.reshape(len(X), -1)) == y))
    return _LOGISTIC[key]


def mean_mae(train, y):
    """MAE on targets ``y`` of predicting the mean target of the ``train`` table for every row."""
    return float(np.mean(np.abs(np.mean(train.y, dtype=np.float64) - y)))


def least_squares_mae(train, X, y):
    """MAE on ``X``, ``y`` of the least-squares line through the raw features of the ``train``
    table (one weight per feature and an intercept)."""
    def with_ones(A):
        return np.column_stack([np.asarray(A, dtype=np.float64), np.ones(len(A))])

    weights = np.linalg.lstsq(with_ones(train.X), np.asarray(train.y, np.float64), rcond=None)[0]
    return float(np.mean(np.abs(with_ones(X) @ weights - y)))


def regression_baselines(train, X, y):
    """The MAE on ``X``, ``y`` (the hidden tests' fresh rows) of the two simplest regressions
    fitted on the ``train`` table: its mean for every row, and least squares."""
    return {
        "baseline: the training mean": mean_mae(train, y),
        "baseline: least squares on the raw features": least_squares_mae(train, X, y),
    }


def classification_baselines(train, X, y):
    """The binary accuracy on ``X``, ``y`` of the best single answer for every row (the
    majority class of those very rows) and of logistic regression fitted on ``train``."""
    return {
        "baseline: majority class": float(max(np.mean(y), 1 - np.mean(y))),
        "baseline: logistic regression on the raw features":
            logistic_accuracy(train.X, train.y, X, y),
    }
