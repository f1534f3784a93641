"""Hidden layers without activation, a parameter count without the biases, a forward pass
with ReLU on the output layer too, a collapse that forgets what the first bias becomes, and
a curve model without activations (a straight line in disguise): every part fails, its
visible check as well as its hidden test."""

ANSWERS = {
    "build_model": (
        "model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(64),\n"
        "                          keras.layers.Dense(32), keras.layers.Dense(1)])"
    ),
    "param_count": (
        "def mlp_param_count(n_inputs, units):\n"
        "    sizes = [n_inputs] + list(units)\n"
        "    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))"
    ),
    "forward": (
        "def mlp_forward(X, weights):\n"
        "    h = np.asarray(X)\n"
        "    for kernel, bias in weights:\n"
        "        h = np.maximum(h @ kernel + bias, 0)\n"
        "    return h"
    ),
    "collapse": "def collapse(W1, b1, W2, b2):\n    return W1 @ W2, b2",
    "train_model": (
        "curve_model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(64),\n"
        "                                keras.layers.Dense(64), keras.layers.Dense(1)])\n"
        "curve_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss='mae')\n"
        "history = curve_model.fit(curve.X, curve.y, epochs=30, batch_size=32, verbose=0)"
    ),
}

EXPECTED = {
    "test_model": 0,
    "test_param_count": 0,
    "test_forward": 0,
    "test_collapse": 0,
    "test_training": 0,
}
