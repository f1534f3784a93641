"""Sigmoid hidden layers, a cross-entropy without clipping, the multi-class loss
"categorical_crossentropy" on a single sigmoid output (Keras then computes a loss of 0
whatever the weights, so nothing is learned), a one-hot encoding that fills whole columns,
a softmax without subtracting the row maximum, and a three-class model with no hidden layer
(it trains, but its boundaries are straight lines: about 0.45 of the fresh points right):
every part fails, its visible check as well as its hidden test.

``OTHER_WRONG`` lists more mistakes of Part 7, each checked the same way (visible check and
hidden test both fail) when the part was written: one sigmoid output, a softmax of 2 units,
binary cross-entropy on the integer labels (``fit`` stops with an error) and a model that
was never trained."""


def _multi(hidden, output, loss, fit=True):
    """A Part 7 answer: two hidden layers of 32 units (or none), then ``output``."""
    layers = "    keras.layers.Dense(32, activation='relu'),\n" * 2 if hidden else ""
    source = (
        f"multi_model = keras.Sequential([\n    keras.Input(shape=(2,)),\n{layers}"
        f"    {output},\n])\n"
        "multi_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),\n"
        f"                    loss={loss!r}, metrics=['accuracy'])\n"
    )
    if fit:
        source += (
            "multi_history = multi_model.fit(train3.X, train3.y, epochs=20, batch_size=32,\n"
            "                                validation_data=(valid3.X, valid3.y), verbose=0)"
        )
    return {"train_multi": source}


ANSWERS = {
    "build_model": (
        "model = keras.Sequential([\n"
        "    keras.Input(shape=(2,)),\n"
        "    keras.layers.Dense(32, activation='sigmoid'),\n"
        "    keras.layers.Dense(32, activation='sigmoid'),\n"
        "    keras.layers.Dense(1, activation='sigmoid'),\n"
        "])"
    ),
    "compile_model": (
        "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),"
        " loss='categorical_crossentropy', metrics=['accuracy'])"
    ),
    "bce": (
        "def binary_cross_entropy(y_true, p):\n"
        "    y_true, p = np.asarray(y_true, dtype=float), np.asarray(p, dtype=float)\n"
        "    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))"
    ),
    "one_hot": (
        "def one_hot(labels, classes):\n"
        "    out = np.zeros((len(labels), classes))\n"
        "    out[:, labels] = 1.0\n"
        "    return out"
    ),
    "softmax": (
        "def softmax(z):\n"
        "    e = np.exp(np.asarray(z, dtype=float))\n"
        "    return e / e.sum(axis=-1, keepdims=True)"
    ),
    # No hidden layer: it trains, but its boundaries between the arms are straight lines.
    **_multi(False, "keras.layers.Dense(3, activation='softmax')",
             "sparse_categorical_crossentropy"),
}

EXPECTED = {
    "test_model": 0,
    "test_bce": 0,
    "test_compile": 0,
    "test_training": 0,
    "test_one_hot": 0,
    "test_softmax": 0,
    "test_multi": 0,
}

_FULL = {"test_model": 2, "test_bce": 2, "test_compile": 1, "test_training": 2,
         "test_one_hot": 1, "test_softmax": 2, "test_multi": 2}
# Swapped into the reference: every other part keeps its full marks.
_MULTI_WRONG = {**_FULL, "test_multi": 0}
OTHER_WRONG = [
    (_multi(True, "keras.layers.Dense(1, activation='sigmoid')", "binary_crossentropy"),
     _MULTI_WRONG),
    (_multi(True, "keras.layers.Dense(2, activation='softmax')",
            "sparse_categorical_crossentropy"), _MULTI_WRONG),
    (_multi(True, "keras.layers.Dense(3, activation='softmax')", "binary_crossentropy"),
     _MULTI_WRONG),
    (_multi(True, "keras.layers.Dense(3, activation='softmax')",
            "sparse_categorical_crossentropy", fit=False), _MULTI_WRONG),
]
