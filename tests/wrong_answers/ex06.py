"""Sigmoid hidden layers, a cross-entropy without clipping, the multi-class loss
"categorical_crossentropy" on a single sigmoid output (Keras then computes a loss of 0
whatever the weights, so nothing is learned), a one-hot encoding that fills whole columns
and a softmax without subtracting the row maximum: every part fails, its visible check as
well as its hidden test."""

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
}

EXPECTED = {
    "test_model": 0,
    "test_bce": 0,
    "test_compile": 0,
    "test_training": 0,
    "test_one_hot": 0,
    "test_softmax": 0,
}
