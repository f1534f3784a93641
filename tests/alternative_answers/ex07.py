"""Other correct spellings of exercise 7's answers; each set must get full marks and pass
every visible check."""

ALTERNATIVES = [
    {
        # The base frozen by load_base's default; a functional model with activation layers;
        # the shape as a list; a count returned as a NumPy integer; "accuracy", which Keras
        # computes as the binary accuracy for one sigmoid output (and the learning rate
        # given by position); other epochs and batches.
        "load_base": "base = dlcourse.pretrained.load_base()",
        "attach_head": (
            "inputs = keras.Input(shape=(64, 64, 3))\n"
            "x = base(inputs)\n"
            "x = layers.Flatten()(x)\n"
            "x = layers.Dense(16)(x)\n"
            "x = layers.ReLU()(x)\n"
            "x = layers.Dense(1)(x)\n"
            "outputs = layers.Activation('sigmoid')(x)\n"
            "model = keras.Model(inputs, outputs)"
        ),
        "feature_shape": "feature_shape = list(base.output.shape[1:])",
        "head_parameters": (
            "def head_parameters(feature_shape, units):\n"
            "    n = np.prod(feature_shape)\n"
            "    return n * units + units + units + 1"
        ),
        "compile_model": (
            "model.compile(optimizer=keras.optimizers.Adam(3e-4), loss='binary_crossentropy',\n"
            "              metrics=['accuracy'])"
        ),
        "train_model": (
            "history = model.fit(train_images, train_labels, epochs=12, batch_size=25,\n"
            "                    validation_data=(valid_images, valid_labels), verbose=0)"
        ),
    },
    {
        # Frozen layer by layer; the base's layers unpacked into the Sequential list, with
        # activation functions instead of names; the shape as NumPy integers; Keras objects
        # for the optimizer, the loss and the metric.
        "load_base": (
            "base = dlcourse.pretrained.load_base(trainable=True)\n"
            "for layer in base.layers:\n"
            "    layer.trainable = False"
        ),
        "attach_head": (
            "model = keras.Sequential([keras.Input(shape=(64, 64, 3)), *base.layers,\n"
            "                          layers.Flatten(),\n"
            "                          layers.Dense(16, activation=keras.activations.relu),\n"
            "                          layers.Dense(1, activation=keras.activations.sigmoid)])"
        ),
        "feature_shape": (
            "feature_shape = tuple(np.array(base.predict(train_images[:1], verbose=0).shape[1:]))"
        ),
        "head_parameters": (
            "import math\n\n"
            "def head_parameters(feature_shape, units):\n"
            "    hidden = math.prod(feature_shape) * units + units\n"
            "    output = units + 1\n"
            "    return hidden + output"
        ),
        "compile_model": (
            "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.0003),\n"
            "              loss=keras.losses.BinaryCrossentropy(),\n"
            "              metrics=[keras.metrics.BinaryAccuracy()])"
        ),
    },
]
