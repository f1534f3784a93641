"""Four classic mistakes: rounding down instead of up for "same" padding, parameter counts
without the biases, a receptive field that adds the kernel sizes without the jump (right only
when every stride is 1), and "same" padding everywhere in the strided convnet (its maps come
out 32, 16 and 8 wide instead of 32, 15 and 7, so the network trained in Part 5 is not the one
asked for either). Each fails its visible check and its hidden test."""

ANSWERS = {
    "output_size": (
        "import math\n\n\n"
        "def output_size(n, f, s, padding):\n"
        "    if padding == 'valid':\n"
        "        return (n - f) // s + 1\n"
        "    return n // s"
    ),
    "shapes": (
        "shape_a, params_a = (100, 100, 16), 16 * 2 * 2 * 1\n"
        "shape_b, params_b = (100, 100, 32), 32 * 3 * 3 * 16\n"
        "shape_c, params_c = (64, 64, 32), 32 * 3 * 3 * 3\n"
        "shape_d, params_d = (49, 49, 32), 0"
    ),
    "receptive_field": (
        "def receptive_field(layers):\n"
        "    return 1 + sum(f - 1 for f, s in layers)"
    ),
    "build_model": (
        "model = keras.Sequential([\n"
        "    keras.Input(shape=(64, 64, 3)),\n"
        "    keras.layers.Conv2D(16, 5, strides=2, padding='same', activation='relu'),\n"
        "    keras.layers.Conv2D(32, 3, strides=2, padding='same', activation='relu'),\n"
        "    keras.layers.Conv2D(64, 3, strides=2, padding='same', activation='relu'),\n"
        "    keras.layers.GlobalMaxPooling2D(),\n"
        "    keras.layers.Dense(1, activation='sigmoid'),\n"
        "])"
    ),
}

EXPECTED = {
    "test_output_size": 0,
    "test_shapes": 0,
    "test_receptive_field": 0,
    "test_model": 0,
    "test_training": 0,
}
