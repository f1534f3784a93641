"""Other correct spellings of exercise 6's answers; each set must get full marks and pass
every visible check."""

ALTERNATIVES = [
    {
        # A functional model with ReLU() and Activation("sigmoid") layers; np.where for the
        # two cases of the loss; the loss as a function and the metric "accuracy" (binary
        # accuracy for one sigmoid output); one-hot rows as integers; float32 softmax.
        "build_model": (
            "inputs = keras.Input(shape=(2,))\n"
            "x = keras.layers.ReLU()(keras.layers.Dense(32)(inputs))\n"
            "x = keras.layers.ReLU()(keras.layers.Dense(32)(x))\n"
            "outputs = keras.layers.Activation('sigmoid')(keras.layers.Dense(1)(x))\n"
            "model = keras.Model(inputs, outputs)"
        ),
        "bce": (
            "def binary_cross_entropy(y_true, p):\n"
            "    p = np.clip(np.asarray(p, dtype=np.float64), 1e-7, 1 - 1e-7)\n"
            "    y_true = np.asarray(y_true)\n"
            "    return -np.mean(np.where(y_true == 1, np.log(p), np.log(1 - p)))"
        ),
        "compile_model": (
            "model.compile(keras.optimizers.Adam(0.01), loss=keras.losses.binary_crossentropy,\n"
            "              metrics=['accuracy'])"
        ),
        "train_model": (
            "history = model.fit(train.X, train.y, validation_data=(valid.X, valid.y),\n"
            "                    epochs=25, batch_size=32, verbose=0)"
        ),
        "one_hot": (
            "def one_hot(labels, classes):\n"
            "    return (np.asarray(labels)[:, None] == np.arange(classes)).astype(int)"
        ),
        "softmax": (
            "def softmax(z):\n"
            "    z = np.asarray(z, dtype=np.float32)\n"
            "    e = np.exp(z - np.max(z, axis=1, keepdims=True))\n"
            "    return e / np.sum(e, axis=1, keepdims=True)"
        ),
        # Part 7 the functional way with the softmax as a layer of its own, one-hot labels
        # from this set's one_hot (integers) and categorical_crossentropy, "accuracy"
        # (categorical accuracy for one-hot labels).
        "train_multi": (
            "inputs = keras.Input(shape=(2,))\n"
            "x = keras.layers.Dense(32, activation='relu')(inputs)\n"
            "x = keras.layers.Dense(32, activation='relu')(x)\n"
            "outputs = keras.layers.Activation('softmax')(keras.layers.Dense(3)(x))\n"
            "multi_model = keras.Model(inputs, outputs)\n"
            "multi_model.compile(optimizer=keras.optimizers.Adam(0.01),\n"
            "                    loss='categorical_crossentropy', metrics=['accuracy'])\n"
            "multi_history = multi_model.fit(\n"
            "    train3.X, one_hot(train3.y, 3),\n"
            "    validation_data=(valid3.X, one_hot(valid3.y, 3)),\n"
            "    epochs=25, batch_size=32, verbose=0)"
        ),
    },
    {
        # Activation functions instead of names; a 0-d array for the loss; Keras objects
        # for the loss and the metric; one-hot rows by fancy indexing; the log-sum-exp
        # form of the softmax.
        "build_model": (
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(2,)),\n"
            "    keras.layers.Dense(32, activation=keras.activations.relu),\n"
            "    keras.layers.Dense(32, activation=keras.activations.relu),\n"
            "    keras.layers.Dense(1, activation=keras.activations.sigmoid),\n"
            "], name='spiral_classifier')"
        ),
        "bce": (
            "def binary_cross_entropy(y_true, p):\n"
            "    y_true = np.asarray(y_true, dtype=np.float32)\n"
            "    p = np.minimum(np.maximum(np.asarray(p, dtype=np.float64), 1e-7), 1 - 1e-7)\n"
            "    terms = y_true * np.log(p) + (1 - y_true) * np.log1p(-p)\n"
            "    return np.array(-terms.sum() / terms.size)"
        ),
        "compile_model": (
            "model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),\n"
            "              loss=keras.losses.BinaryCrossentropy(),\n"
            "              metrics=[keras.metrics.BinaryAccuracy()])"
        ),
        "one_hot": (
            "def one_hot(labels, classes):\n"
            "    labels = np.asarray(labels, dtype=int)\n"
            "    out = np.zeros((len(labels), classes), dtype=np.float32)\n"
            "    out[np.arange(len(labels)), labels] = 1.0\n"
            "    return out"
        ),
        "softmax": (
            "def softmax(z):\n"
            "    z = np.asarray(z, dtype=np.float64)\n"
            "    m = z.max(axis=-1, keepdims=True)\n"
            "    return np.exp(z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True)))"
        ),
        # Part 7 with a last layer of logits (no activation) and the loss told so; ReLU()
        # layers, wider, and the metric by its sparse name.
        "train_multi": (
            "multi_model = keras.Sequential([\n"
            "    keras.Input(shape=(2,)),\n"
            "    keras.layers.Dense(64), keras.layers.ReLU(),\n"
            "    keras.layers.Dense(64), keras.layers.ReLU(),\n"
            "    keras.layers.Dense(3),\n"
            "])\n"
            "multi_model.compile(\n"
            "    optimizer=keras.optimizers.Adam(learning_rate=0.01),\n"
            "    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),\n"
            "    metrics=['sparse_categorical_accuracy'])\n"
            "multi_history = multi_model.fit(train3.X, train3.y, epochs=20, batch_size=32,\n"
            "                                validation_data=(valid3.X, valid3.y), verbose=0)"
        ),
    },
    {
        # Part 7 alone: keras.utils.to_categorical labels with the loss and metric as
        # objects, three hidden layers, and early stopping (fewer epochs than asked for).
        "train_multi": (
            "labels3 = keras.utils.to_categorical(train3.y, 3)\n"
            "multi_model = keras.Sequential([keras.Input(shape=(2,))]\n"
            "                               + [keras.layers.Dense(32, activation='relu')\n"
            "                                  for _ in range(3)]\n"
            "                               + [keras.layers.Dense(3, activation='softmax')])\n"
            "multi_model.compile(optimizer='adam',\n"
            "                    loss=keras.losses.CategoricalCrossentropy(),\n"
            "                    metrics=[keras.metrics.CategoricalAccuracy()])\n"
            "stop = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)\n"
            "multi_history = multi_model.fit(\n"
            "    train3.X, labels3, epochs=100, batch_size=32, verbose=0, callbacks=[stop],\n"
            "    validation_data=(valid3.X, keras.utils.to_categorical(valid3.y, 3)))"
        ),
    },
]
