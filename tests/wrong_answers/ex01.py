"""A ReLU unit instead of a linear one, the kernel's shape transposed, a parameter count
without the bias, a NumPy unit that forgets the bias, and a learning rate so small that five
epochs barely move the weights: every part fails, its visible check as well as its hidden
test."""

ANSWERS = {
    "build_model": (
        "model = keras.Sequential([keras.Input(shape=(3,)),"
        " keras.layers.Dense(1, activation='relu')])\nmodel.summary()"
    ),
    "shapes": "kernel_shape = (1, 3)\nbias_shape = (1,)\nbatch_output_shape = (16, 1)",
    "param_count": "def dense_param_count(n_inputs, units):\n    return n_inputs * units",
    "linear_unit": (
        "def linear_unit(X, kernel, bias):\n"
        "    return np.asarray(X) @ np.asarray(kernel)"
    ),
    "train_model": (
        "model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0001), loss='mse',"
        " metrics=['mae'])\n"
        "history = model.fit(train.X, train.y, validation_data=(valid.X, valid.y),"
        " epochs=5, verbose=0)"
    ),
}

EXPECTED = {
    "test_model": 0,
    "test_shapes": 0,
    "test_param_count": 0,
    "test_linear_unit": 0,
    "test_training": 0,
}
