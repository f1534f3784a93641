"""Plausible mistakes in exercise 13: the features computed on images in VGG16's BGR
channel order (a habit from ImageNet bases, wrong for the course's base); a Flatten head
where the pooled one is asked; a fine-tuning learning rate a hundred times too large; and a
checkpoint without ``save_best_only``, whose file holds the last epoch instead of the best.
Part 3 (the top block unfrozen under the student's own head) is right and keeps its
points."""

ANSWERS = {
    "extract_features": (
        "def extract_features(base, images):\n"
        "    return base.predict(images[..., ::-1], verbose=0)  # RGB -> BGR, as for VGG16\n"
        "\n\n"
        "train_features = extract_features(base, train_images)\n"
        "valid_features = extract_features(base, valid_images)"
    ),
    "train_head": (
        "head = keras.Sequential([\n"
        "    keras.Input(shape=(8, 8, 64)),\n"
        "    layers.Flatten(),\n"
        "    layers.Dense(1, activation='sigmoid'),\n"
        "], name='head')\n"
        "head.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003),\n"
        "             loss='binary_crossentropy', metrics=['binary_accuracy'])\n"
        "head_history = head.fit(train_features, train_labels, epochs=20, batch_size=16,\n"
        "                        validation_data=(valid_features, valid_labels), verbose=0)"
    ),
    "fine_tune": (
        "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),\n"
        "              loss='binary_crossentropy', metrics=['binary_accuracy'])\n"
        "fine_history = model.fit(train_images, train_labels, epochs=5, batch_size=16,\n"
        "                         validation_data=(valid_images, valid_labels), verbose=0)"
    ),
    "checkpoint": (
        "flat_head = keras.Sequential([keras.Input(shape=(8, 8, 64)), layers.Flatten(),\n"
        "                              layers.Dense(1, activation='sigmoid')])\n"
        "flat_head.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),\n"
        "                  loss='binary_crossentropy', metrics=['binary_accuracy'])\n"
        "checkpoint_path = os.path.join(tempfile.mkdtemp(), 'best_head.keras')\n"
        "checkpoint = keras.callbacks.ModelCheckpoint(checkpoint_path, monitor='val_loss')\n"
        "checkpoint_history = flat_head.fit(train_features, train_labels, epochs=20,\n"
        "                                   batch_size=16,\n"
        "                                   validation_data=(valid_features, valid_labels),\n"
        "                                   callbacks=[checkpoint], verbose=0)\n"
        "best_head = keras.models.load_model(checkpoint_path)"
    ),
}

EXPECTED = {
    "test_extract_features": 0,
    "test_head": 0,
    "test_unfreeze_top": 2,
    "test_fine_tune": 0,
    "test_checkpoint": 0,
}
