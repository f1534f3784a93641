"""Other correct spellings of exercise 2's answers; each set must get full marks and pass
every visible check."""

ALTERNATIVES = [
    {
        # Dense layers followed by Activation layers; a count that is a NumPy integer; the
        # hidden layers first, then the output; the pair as a list; a functional curve
        # model with ReLU layers and the loss as an object.
        "build_model": (
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(10,)),\n"
            "    keras.layers.Dense(64), keras.layers.Activation('relu'),\n"
            "    keras.layers.Dense(32), keras.layers.Activation(keras.activations.relu),\n"
            "    keras.layers.Dense(1),\n"
            "])"
        ),
        "param_count": (
            "def mlp_param_count(n_inputs, units):\n"
            "    sizes = [n_inputs, *units]\n"
            "    return np.sum([a * b + b for a, b in zip(sizes[:-1], sizes[1:])])"
        ),
        "forward": (
            "def mlp_forward(X, weights):\n"
            "    h = np.asarray(X)\n"
            "    for kernel, bias in weights[:-1]:\n"
            "        h = np.maximum(h @ kernel + bias, 0)\n"
            "    kernel, bias = weights[-1]\n"
            "    return h @ kernel + bias"
        ),
        "collapse": (
            "def collapse(W1, b1, W2, b2):\n"
            "    return [np.asarray(W1) @ W2, np.asarray(b1) @ W2 + b2]"
        ),
        "train_model": (
            "inputs = keras.Input(shape=(1,))\n"
            "h = keras.layers.ReLU()(keras.layers.Dense(64)(inputs))\n"
            "h = keras.layers.ReLU()(keras.layers.Dense(64)(h))\n"
            "curve_model = keras.Model(inputs, keras.layers.Dense(1)(h))\n"
            "curve_model.compile(optimizer=keras.optimizers.Adam(0.01),\n"
            "                    loss=keras.losses.MeanAbsoluteError())\n"
            "history = curve_model.fit(curve.X, curve.y, epochs=30, batch_size=32, verbose=0)"
        ),
    },
    {
        # A functional model with ReLU layers; the count from dot products (a NumPy
        # integer); np.dot and np.where; np.matmul; three hidden layers of 32 and the long
        # name of the loss.
        "build_model": (
            "inputs = keras.Input(shape=(10,))\n"
            "x = keras.layers.ReLU()(keras.layers.Dense(64)(inputs))\n"
            "x = keras.layers.Dense(32, activation=keras.activations.relu)(x)\n"
            "model = keras.Model(inputs, keras.layers.Dense(1, activation=None)(x))"
        ),
        "param_count": (
            "def mlp_param_count(n_inputs, units):\n"
            "    sizes = np.array([n_inputs, *units])\n"
            "    return np.dot(sizes[:-1], sizes[1:]) + sizes[1:].sum()"
        ),
        "forward": (
            "def mlp_forward(X, weights):\n"
            "    h = np.array(X, dtype=np.float32)\n"
            "    for i, (kernel, bias) in enumerate(weights):\n"
            "        h = np.dot(h, kernel) + bias\n"
            "        if i + 1 < len(weights):\n"
            "            h = np.where(h > 0, h, 0.0)\n"
            "    return h"
        ),
        "collapse": (
            "def collapse(W1, b1, W2, b2):\n"
            "    return np.matmul(W1, W2), np.dot(b1, W2) + b2"
        ),
        "train_model": (
            "curve_model = keras.Sequential([keras.Input(shape=(1,))]\n"
            "                               + [keras.layers.Dense(32, activation='relu')\n"
            "                                  for _ in range(3)]\n"
            "                               + [keras.layers.Dense(1)])\n"
            "curve_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005),\n"
            "                    loss='mean_absolute_error')\n"
            "history = curve_model.fit(curve.X, curve.y, validation_data=(curve_valid.X,\n"
            "                          curve_valid.y), epochs=40, batch_size=32, verbose=0)"
        ),
    },
]
