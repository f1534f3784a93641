"""Other correct spellings of exercise 10's answers; each set must get full marks and pass
every visible check."""

EPOCHS = 20  # as the reference solution trains

ALTERNATIVES = [
    {
        # Ceilings in integer arithmetic (and the other form of the "valid" formula); shapes
        # as lists and counts as NumPy integers; the receptive field computed from the top
        # layer down; a functional model with kernel and stride pairs, padding spelled in
        # other cases, the "valid" default omitted once and the ReLUs as layers of their
        # own; the schedule's arguments by name and the steps as one number, a loss object
        # and "accuracy", which Keras computes as the binary accuracy.
        "output_size": (
            "def output_size(n, f, s, padding):\n"
            "    if padding.lower() == 'same':\n"
            "        return -(-n // s)\n"
            "    return -(-(n - f + 1) // s)"
        ),
        "shapes": (
            "shape_a, params_a = [100, 100, 16], np.int64(80)\n"
            "shape_b, params_b = [100, 100, 32], np.int64(4640)\n"
            "shape_c, params_c = [64, 64, 32], np.int64(896)\n"
            "shape_d, params_d = [np.int64(49), np.int64(49), np.int64(32)], np.int64(0)"
        ),
        "receptive_field": (
            "def receptive_field(layers):\n"
            "    field = 1\n"
            "    for f, s in reversed(layers):\n"
            "        field = s * (field - 1) + f\n"
            "    return field"
        ),
        "build_model": (
            "inputs = keras.Input(shape=(64, 64, 3))\n"
            "x = keras.layers.Conv2D(16, (5, 5), strides=(2, 2), padding='SAME')(inputs)\n"
            "x = keras.layers.ReLU()(x)\n"
            "x = keras.layers.Conv2D(32, (3, 3), strides=(2, 2), padding='Valid')(x)\n"
            "x = keras.layers.ReLU()(x)\n"
            "x = keras.layers.Conv2D(64, (3, 3), strides=(2, 2))(x)\n"
            "x = keras.layers.Activation('relu')(x)\n"
            "x = keras.layers.GlobalMaxPooling2D()(x)\n"
            "outputs = keras.layers.Dense(1, activation='sigmoid')(x)\n"
            "model = keras.Model(inputs, outputs)"
        ),
        "train_model": (
            "decay = keras.optimizers.schedules.CosineDecay(initial_learning_rate=2e-3,\n"
            f"                                               decay_steps={EPOCHS * 63})\n"
            "model.compile(optimizer=keras.optimizers.Adam(decay),\n"
            "              loss=keras.losses.BinaryCrossentropy(), metrics=['accuracy'])\n"
            f"history = model.fit(train_images, train_labels, epochs={EPOCHS}, batch_size=32,\n"
            "                    validation_data=(valid_images, valid_labels), verbose=0)"
        ),
    },
    {
        # math.floor and a NumPy ceiling (a NumPy integer comes back); the shapes and counts
        # asked from Keras layers; the closed form of the receptive field with math.prod; a
        # Sequential model with activation functions, lists for the kernel and the strides,
        # and separate Activation layers (the sigmoid too); the schedule's steps computed from
        # the data; Keras objects for the loss and the metric.
        "output_size": (
            "import math\n\n\n"
            "def output_size(n, f, s, padding):\n"
            "    if padding == 'same':\n"
            "        return np.int64(np.ceil(n / s))\n"
            "    return math.floor((n - f) / s) + 1"
        ),
        "shapes": (
            "a = keras.layers.Conv2D(16, 2, strides=2, padding='valid')\n"
            "b = keras.layers.Conv2D(32, 3, padding='same')\n"
            "c = keras.layers.Conv2D(32, 3, strides=2, padding='same')\n"
            "d = keras.layers.MaxPooling2D(3, strides=2)\n"
            "out_a = a(np.zeros((1, 200, 200, 1), dtype='float32'))\n"
            "out_b = b(out_a)\n"
            "out_c = c(np.zeros((1, 128, 128, 3), dtype='float32'))\n"
            "out_d = d(out_b)\n"
            "shape_a, params_a = tuple(out_a.shape[1:]), a.count_params()\n"
            "shape_b, params_b = tuple(out_b.shape[1:]), b.count_params()\n"
            "shape_c, params_c = tuple(out_c.shape[1:]), c.count_params()\n"
            "shape_d, params_d = tuple(out_d.shape[1:]), d.count_params()"
        ),
        "receptive_field": (
            "import math\n\n\n"
            "def receptive_field(layers):\n"
            "    strides = [s for _, s in layers]\n"
            "    return 1 + sum((f - 1) * math.prod(strides[:k])\n"
            "                   for k, (f, _) in enumerate(layers))"
        ),
        "build_model": (
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(64, 64, 3)),\n"
            "    keras.layers.Conv2D(filters=16, kernel_size=5, strides=2, padding='same',\n"
            "                        activation=keras.activations.relu),\n"
            "    keras.layers.Conv2D(filters=32, kernel_size=[3, 3], strides=[2, 2],\n"
            "                        activation='relu'),\n"
            "    keras.layers.Conv2D(filters=64, kernel_size=3, strides=2, padding='valid'),\n"
            "    keras.layers.Activation('relu'),\n"
            "    keras.layers.GlobalMaxPooling2D(),\n"
            "    keras.layers.Dense(1),\n"
            "    keras.layers.Activation('sigmoid'),\n"
            "])"
        ),
        "train_model": (
            "import math\n\n"
            f"steps = math.ceil(len(train_images) / 32) * {EPOCHS}\n"
            "schedule = keras.optimizers.schedules.CosineDecay(0.002, steps)\n"
            "model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule),\n"
            "              loss=keras.losses.BinaryCrossentropy(),\n"
            "              metrics=[keras.metrics.BinaryAccuracy()])\n"
            f"history = model.fit(train_images, train_labels, epochs={EPOCHS}, batch_size=32,\n"
            "                    validation_data=(valid_images, valid_labels), verbose=0)"
        ),
    },
]
