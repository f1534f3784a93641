"""Metrics "accuracy" instead of "binary_accuracy", a cross-entropy without clipping and a
softmax without subtracting the row maximum (both pass the visible checks, fail the hidden
ones); the model, the training and the one-hot labels are right."""

ANSWERS = {
    "compile_model": (
        "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),"
        " loss='binary_crossentropy', metrics=['accuracy'])"
    ),
    "bce": (
        "def binary_cross_entropy(y_true, p):\n"
        "    y_true, p = np.asarray(y_true, dtype=float), np.asarray(p, dtype=float)\n"
        "    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))"
    ),
    "softmax": (
        "def softmax(z):\n"
        "    e = np.exp(np.asarray(z, dtype=float))\n"
        "    return e / e.sum(axis=-1, keepdims=True)"
    ),
}

EXPECTED = {
    "test_model": 2,
    "test_bce": 0,
    "test_compile": 0,
    "test_training": 2,
    "test_one_hot": 1,
    "test_softmax": 0,
}
