"""Plausible mistakes, one per part: max pooling with a stride of 1 (overlapping windows),
the pooled shapes rounded up instead of down and the biases forgotten, global average
pooling over the wrong axes, a Flatten head instead of global average pooling, and training
with the base unfrozen. The head's parameter counts are right (they earn their point).

``OTHER_WRONG`` lists more mistakes, each checked the same way (visible check and hidden
test both fail) when the exercise was written: average instead of max, a maximum that
starts from 0, a random base, GlobalMaxPooling2D, counts without the biases, and too little
training."""

ANSWERS = {
    "max_pool": (
        "def max_pool(x, size):\n"
        "    x = np.asarray(x, dtype=float)\n"
        "    rows, cols = x.shape[0] - size + 1, x.shape[1] - size + 1\n"
        "    out = np.empty((rows, cols) + x.shape[2:])\n"
        "    for i in range(rows):\n"
        "        for j in range(cols):\n"
        "            out[i, j] = x[i:i + size, j:j + size].max(axis=(0, 1))\n"
        "    return out"
    ),
    "stack": (
        "pooled_shapes = [(31, 31, 16), (15, 15, 32), (7, 7, 64)]\n"
        "stack_params = 3 * 3 * 3 * 16 + 3 * 3 * 16 * 32 + 3 * 3 * 32 * 64\n"
        "print(pooled_shapes, stack_params)"
    ),
    "global_average_pool": (
        "def global_average_pool(maps):\n"
        "    return np.asarray(maps).mean(axis=(2, 3))"
    ),
    "build_model": (
        "base = dlcourse.pretrained.load_base()\n"
        "model = keras.Sequential([\n"
        "    base,\n"
        "    keras.layers.Flatten(),\n"
        "    keras.layers.Dense(1, activation='sigmoid'),\n"
        "])\n"
        "model.summary()"
    ),
    "train_model": (
        "base = dlcourse.pretrained.load_base(trainable=True)\n"
        "model = keras.Sequential([base, keras.layers.GlobalAveragePooling2D(),\n"
        "                          keras.layers.Dense(1, activation='sigmoid')])\n"
        "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),\n"
        "              loss='binary_crossentropy', metrics=['binary_accuracy'])\n"
        "history = model.fit(train_images[:512], train_labels[:512], epochs=1, batch_size=32,\n"
        "                    verbose=0)\n"
        "fig = dlcourse.plots.plot_learning_curves(history)"
    ),
}

EXPECTED = {
    "test_max_pool": 0,
    "test_stack": 0,
    "test_global_average_pool": 0,
    "test_model": 0,
    "test_head_params": 1,
    "test_training": 0,
}

_FULL = {"test_max_pool": 2, "test_stack": 2, "test_global_average_pool": 1, "test_model": 2,
         "test_head_params": 1, "test_training": 2}

OTHER_WRONG = [
    (
        {
            "max_pool": (
                "def max_pool(x, size):\n"
                "    x = np.asarray(x, dtype=float)\n"
                "    h, w = x.shape[0] // size, x.shape[1] // size\n"
                "    windows = x[:h * size, :w * size].reshape(h, size, w, size, *x.shape[2:])\n"
                "    return windows.mean(axis=(1, 3))"
            ),
            "global_average_pool": (
                "def global_average_pool(maps):\n"
                "    return np.asarray(maps).max(axis=(1, 2))"
            ),
            "build_model": (
                "base = dlcourse.pretrained.load_base(weights=None)\n"
                "model = keras.Sequential([base, keras.layers.GlobalAveragePooling2D(),\n"
                "                          keras.layers.Dense(1, activation='sigmoid')])"
            ),
            "head_params": "gap_head_params = 64\nflatten_head_params = 8 * 8 * 64",
        },
        {**_FULL, "test_max_pool": 0, "test_global_average_pool": 0, "test_model": 0,
         "test_head_params": 0, "test_training": 0},
    ),
    (
        {
            "max_pool": (
                "def max_pool(x, size):\n"
                "    x = np.asarray(x, dtype=float)\n"
                "    rows, cols = x.shape[0] // size, x.shape[1] // size\n"
                "    out = np.zeros((rows, cols) + x.shape[2:])\n"
                "    for i in range(rows):\n"
                "        for j in range(cols):\n"
                "            window = x[i * size:(i + 1) * size, j * size:(j + 1) * size]\n"
                "            out[i, j] = np.maximum(out[i, j], window.max(axis=(0, 1)))\n"
                "    return out"
            ),
            "build_model": (
                "base = dlcourse.pretrained.load_base()\n"
                "model = keras.Sequential([base, keras.layers.GlobalMaxPooling2D(),\n"
                "                          keras.layers.Dense(1, activation='sigmoid')])"
            ),
            "head_params": "gap_head_params = 72145\nflatten_head_params = 76177",
            "train_model": (
                "model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e-4),\n"
                "              loss='binary_crossentropy', metrics=['binary_accuracy'])\n"
                "history = model.fit(train_images[:64], train_labels[:64], epochs=1, verbose=0)"
            ),
        },
        {**_FULL, "test_max_pool": 0, "test_model": 0, "test_head_params": 0,
         "test_training": 0},
    ),
]
