"""Other correct spellings of exercise 1's answers; each set must get full marks and pass
every visible check."""

ALTERNATIVES = [
    {
        # A functional model with activation=None; the shapes as lists; a count that is a
        # NumPy integer; np.dot; Keras objects for the loss and the metric, the learning rate
        # given by position.
        "build_model": (
            "inputs = keras.Input(shape=(3,))\n"
            "outputs = keras.layers.Dense(1, activation=None)(inputs)\n"
            "model = keras.Model(inputs, outputs)"
        ),
        "shapes": "kernel_shape = [3, 1]\nbias_shape = [1]\nbatch_output_shape = [16, 1]",
        "param_count": (
            "def dense_param_count(n_inputs, units):\n"
            "    return np.int64(n_inputs) * units + units"
        ),
        "linear_unit": "def linear_unit(X, kernel, bias):\n    return np.dot(X, kernel) + bias",
        "train_model": (
            "model.compile(keras.optimizers.SGD(0.05), loss=keras.losses.MeanSquaredError(),\n"
            "              metrics=[keras.metrics.MeanAbsoluteError()])\n"
            "history = model.fit(train.X, train.y, validation_data=(valid.X, valid.y),\n"
            "                    epochs=30, batch_size=32, verbose=0)"
        ),
    },
    {
        # activation="linear" and a layer name; shapes read from Keras and written as
        # tuple(...) or a NumPy array; a count that is a float with a whole value; einsum;
        # the long names of the loss and the metric, other epochs and batches.
        "build_model": (
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(3,)),\n"
            "    keras.layers.Dense(1, activation='linear', use_bias=True, name='unit'),\n"
            "], name='linear_unit')"
        ),
        "shapes": (
            "kernel_shape = tuple(model.layers[0].kernel.shape)\n"
            "bias_shape = np.array([1])\n"
            "batch_output_shape = tuple(model(train.X[:16]).shape)"
        ),
        "param_count": (
            "def dense_param_count(n_inputs, units):\n"
            "    return (n_inputs + 1) * units * 1.0"
        ),
        "linear_unit": (
            "def linear_unit(X, kernel, bias):\n"
            "    return np.einsum('ri,iu->ru', X, kernel) + np.reshape(bias, (1, -1))"
        ),
        "train_model": (
            "model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.03),\n"
            "              loss='mean_squared_error', metrics=['mean_absolute_error'])\n"
            "history = model.fit(train.X, train.y, validation_data=(valid.X, valid.y),\n"
            "                    epochs=60, batch_size=16, verbose=0)"
        ),
    },
]
