"""Other correct spellings of exercise 8's answers; each set must get full marks and pass
every visible check."""

ALTERNATIVES = [
    {
        # The shape as a list and the count as a NumPy integer; a loop over every output
        # pixel; windows and a tensor product; a functional model with ReLU layers and
        # kernel sizes as pairs; a zero bias instead of none, the layer built by calling it and
        # the output left as a tensor; a functional model for any image size, trained longer
        # with larger batches and the loss spelled out.
        "conv_counts": (
            "def conv_kernel_shape(kernel_size, channels_in, filters):\n"
            "    return [kernel_size, kernel_size, channels_in, filters]\n"
            "\n"
            "\n"
            "def conv_param_count(kernel_size, channels_in, filters):\n"
            "    weights = np.int64(kernel_size) ** 2 * channels_in\n"
            "    return (weights + 1) * filters"
        ),
        "correlate": (
            "def correlate2d(image, kernel):\n"
            "    k = len(kernel)\n"
            "    rows, cols = len(image) - k + 1, len(image[0]) - k + 1\n"
            "    out = np.empty((rows, cols), dtype=np.float32)\n"
            "    for i in range(rows):\n"
            "        for j in range(cols):\n"
            "            out[i, j] = np.sum(image[i:i + k, j:j + k] * kernel)\n"
            "    return out"
        ),
        "one_filter": (
            "def conv2d_one_filter(image, kernel, bias):\n"
            "    k = kernel.shape[0]\n"
            "    windows = np.lib.stride_tricks.sliding_window_view(image, (k, k), axis=(0, 1))\n"
            "    # windows: (rows, cols, channels, k, k); the kernel is (k, k, channels)\n"
            "    return np.tensordot(windows, kernel.transpose(2, 0, 1), axes=3) + bias"
        ),
        "build_model": (
            "inputs = keras.Input(shape=(64, 64, 3))\n"
            "x = keras.layers.Conv2D(16, (3, 3))(inputs)\n"
            "x = keras.layers.ReLU()(x)\n"
            "x = keras.layers.Conv2D(32, (5, 5))(x)\n"
            "outputs = keras.layers.ReLU()(x)\n"
            "model = keras.Model(inputs, outputs)"
        ),
        "edge_kernel": (
            "edge_layer = keras.layers.Conv2D(1, (3, 3))\n"
            "edge_layer(photo[None, :, :, None])  # builds the layer\n"
            "edge_layer.set_weights([sobel_x.reshape(3, 3, 1, 1), np.zeros(1)])\n"
            "edges = edge_layer(photo[None, :, :, None])"
        ),
        "learn_filter": (
            "inputs = keras.Input(shape=(None, None, 1))\n"
            "filter_model = keras.Model(inputs, keras.layers.Conv2D(1, (3, 3))(inputs))\n"
            "filter_model.compile(optimizer=keras.optimizers.Adam(0.02),"
            " loss='mean_squared_error')\n"
            "history = filter_model.fit(X_train, Y_train, epochs=30, batch_size=32, verbose=0)"
        ),
    },
    {
        # NumPy integers in a tuple; windows and einsum; channels summed with einsum and a
        # float32 result; Activation layers, a kernel size as a list and the defaults spelled
        # out; the kernel set by an initializer and the output read with predict; SGD with
        # momentum and the loss as an object.
        "conv_counts": (
            "def conv_kernel_shape(kernel_size, channels_in, filters):\n"
            "    return tuple(np.array([kernel_size, kernel_size, channels_in, filters]))\n"
            "\n"
            "\n"
            "def conv_param_count(kernel_size, channels_in, filters):\n"
            "    shape = conv_kernel_shape(kernel_size, channels_in, filters)\n"
            "    return int(np.prod(shape)) + filters"
        ),
        "correlate": (
            "def correlate2d(image, kernel):\n"
            "    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)\n"
            "    return np.einsum('ijuv,uv->ij', windows, kernel)"
        ),
        "one_filter": (
            "def conv2d_one_filter(image, kernel, bias):\n"
            "    k = kernel.shape[0]\n"
            "    windows = np.lib.stride_tricks.sliding_window_view(image, (k, k), axis=(0, 1))\n"
            "    out = np.einsum('ijcuv,uvc->ij', windows, kernel) + bias\n"
            "    return out.astype(np.float32)"
        ),
        "build_model": (
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(64, 64, 3)),\n"
            "    keras.layers.Conv2D(16, kernel_size=[3, 3], strides=1, padding='valid'),\n"
            "    keras.layers.Activation('relu'),\n"
            "    keras.layers.Conv2D(32, kernel_size=5, strides=(1, 1)),\n"
            "    keras.layers.Activation(keras.activations.relu),\n"
            "])"
        ),
        "edge_kernel": (
            "edge_layer = keras.layers.Conv2D(\n"
            "    1, 3, use_bias=False,\n"
            "    kernel_initializer=keras.initializers.Constant(sobel_x[:, :, None, None]))\n"
            "edge_model = keras.Sequential([keras.Input(shape=(512, 512, 1)), edge_layer])\n"
            "edges = edge_model.predict(photo[None, :, :, None], verbose=0)"
        ),
        "learn_filter": (
            "filter_model = keras.Sequential([\n"
            "    keras.Input(shape=(32, 32, 1)),\n"
            "    keras.layers.Conv2D(1, 3, activation='linear', use_bias=True),\n"
            "])\n"
            "sgd = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)\n"
            "filter_model.compile(optimizer=sgd, loss=keras.losses.MeanSquaredError())\n"
            "history = filter_model.fit(X_train, Y_train, epochs=20, batch_size=16, verbose=0)"
        ),
    },
    {
        # A model grown with add(), the activation given as a function and as a ReLU layer
        # after a linear convolution; the layer trained in two calls of fit (history keeps the
        # second).
        "build_model": (
            "model = keras.Sequential()\n"
            "model.add(keras.Input(shape=(64, 64, 3)))\n"
            "model.add(keras.layers.Conv2D(16, 3, activation=keras.activations.relu))\n"
            "model.add(keras.layers.Conv2D(32, 5, activation=None))\n"
            "model.add(keras.layers.ReLU())"
        ),
        "learn_filter": (
            "filter_model = keras.Sequential()\n"
            "filter_model.add(keras.Input(shape=(32, 32, 1)))\n"
            "filter_model.add(keras.layers.Conv2D(1, 3))\n"
            "filter_model.compile(optimizer='adam', loss='mse')\n"
            "filter_model.optimizer.learning_rate = 0.02\n"
            "filter_model.fit(X_train, Y_train, epochs=10, batch_size=16, verbose=0)\n"
            "history = filter_model.fit(X_train, Y_train, epochs=15, batch_size=16,\n"
            "                           validation_data=(X_valid, Y_valid), verbose=0)"
        ),
    },
]
