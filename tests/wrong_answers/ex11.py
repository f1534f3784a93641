"""A block whose convolutions use padding "valid" (the same parameters, but each one
shrinks the maps by two pixels); a model written by hand with a Flatten head instead of
global max pooling (other layers, other parameters); block counts that forget the biases;
the multi-class loss on a single sigmoid output. The receptive fields are right. The
training then trains the wrong model and fails its check."""

ANSWERS = {
    "conv_block": (
        "def conv_block(x, filters, convolutions):\n"
        "    for _ in range(convolutions):\n"
        "        x = layers.Conv2D(filters, 3, padding='valid', activation='relu')(x)\n"
        "    return layers.MaxPooling2D(2)(x)\n"
        "\n\n"
        "def block_as_json(input_shape, filters, convolutions):\n"
        "    inputs = keras.Input(shape=input_shape)\n"
        "    return keras.Model(inputs, conv_block(inputs, filters, convolutions)).to_json()"
    ),
    "build_model": (
        "model = keras.Sequential([\n"
        "    keras.Input(shape=(32, 32, 3)), layers.Rescaling(2.0, offset=-1.0),\n"
        "    layers.Conv2D(12, 3, padding='same', activation='relu'), layers.MaxPooling2D(2),\n"
        "    layers.Conv2D(24, 3, padding='same', activation='relu'), layers.MaxPooling2D(2),\n"
        "    layers.Conv2D(48, 3, padding='same', activation='relu'),\n"
        "    layers.Conv2D(48, 3, padding='same', activation='relu'), layers.MaxPooling2D(2),\n"
        "    layers.Flatten(), layers.Dense(1, activation='sigmoid'),\n"
        "], name='flatten_head')"
    ),
    "block_parameters": (
        "block_parameters = [3 * 3 * 3 * 12, 3 * 3 * 12 * 24, 3 * 3 * 24 * 48 + 3 * 3 * 48 * 48]\n"
        "head_parameters = 48"
    ),
    "compile_model": (
        "schedule = keras.optimizers.schedules.CosineDecay(0.003, decay_steps=15 * 63)\n"
        "model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule),\n"
        "              loss='categorical_crossentropy', metrics=['binary_accuracy'])"
    ),
}

EXPECTED = {
    "test_conv_block": 0,
    "test_model": 0,
    "test_block_parameters": 0,
    "test_fields": 2,
    "test_compile": 0,
    "test_training": 0,
}
