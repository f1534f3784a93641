"""Other correct spellings of exercise 11's answers; each set must get full marks and pass
every visible check."""

ALTERNATIVES = [
    {
        # A block of separate ReLU layers, kernel and pool sizes as pairs and the MaxPool2D
        # alias with its stride spelled out; a Sequential model written layer by layer with a
        # Dense + Activation("sigmoid") output; counts as NumPy integers in a tuple; the
        # fields as a NumPy array and the count as a float; Keras objects for the loss and
        # the metric; training without validation data.
        "conv_block": (
            "def conv_block(x, filters, convolutions):\n"
            "    for _ in range(convolutions):\n"
            "        x = layers.Conv2D(filters=filters, kernel_size=(3, 3), padding='same')(x)\n"
            "        x = layers.ReLU()(x)\n"
            "    return layers.MaxPool2D(pool_size=(2, 2), strides=2)(x)\n"
            "\n\n"
            "def block_as_json(input_shape, filters, convolutions):\n"
            "    inputs = keras.Input(shape=input_shape)\n"
            "    return keras.Model(inputs, conv_block(inputs, filters, convolutions)).to_json()"
        ),
        "build_model": (
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(32, 32, 3)), layers.Rescaling(scale=2, offset=-1),\n"
            "    layers.Conv2D(12, 3, padding='same', activation='relu'), layers.MaxPooling2D(),\n"
            "    layers.Conv2D(24, 3, padding='same', activation='relu'), layers.MaxPooling2D(),\n"
            "    layers.Conv2D(48, 3, padding='same', activation='relu'),\n"
            "    layers.Conv2D(48, 3, padding='same', activation='relu'), layers.MaxPooling2D(),\n"
            "    layers.GlobalMaxPooling2D(), layers.Dense(1), layers.Activation('sigmoid'),\n"
            "], name='by_hand')"
        ),
        "block_parameters": (
            "block_parameters = tuple(np.int64(n) for n in (336, 2616, 10416 + 20784))\n"
            "head_parameters = np.int64(49)"
        ),
        "fields": (
            "fields = np.array([4, 10, 30])\n"
            "blocks_needed = 3.0"
        ),
        "compile_model": (
            "model.compile(\n"
            "    optimizer=keras.optimizers.Adam(\n"
            "        keras.optimizers.schedules.CosineDecay(initial_learning_rate=3e-3,\n"
            "                                               decay_steps=945)),\n"
            "    loss=keras.losses.BinaryCrossentropy(),\n"
            "    metrics=[keras.metrics.BinaryAccuracy()])"
        ),
        "train_model": (
            "history = model.fit(train_images, train_labels, epochs=15, batch_size=32,\n"
            "                    verbose=0)"
        ),
    },
    {
        # A block as a nested Sequential with Activation('relu') layers, called on x; the
        # functional model with activation functions instead of names; counts read from
        # the model's layers; fields computed with chapter 10's loop; "accuracy" as the
        # metric (binary accuracy for one sigmoid output); AdamW. (The loss as a function,
        # keras.losses.binary_crossentropy, is not accepted: the grader refuses to rebuild
        # a model whose configuration names a Python function.)
        "conv_block": (
            "def conv_block(x, filters, convolutions):\n"
            "    steps = []\n"
            "    for _ in range(convolutions):\n"
            "        steps += [layers.Conv2D(filters, 3, padding='same'),\n"
            "                  layers.Activation('relu')]\n"
            "    return keras.Sequential(steps + [layers.MaxPooling2D(2)])(x)\n"
            "\n\n"
            "def block_as_json(input_shape, filters, convolutions):\n"
            "    inputs = keras.Input(shape=input_shape)\n"
            "    return keras.Model(inputs, conv_block(inputs, filters, convolutions)).to_json()"
        ),
        "build_model": (
            "inputs = keras.Input(shape=(32, 32, 3))\n"
            "x = layers.Rescaling(2.0, -1.0)(inputs)\n"
            "for filters, convolutions in [(12, 1), (24, 1), (48, 2)]:\n"
            "    x = conv_block(x, filters, convolutions)\n"
            "x = layers.GlobalMaxPooling2D()(x)\n"
            "outputs = layers.Dense(1, activation=keras.activations.sigmoid)(x)\n"
            "model = keras.Model(inputs=inputs, outputs=outputs, name='blocks')"
        ),
        "block_parameters": (
            "counts = [layer.count_params() for layer in model.layers[2:5]]\n"
            "block_parameters = list(counts)\n"
            "head_parameters = model.layers[-1].count_params()"
        ),
        "fields": (
            "def receptive_field(layers):\n"
            "    field, jump = 1, 1\n"
            "    for f, s in layers:\n"
            "        field += (f - 1) * jump\n"
            "        jump *= s\n"
            "    return field\n"
            "\n\n"
            "stack, fields = [], []\n"
            "for convolutions in (1, 1, 2):\n"
            "    stack += [(3, 1)] * convolutions + [(2, 2)]\n"
            "    fields.append(receptive_field(stack))\n"
            "blocks_needed = min(k for k in (1, 2, 3) if fields[k - 1] >= 24)"
        ),
        "compile_model": (
            "schedule = keras.optimizers.schedules.CosineDecay(0.003, 15 * 63)\n"
            "model.compile(optimizer=keras.optimizers.AdamW(learning_rate=schedule),\n"
            "              loss='binary_crossentropy', metrics=['accuracy'])"
        ),
    },
]
