"""Other correct answers of exercise 5; each set must get full marks and pass every visible
check. The network's inputs are standardized three ways (a Normalization layer adapted to
the training rows, the rows standardized before the model, a BatchNormalization layer),
with use_bias=False before batch normalization and the ReLU as a ReLU() or an Activation
layer."""

ALTERNATIVES = [
    {
        # A Normalization layer adapted to train.X, Dense layers without bias, ReLU()
        # layers; the counts as a list; the loss and the metric as objects.
        "inverted_dropout": (
            "def inverted_dropout(x, rate, keep_mask):\n"
            "    return x * keep_mask / (1 - rate)"
        ),
        "batch_norm": (
            "def batch_norm(x, gamma, beta, epsilon=0.001):\n"
            "    x = np.asarray(x, dtype=np.float32)\n"
            "    return (x - np.mean(x, 0)) / np.sqrt(np.std(x, 0) ** 2 + epsilon) * gamma + beta"
        ),
        "bn_params": (
            "def batch_norm_params(features):\n"
            "    return [2 * features, 2 * features]\n\n\n"
            "bn_output_shape = [32, 64]"
        ),
        "build_model": (
            "normalizer = keras.layers.Normalization()\n"
            "normalizer.adapt(train.X)\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(10,)),\n"
            "    normalizer,\n"
            "    keras.layers.Dense(64, use_bias=False),\n"
            "    keras.layers.BatchNormalization(),\n"
            "    keras.layers.ReLU(),\n"
            "    keras.layers.Dropout(0.2),\n"
            "    keras.layers.Dense(64, use_bias=False),\n"
            "    keras.layers.BatchNormalization(),\n"
            "    keras.layers.ReLU(),\n"
            "    keras.layers.Dense(1),\n"
            "], name='normalized_network')\n"
            "n_trainable = 10 * 64 + 128 + 64 * 64 + 128 + 65\n"
            "n_non_trainable = 2 * 10 + 1 + 128 + 128"
        ),
        "train_model": (
            "model.compile(optimizer=keras.optimizers.Adam(0.01),\n"
            "              loss=keras.losses.MeanSquaredError(),\n"
            "              metrics=[keras.metrics.MeanAbsoluteError()])\n"
            "history = model.fit(train.X, train.y, validation_data=(valid.X, valid.y),\n"
            "                    epochs=30, batch_size=32, verbose=0)"
        ),
    },
    {
        # No standardizing layer: the rows standardized before, with the training mean and
        # standard deviation; a functional model with Activation layers, one Dense layer
        # without bias; NumPy integers and a shape computed by Keras.
        "inverted_dropout": (
            "def inverted_dropout(x, rate, keep_mask):\n"
            "    return np.where(keep_mask, x, 0.0) * (1.0 / (1.0 - rate))"
        ),
        "batch_norm": (
            "def batch_norm(x, gamma, beta, epsilon=0.001):\n"
            "    mean = np.mean(x, axis=0)\n"
            "    variance = np.mean((x - mean) ** 2, axis=0)\n"
            "    return gamma * (x - mean) / np.sqrt(variance + epsilon) + beta"
        ),
        "bn_params": (
            "def batch_norm_params(features):\n"
            "    return np.int64(2 * features), np.int64(2 * features)\n\n\n"
            "bn_output_shape = tuple(\n"
            "    keras.layers.BatchNormalization().compute_output_shape((32, 64)))"
        ),
        "build_model": (
            "inputs = keras.Input(shape=(10,))\n"
            "x = keras.layers.Dense(64)(inputs)\n"
            "x = keras.layers.BatchNormalization()(x)\n"
            "x = keras.layers.Activation('relu')(x)\n"
            "x = keras.layers.Dropout(0.2)(x)\n"
            "x = keras.layers.Dense(64, use_bias=False)(x)\n"
            "x = keras.layers.BatchNormalization()(x)\n"
            "x = keras.layers.Activation(keras.activations.relu)(x)\n"
            "model = keras.Model(inputs, keras.layers.Dense(1)(x))\n"
            "n_trainable = np.int64(704 + 128 + 4096 + 128 + 65)\n"
            "n_non_trainable = 256.0"
        ),
        "train_model": (
            "mean, std = train.X.mean(axis=0), train.X.std(axis=0)\n"
            "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss='mse',\n"
            "              metrics=['mae'])\n"
            "history = model.fit((train.X - mean) / std, train.y,\n"
            "                    validation_data=((valid.X - mean) / std, valid.y),\n"
            "                    epochs=30, batch_size=32, verbose=0)"
        ),
    },
    {
        # A BatchNormalization layer first, as in the reference, with Dense layers without
        # bias and ReLU() layers; the shape as a NumPy array; the loss's long name.
        "bn_params": (
            "def batch_norm_params(features):\n"
            "    gamma_beta = 2 * features\n"
            "    moving_mean_variance = 2 * features\n"
            "    return gamma_beta, moving_mean_variance\n\n\n"
            "bn_output_shape = np.array([32, 64])"
        ),
        "build_model": (
            "model = keras.Sequential([keras.Input(shape=(10,)),\n"
            "                          keras.layers.BatchNormalization()])\n"
            "for i in range(2):\n"
            "    model.add(keras.layers.Dense(64, use_bias=False))\n"
            "    model.add(keras.layers.BatchNormalization())\n"
            "    model.add(keras.layers.ReLU())\n"
            "    if i == 0:\n"
            "        model.add(keras.layers.Dropout(rate=0.2))\n"
            "model.add(keras.layers.Dense(1))\n"
            "n_trainable = 20 + 640 + 128 + 4096 + 128 + 65\n"
            "n_non_trainable = 20 + 128 + 128"
        ),
        "train_model": (
            "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),\n"
            "              loss='mean_squared_error', metrics=['mae'])\n"
            "history = model.fit(train.X, train.y, validation_data=(valid.X, valid.y),\n"
            "                    epochs=30, batch_size=32, verbose=0)"
        ),
    },
]
