"""Other correct spellings of exercise 12's answers; each set must get full marks and pass
every visible check."""

ALTERNATIVES = [
    {
        # A functional stack with every factor as a pair and the defaults written out; the
        # inference images from predict() and the training images from a call without
        # training= (whose default is training mode); NumPy numbers; tuples in another
        # order; a functional model with the flip in a nested Sequential, ReLU and
        # Activation layers, kernel and pool sizes as pairs; Keras objects for the loss and
        # "accuracy" for the metric.
        "augmentation": (
            "inputs = keras.Input(shape=(32, 32, 3))\n"
            "x = layers.RandomFlip(mode='horizontal')(inputs)\n"
            "x = layers.RandomRotation(factor=(-0.02, 0.02), fill_mode='reflect')(x)\n"
            "x = layers.RandomTranslation((-0.1, 0.1), (-0.2, 0.2))(x)\n"
            "x = layers.RandomZoom(height_factor=(-0.15, 0.15), interpolation='bilinear')(x)\n"
            "outputs = layers.RandomContrast(factor=[0.3, 0.3], value_range=[0, 1])(x)\n"
            "augmentation = keras.Model(inputs, outputs, name='augmentation')"
        ),
        "identity": (
            "at_inference = augmentation.predict(sample, verbose=0)\n"
            "in_training = augmentation(sample)\n"
            "inference_change = np.abs(at_inference - sample).max()\n"
            "training_change = np.max(np.abs(np.asarray(in_training) - sample))"
        ),
        "keeps_label": (
            "keeps_label = {\n"
            "    'aerial photographs': TRANSFORMATIONS,\n"
            "    'handwritten digits': ('contrast change by up to 20 %', 'zoom by up to 10 %',\n"
            "                           'shift by up to 10 %', 'rotation by up to 10 degrees'),\n"
            "    'car vs truck': tuple(t for t in TRANSFORMATIONS\n"
            "                          if t not in ('vertical flip', 'rotation by 180 degrees')),\n"
            "}"
        ),
        "build_model": (
            "inputs = keras.Input(shape=(32, 32, 3))\n"
            "x = keras.Sequential([layers.RandomFlip('horizontal')], name='augment')(inputs)\n"
            "for filters in (16, 32, 64):\n"
            "    x = layers.Conv2D(filters, (3, 3), padding='same')(x)\n"
            "    x = layers.ReLU()(x)\n"
            "    x = layers.MaxPooling2D(pool_size=(2, 2))(x)\n"
            "x = layers.Flatten()(x)\n"
            "x = layers.Dense(1)(x)\n"
            "outputs = layers.Activation('sigmoid')(x)\n"
            "model = keras.Model(inputs, outputs, name='flipping_convnet')"
        ),
        "train_model": (
            "model.compile(\n"
            "    optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(\n"
            "        initial_learning_rate=0.002, decay_steps=1260)),\n"
            "    loss=keras.losses.BinaryCrossentropy(), metrics=['accuracy'])\n"
            "history = model.fit(train_images, train_labels, epochs=20, batch_size=32,\n"
            "                    validation_data=(valid_images, valid_labels), verbose=0)"
        ),
    },
    {
        # A Sequential stack built with add() and seeded layers, explicit defaults and mixed
        # spellings; NumPy arrays and .item(); lists built by filtering; the flip as a
        # one-layer Sequential inside a Sequential model, activations as functions, default
        # pool sizes; metric and optimizer objects.
        "augmentation": (
            "augmentation = keras.Sequential(name='augmentation')\n"
            "augmentation.add(layers.RandomFlip('horizontal', seed=7))\n"
            "augmentation.add(layers.RandomRotation(0.02, fill_mode='reflect',\n"
            "                                       interpolation='bilinear'))\n"
            "augmentation.add(layers.RandomTranslation(height_factor=(-0.1, 0.1),\n"
            "                                          width_factor=0.2, fill_mode='reflect'))\n"
            "augmentation.add(layers.RandomZoom(height_factor=0.15, width_factor=None))\n"
            "augmentation.add(layers.RandomContrast(factor=(0.3, 0.3), value_range=(0.0, 1.0)))"
        ),
        "identity": (
            "at_inference = np.asarray(augmentation(sample, training=False))\n"
            "in_training = np.asarray(augmentation(sample, training=True))\n"
            "inference_change = np.abs(at_inference - sample).max().item()\n"
            "training_change = float(abs(in_training - sample).max())"
        ),
        "keeps_label": (
            "breaks = {'car vs truck': {'vertical flip', 'rotation by 180 degrees'},\n"
            "          'handwritten digits': {'horizontal flip', 'vertical flip',\n"
            "                                 'rotation by 180 degrees'},\n"
            "          'aerial photographs': set()}\n"
            "keeps_label = {task: [t for t in TRANSFORMATIONS if t not in breaks[task]]\n"
            "               for task in TASKS}"
        ),
        "build_model": (
            "relu = keras.activations.relu\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(32, 32, 3)),\n"
            "    keras.Sequential([layers.RandomFlip(mode='horizontal')]),\n"
            "    layers.Conv2D(16, kernel_size=3, padding='same', activation=relu),\n"
            "    layers.MaxPooling2D(),\n"
            "    layers.Conv2D(32, kernel_size=3, padding='same', activation=relu),\n"
            "    layers.MaxPooling2D(),\n"
            "    layers.Conv2D(64, kernel_size=3, padding='same', activation=relu),\n"
            "    layers.MaxPooling2D(),\n"
            "    layers.Flatten(),\n"
            "    layers.Dense(units=1, activation=keras.activations.sigmoid),\n"
            "])"
        ),
        "train_model": (
            "steps_per_epoch = int(np.ceil(len(train_images) / 32))\n"
            "schedule = keras.optimizers.schedules.CosineDecay(0.002, 20 * steps_per_epoch)\n"
            "model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule),\n"
            "              loss=keras.losses.BinaryCrossentropy(),\n"
            "              metrics=[keras.metrics.BinaryAccuracy()])\n"
            "history = model.fit(train_images, train_labels, epochs=20, batch_size=32,\n"
            "                    validation_data=(valid_images, valid_labels), verbose=0)"
        ),
    },
]
