"""Other correct spellings of exercise 13's answers; each set must get full marks and pass
every visible check."""

ALTERNATIVES = [
    {
        # Features by direct calls in batches of 50; a functional head with a separate
        # sigmoid activation, the loss as an object and "accuracy" (binary accuracy for one
        # sigmoid unit); blocks 1 and 2 frozen by position, the model a Sequential; Keras
        # objects for the loss and the metric when fine-tuning; the checkpoint keeping
        # weights only, reloaded into the same head.
        "extract_features": (
            "def extract_features(base, images):\n"
            "    batches = [np.asarray(base(images[i:i + 50], training=False))\n"
            "               for i in range(0, len(images), 50)]\n"
            "    return np.concatenate(batches)\n"
            "\n\n"
            "train_features = extract_features(base, train_images)\n"
            "valid_features = extract_features(base, valid_images)"
        ),
        "train_head": (
            "features_in = keras.Input(shape=(8, 8, 64))\n"
            "pooled = layers.GlobalAveragePooling2D()(features_in)\n"
            "logit = layers.Dense(1)(pooled)\n"
            "head = keras.Model(features_in, layers.Activation('sigmoid')(logit), name='head')\n"
            "head.compile(optimizer=keras.optimizers.Adam(3e-3),\n"
            "             loss=keras.losses.BinaryCrossentropy(), metrics=['accuracy'])\n"
            "head_history = head.fit(train_features, train_labels, epochs=20, batch_size=16,\n"
            "                        validation_data=(valid_features, valid_labels), verbose=0)"
        ),
        "unfreeze_top": (
            "fine_base = dlcourse.pretrained.load_base(trainable=True)\n"
            "for layer in fine_base.layers[:6]:  # blocks 1 and 2\n"
            "    layer.trainable = False\n"
            "model = keras.Sequential([keras.Input(shape=(64, 64, 3)), fine_base, head])"
        ),
        "fine_tune": (
            "model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4),\n"
            "              loss=keras.losses.BinaryCrossentropy(),\n"
            "              metrics=[keras.metrics.BinaryAccuracy()])\n"
            "fine_history = model.fit(train_images, train_labels, epochs=5, batch_size=16,\n"
            "                         validation_data=(valid_images, valid_labels), verbose=0)"
        ),
        "checkpoint": (
            "flat_head = keras.Sequential([keras.Input(shape=(8, 8, 64)), layers.Flatten(),\n"
            "                              layers.Dense(1, activation='sigmoid')])\n"
            "flat_head.compile(optimizer=keras.optimizers.Adam(0.001),\n"
            "                  loss='binary_crossentropy', metrics=['binary_accuracy'])\n"
            "checkpoint_path = os.path.join(tempfile.mkdtemp(), 'best.weights.h5')\n"
            "checkpoint = keras.callbacks.ModelCheckpoint(checkpoint_path, save_best_only=True,\n"
            "                                             save_weights_only=True)\n"
            "checkpoint_history = flat_head.fit(train_features, train_labels, epochs=20,\n"
            "                                   batch_size=16,\n"
            "                                   validation_data=(valid_features, valid_labels),\n"
            "                                   callbacks=[checkpoint], verbose=0)\n"
            "flat_head.load_weights(checkpoint_path)\n"
            "best_head = flat_head"
        ),
    },
    {
        # Features with keras.ops in one call; a Sequential head with an Activation layer
        # given the function; the base unfrozen whole, then blocks 1 and 2 frozen by name,
        # and called without training=False; mode="min" spelled out and
        # keras.saving.load_model.
        "extract_features": (
            "def extract_features(base, images):\n"
            "    return keras.ops.convert_to_numpy(base(images, training=False))\n"
            "\n\n"
            "train_features = extract_features(base, train_images)\n"
            "valid_features = extract_features(base, valid_images)"
        ),
        "train_head": (
            "head = keras.Sequential([keras.Input(shape=(8, 8, 64)),\n"
            "                         layers.GlobalAveragePooling2D(), layers.Dense(1),\n"
            "                         layers.Activation(keras.activations.sigmoid)])\n"
            "head.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003),\n"
            "             loss='binary_crossentropy', metrics=[keras.metrics.BinaryAccuracy()])\n"
            "head_history = head.fit(train_features, train_labels, batch_size=16, epochs=20,\n"
            "                        validation_data=(valid_features, valid_labels), verbose=0)"
        ),
        "unfreeze_top": (
            "fine_base = dlcourse.pretrained.load_base(trainable=True)\n"
            "fine_base.trainable = True\n"
            "for layer in fine_base.layers:\n"
            "    if not layer.name.startswith('block3'):\n"
            "        layer.trainable = False\n"
            "inputs = keras.Input(shape=(64, 64, 3))\n"
            "model = keras.Model(inputs, head(fine_base(inputs)))"
        ),
        "checkpoint": (
            "flat_head = keras.Sequential([keras.Input(shape=(8, 8, 64)), layers.Flatten(),\n"
            "                              layers.Dense(1, activation='sigmoid')],\n"
            "                             name='flat_head')\n"
            "flat_head.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),\n"
            "                  loss=keras.losses.BinaryCrossentropy(),\n"
            "                  metrics=['binary_accuracy'])\n"
            "folder = tempfile.mkdtemp()\n"
            "checkpoint_path = os.path.join(folder, 'best_head.keras')\n"
            "checkpoint = keras.callbacks.ModelCheckpoint(filepath=checkpoint_path,\n"
            "                                             monitor='val_loss', mode='min',\n"
            "                                             save_best_only=True, verbose=0)\n"
            "checkpoint_history = flat_head.fit(\n"
            "    train_features, train_labels, epochs=20, batch_size=16,\n"
            "    validation_data=(valid_features, valid_labels), callbacks=[checkpoint],\n"
            "    verbose=0)\n"
            "best_head = keras.saving.load_model(checkpoint_path)"
        ),
    },
]
