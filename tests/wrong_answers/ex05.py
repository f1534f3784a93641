"""Dropout without the 1/(1 - rate) rescaling, batch normalization with the unbiased
(n - 1) variance, every batch-normalization parameter counted as trainable (in the function
and in the network's counts, the network itself right), and five full-batch steps of
training: every part fails, its visible check as well as its hidden test."""

_NETWORK = (
    "model = keras.Sequential([\n"
    "    keras.Input(shape=(10,)),\n"
    "    keras.layers.BatchNormalization(),\n"
    "    keras.layers.Dense(64),\n"
    "    keras.layers.BatchNormalization(),\n"
    "    keras.layers.Activation('relu'),\n"
    "    keras.layers.Dropout(0.2),\n"
    "    keras.layers.Dense(64),\n"
    "    keras.layers.BatchNormalization(),\n"
    "    keras.layers.Activation('relu'),\n"
    "    keras.layers.Dense(1),\n"
    "])\n"
)

ANSWERS = {
    "inverted_dropout": (
        "def inverted_dropout(x, rate, keep_mask):\n"
        "    return np.asarray(x) * np.asarray(keep_mask)"
    ),
    "batch_norm": (
        "def batch_norm(x, gamma, beta, epsilon=0.001):\n"
        "    x = np.asarray(x, dtype=np.float64)\n"
        "    return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0, ddof=1) + epsilon) + beta"
    ),
    "bn_params": (
        "def batch_norm_params(features):\n"
        "    return 4 * features, 0\n\n\n"
        "bn_output_shape = (32, 64)"
    ),
    "build_model": _NETWORK + "n_trainable = 5481\nn_non_trainable = 0",
    "train_model": (
        "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss='mse',"
        " metrics=['mae'])\n"
        "history = model.fit(train.X, train.y, epochs=5, batch_size=len(train.X), verbose=0)"
    ),
}

EXPECTED = {
    "test_inverted_dropout": 0,
    "test_batch_norm": 0,
    "test_bn_params": 0,
    "test_model": 0,
    "test_training": 0,
}
