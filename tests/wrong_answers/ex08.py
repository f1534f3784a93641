"""Plausible mistakes, one per part, each failing its visible check and its hidden tests: the
parameter count without the biases, a true convolution (the kernel flipped), a multi-channel
filter that pads the image ("same"), convolutions left without their activation (Conv2D
has none by default), the edge kernel transposed (the notes' "transpose the filter"), and
the hidden filter learned without a bias (copied from Part 5's use_bias=False)."""

ANSWERS = {
    "conv_counts": (
        "def conv_kernel_shape(kernel_size, channels_in, filters):\n"
        "    return (kernel_size, kernel_size, channels_in, filters)\n"
        "\n"
        "\n"
        "def conv_param_count(kernel_size, channels_in, filters):\n"
        "    return kernel_size * kernel_size * channels_in * filters"
    ),
    "correlate": (
        "def correlate2d(image, kernel):\n"
        "    image, kernel = np.asarray(image, float), np.asarray(kernel, float)[::-1, ::-1]\n"
        "    k = kernel.shape[0]\n"
        "    rows, cols = image.shape[0] - k + 1, image.shape[1] - k + 1\n"
        "    out = np.zeros((rows, cols))\n"
        "    for u in range(k):\n"
        "        for v in range(k):\n"
        "            out += kernel[u, v] * image[u:u + rows, v:v + cols]\n"
        "    return out"
    ),
    "one_filter": (
        "def conv2d_one_filter(image, kernel, bias):\n"
        "    image, kernel = np.asarray(image, float), np.asarray(kernel, float)\n"
        "    k = kernel.shape[0]\n"
        "    top = (k - 1) // 2\n"
        "    padded = np.pad(image, ((top, k - 1 - top), (top, k - 1 - top), (0, 0)))\n"
        "    rows, cols = image.shape[:2]\n"
        "    out = np.full((rows, cols), float(bias))\n"
        "    for u in range(k):\n"
        "        for v in range(k):\n"
        "            out += padded[u:u + rows, v:v + cols] @ kernel[u, v]\n"
        "    return out"
    ),
    "build_model": (
        "model = keras.Sequential([\n"
        "    keras.Input(shape=(64, 64, 3)),\n"
        "    keras.layers.Conv2D(filters=16, kernel_size=3),\n"
        "    keras.layers.Conv2D(filters=32, kernel_size=5),\n"
        "])"
    ),
    "edge_kernel": (
        "edge_layer = keras.layers.Conv2D(filters=1, kernel_size=3, use_bias=False)\n"
        "edge_layer.build((None, 512, 512, 1))\n"
        "edge_layer.set_weights([sobel_x.T[:, :, None, None]])\n"
        "edges = np.asarray(edge_layer(photo[None, :, :, None]))"
    ),
    "learn_filter": (
        "filter_model = keras.Sequential([\n"
        "    keras.Input(shape=(32, 32, 1)),\n"
        "    keras.layers.Conv2D(filters=1, kernel_size=3, use_bias=False),\n"
        "])\n"
        "filter_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss='mse')\n"
        "history = filter_model.fit(X_train, Y_train, validation_data=(X_valid, Y_valid),\n"
        "                           epochs=20, batch_size=16, verbose=0)"
    ),
}

EXPECTED = {
    "test_conv_counts": 0,
    "test_correlate": 0,
    "test_one_filter": 0,
    "test_model": 0,
    "test_edge_kernel": 0,
    "test_learn_filter": 0,
}
