"""Alternative correct answers for exercise 9, each set swapped into the reference solution:
every set must get full marks and pass every visible check."""

ALTERNATIVES = [
    # Loops over the windows from -inf; shapes as lists of NumPy integers and counts read from
    # Keras; the mean as a sum; a functional model with the GlobalAvgPool2D alias and a
    # separate sigmoid Activation; "accuracy" as the metric and a loss object.
    {
        "max_pool": (
            "def max_pool(x, size):\n"
            "    x = np.asarray(x)\n"
            "    rows, cols = x.shape[0] // size, x.shape[1] // size\n"
            "    out = np.full((rows, cols) + x.shape[2:], -np.inf)\n"
            "    for i in range(rows):\n"
            "        for j in range(cols):\n"
            "            window = x[i * size:(i + 1) * size, j * size:(j + 1) * size]\n"
            "            out[i, j] = window.max(axis=(0, 1))\n"
            "    return out"
        ),
        "stack": (
            "stack = keras.Sequential([keras.Input(shape=(64, 64, 3))])\n"
            "pooled_shapes = []\n"
            "for filters in (16, 32, 64):\n"
            "    stack.add(keras.layers.Conv2D(filters, 3, activation='relu'))\n"
            "    stack.add(keras.layers.MaxPooling2D(2))\n"
            "    pooled_shapes.append([np.int64(d) for d in stack.outputs[0].shape[1:]])\n"
            "stack_params = np.int64(stack.count_params())"
        ),
        "global_average_pool": (
            "def global_average_pool(maps):\n"
            "    maps = np.asarray(maps, dtype=np.float32)\n"
            "    return maps.sum(axis=(1, 2)) / (maps.shape[1] * maps.shape[2])"
        ),
        "build_model": (
            "base = dlcourse.pretrained.load_base()\n"
            "inputs = keras.Input(shape=(64, 64, 3))\n"
            "x = base(inputs)\n"
            "x = keras.layers.GlobalAvgPool2D()(x)\n"
            "x = keras.layers.Dense(1)(x)\n"
            "outputs = keras.layers.Activation('sigmoid')(x)\n"
            "model = keras.Model(inputs, outputs)"
        ),
        "head_params": (
            "gap_head_params = np.int64(sum(np.prod(w.shape) for w in model.trainable_weights))\n"
            "flatten_head = keras.Sequential([keras.Input(shape=(8, 8, 64)),\n"
            "                                 keras.layers.Flatten(),\n"
            "                                 keras.layers.Dense(1, activation='sigmoid')])\n"
            "flatten_head_params = flatten_head.count_params()"
        ),
        "train_model": (
            "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),\n"
            "              loss=keras.losses.BinaryCrossentropy(), metrics=['accuracy'])\n"
            "history = model.fit(train_images, train_labels, epochs=10, batch_size=32,\n"
            "                    verbose=0)"
        ),
    },
    # Sliding windows taken every `size` pixels; shapes worked out in a loop; the mean over
    # negative axes; the base loaded trainable and then frozen, after a keras.Input; the
    # metric as an object, labels as floats.
    {
        "max_pool": (
            "from numpy.lib.stride_tricks import sliding_window_view\n"
            "\n"
            "def max_pool(x, size):\n"
            "    x = np.asarray(x, dtype=np.float32)\n"
            "    windows = sliding_window_view(x, (size, size), axis=(0, 1))[::size, ::size]\n"
            "    return windows.max(axis=(-2, -1))"
        ),
        "stack": (
            "side, pooled_shapes = 64, []\n"
            "for filters in (16, 32, 64):\n"
            "    side = (side - 2) // 2\n"
            "    pooled_shapes.append((side, side, filters))\n"
            "stack_params = sum(3 * 3 * c_in * c_out + c_out\n"
            "                   for c_in, c_out in [(3, 16), (16, 32), (32, 64)])"
        ),
        "global_average_pool": (
            "def global_average_pool(maps):\n"
            "    return np.mean(maps, axis=(-3, -2))"
        ),
        "build_model": (
            "base = dlcourse.pretrained.load_base(trainable=True)\n"
            "base.trainable = False\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(64, 64, 3)),\n"
            "    base,\n"
            "    keras.layers.GlobalAveragePooling2D(),\n"
            "    keras.layers.Dense(1, activation='sigmoid'),\n"
            "])"
        ),
        "head_params": (
            "gap_head_params = model.count_params() - base.count_params()\n"
            "flatten_head_params = np.prod((8, 8, 64)) + 1"
        ),
        "train_model": (
            "model.compile(optimizer=keras.optimizers.Adam(0.01), loss='binary_crossentropy',\n"
            "              metrics=[keras.metrics.BinaryAccuracy()])\n"
            "history = model.fit(train_images, train_labels.astype('float32'),\n"
            "                    validation_split=0.1, epochs=10, batch_size=32, verbose=0)"
        ),
    },
    # One window at a time with 2-D arrays given a channel axis; the base's own layers put one
    # by one into the model (each stays frozen); the counts as plain expressions.
    {
        "max_pool": (
            "def max_pool(x, size):\n"
            "    x = np.asarray(x)\n"
            "    flat = x.ndim == 2\n"
            "    if flat:\n"
            "        x = x[:, :, None]\n"
            "    h, w, c = x.shape\n"
            "    out = np.array([[x[i:i + size, j:j + size].reshape(-1, c).max(axis=0)\n"
            "                     for j in range(0, w - size + 1, size)]\n"
            "                    for i in range(0, h - size + 1, size)])\n"
            "    return out[:, :, 0] if flat else out"
        ),
        "build_model": (
            "base = dlcourse.pretrained.load_base()\n"
            "model = keras.Sequential([keras.Input(shape=(64, 64, 3))] + base.layers + [\n"
            "    keras.layers.GlobalAveragePooling2D(),\n"
            "    keras.layers.Dense(1, activation='sigmoid'),\n"
            "])"
        ),
        "head_params": (
            "gap_head_params = 64 * 1 + 1\n"
            "flatten_head_params = 8 * 8 * 64 * 1 + 1"
        ),
    },
]
