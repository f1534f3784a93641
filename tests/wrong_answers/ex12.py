"""A stack that keeps Keras' defaults where the exercise asks otherwise (RandomFlip flips up
and down too; RandomContrast(0.3) only raises the contrast in this Keras version, and its
value range is left at [0, 255]); the images "at inference" passed through the stack without
training=False (so they are augmented); a horizontal flip judged harmless for handwritten
digits; and the default RandomFlip in the model, which also flips vehicles upside down: the
model of Part 4 is wrong, and Part 5, which trains it, fails its structure check."""

ANSWERS = {
    "augmentation": (
        "augmentation = keras.Sequential([\n"
        "    layers.RandomFlip(),\n"
        "    layers.RandomRotation(0.02),\n"
        "    layers.RandomTranslation(height_factor=0.1, width_factor=0.2),\n"
        "    layers.RandomZoom(0.15),\n"
        "    layers.RandomContrast(0.3),\n"
        "], name='augmentation')"
    ),
    "identity": (
        "at_inference = augmentation(sample)\n"
        "in_training = augmentation(sample, training=True)\n"
        "inference_change = float(np.max(np.abs(np.asarray(at_inference) - sample)))\n"
        "training_change = float(np.max(np.abs(np.asarray(in_training) - sample)))"
    ),
    "keeps_label": (
        "keeps_label = {\n"
        "    'car vs truck': ['horizontal flip', 'rotation by up to 10 degrees',\n"
        "                     'shift by up to 10 %', 'zoom by up to 10 %',\n"
        "                     'contrast change by up to 20 %'],\n"
        "    'handwritten digits': ['horizontal flip', 'rotation by up to 10 degrees',\n"
        "                           'shift by up to 10 %', 'zoom by up to 10 %',\n"
        "                           'contrast change by up to 20 %'],\n"
        "    'aerial photographs': list(TRANSFORMATIONS),\n"
        "}"
    ),
    "build_model": (
        "model = keras.Sequential([\n"
        "    keras.Input(shape=(32, 32, 3)),\n"
        "    layers.RandomFlip(),\n"
        "    layers.Conv2D(16, 3, padding='same', activation='relu'),\n"
        "    layers.MaxPooling2D(2),\n"
        "    layers.Conv2D(32, 3, padding='same', activation='relu'),\n"
        "    layers.MaxPooling2D(2),\n"
        "    layers.Conv2D(64, 3, padding='same', activation='relu'),\n"
        "    layers.MaxPooling2D(2),\n"
        "    layers.Flatten(),\n"
        "    layers.Dense(1, activation='sigmoid'),\n"
        "], name='flipping_convnet')"
    ),
}

EXPECTED = {
    "test_augmentation": 0,
    "test_identity": 0,
    "test_keeps_label": 0,
    "test_model": 0,
    "test_training": 0,
}
