"""A ReLU unit instead of a linear one, and a parameter count without the bias; the shapes,
the NumPy unit and the training are right."""

ANSWERS = {
    "build_model": (
        "model = keras.Sequential([keras.Input(shape=(3,)),"
        " keras.layers.Dense(1, activation='relu')])\nmodel.summary()"
    ),
    "param_count": "def dense_param_count(n_inputs, units):\n    return n_inputs * units",
}

EXPECTED = {
    "test_model": 0,
    "test_shapes": 1,
    "test_param_count": 0,
    "test_linear_unit": 2,
    "test_training": 2,
}
