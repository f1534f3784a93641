"""Other correct spellings of exercise 14's answers; each set must get full marks and pass
every visible check."""

# The lines that follow grad_cam and ascent_step in the reference cells: every answer keeps them.
CAMS = (
    "\n\nconfident = dlcourse.inside.confident_copy(model, 8.0)\n"
    "cams = {f'{net_name} {layer_name}': grad_cam(net, valid_images[:12], layer_name)\n"
    "        for net_name, net in [('model', model), ('confident', confident)]\n"
    "        for layer_name in ('block4_conv', 'block3_conv', 'block2_conv')}"
)
STEPS = (
    "\n\nsteps = []\n"
    "for index, layer_name, eta in [(0, 'block2_conv', 0.5), (1, 'block4_conv', 1.0),\n"
    "                               (2, 'block3_conv', 0.25)]:\n"
    "    maps = keras.Model(model.input, model.get_layer(layer_name).output)(\n"
    "        valid_images[index:index + 1])\n"
    "    k = int(np.argmax(np.asarray(maps).mean(axis=(0, 1, 2))))\n"
    "    steps.append(ascent_step(model, valid_images[index], layer_name, k, eta))"
)

ALTERNATIVES = [
    {
        # The model's inputs as a list and the convolutions found by their type; the
        # fractions from predict() as a NumPy array of 1 - nonzero / size; Grad-CAM with
        # tf.sign for the predicted class, a sum over the cells divided by their number,
        # a watched input, and each heatmap divided by its maximum, returned as a tensor;
        # the peaks found in a Python loop with divmod, as a list of tuples; the ascent step
        # with tf.math.l2_normalize, returned as a tensor.
        "activation_model": (
            "activation_model = keras.Model(\n"
            "    inputs=model.inputs,\n"
            "    outputs=[layer.output for layer in model.layers\n"
            "             if isinstance(layer, keras.layers.Conv2D)])"
        ),
        "zero_fractions": (
            "maps = activation_model.predict(valid_images[:100], verbose=0)\n"
            "zero_fractions = np.array([1 - np.count_nonzero(m) / m.size for m in maps])"
        ),
        "grad_cam": (
            "def grad_cam(model, images, layer_name):\n"
            "    layer = model.get_layer(layer_name)\n"
            "    logit = model.get_layer('logit')\n"
            "    two = keras.Model(model.inputs, [layer.output, logit.output])\n"
            "    x = tf.constant(np.asarray(images, dtype='float32'))\n"
            "    with tf.GradientTape() as tape:\n"
            "        tape.watch(x)\n"
            "        maps, z = two(x)\n"
            "        score = tf.reduce_sum(tf.sign(z) * z)\n"
            "    g = tape.gradient(score, maps)\n"
            "    h, w = maps.shape[1], maps.shape[2]\n"
            "    alphas = tf.reduce_sum(g, axis=[1, 2]) / (h * w)\n"
            "    cam = tf.nn.relu(tf.einsum('nhwc,nc->nhw', maps, alphas))\n"
            "    peak = tf.reduce_max(cam, axis=[1, 2], keepdims=True)\n"
            "    return cam / (peak + 1e-12)"
        ) + CAMS,
        "peak_pixels": (
            "def peak_pixels(heatmaps, image_size):\n"
            "    points = []\n"
            "    for heatmap in np.asarray(heatmaps):\n"
            "        h, w = heatmap.shape\n"
            "        row, col = divmod(int(np.argmax(heatmap)), w)\n"
            "        points.append((image_size * (2 * col + 1) / (2 * w),\n"
            "                       image_size * (2 * row + 1) / (2 * h)))\n"
            "    return points"
        ),
        "ascent_step": (
            "def ascent_step(model, image, layer_name, filter_index, step_size):\n"
            "    part = keras.Model(model.inputs, model.get_layer(layer_name).output)\n"
            "    x = tf.Variable(np.expand_dims(image, 0).astype('float32'))\n"
            "    with tf.GradientTape() as tape:\n"
            "        maps = part(x)\n"
            "        a = tf.reduce_mean(maps[:, :, :, filter_index])\n"
            "    g = tape.gradient(a, x)\n"
            "    return (x + step_size * tf.math.l2_normalize(g))[0]"
        ) + STEPS,
    },
    {
        # Layers by their names built in the loop and a named model; the fractions as a
        # tuple of NumPy float32 counted per layer; Grad-CAM with the per-image gradient
        # taken in a loop (one image at a time) and returned as float64 without scaling;
        # the peaks as a float32 array from np.argmax over the last two axes; the step
        # with the norm written out and a NumPy result.
        "activation_model": (
            "names = [f'block{k}_conv' for k in range(1, 5)]\n"
            "activation_model = keras.Model(model.inputs[0],\n"
            "                               [model.get_layer(n).output for n in names],\n"
            "                               name='feature_maps')"
        ),
        "zero_fractions": (
            "zero_fractions = tuple(\n"
            "    np.float32((np.asarray(m) == 0).sum() / np.asarray(m).size)\n"
            "    for m in activation_model(valid_images[:100], training=False))"
        ),
        "grad_cam": (
            "def grad_cam(model, images, layer_name):\n"
            "    both = keras.Model(model.input, [model.get_layer(layer_name).output,\n"
            "                                     model.get_layer('logit').output])\n"
            "    heatmaps = []\n"
            "    for image in np.asarray(images, dtype='float32'):\n"
            "        with tf.GradientTape() as tape:\n"
            "            maps, z = both(image[None])\n"
            "            score = z[0, 0] if float(z[0, 0]) > 0 else -z[0, 0]\n"
            "        grads = tape.gradient(score, maps)[0].numpy()\n"
            "        weights = grads.mean(axis=(0, 1))\n"
            "        cam = (maps[0].numpy() * weights).sum(axis=-1)\n"
            "        heatmaps.append(np.maximum(cam, 0).astype(np.float64))\n"
            "    return np.stack(heatmaps)"
        ) + CAMS,
        "peak_pixels": (
            "def peak_pixels(heatmaps, image_size):\n"
            "    heatmaps = np.asarray(heatmaps)\n"
            "    n, h, w = heatmaps.shape\n"
            "    flat = heatmaps.reshape(n, h * w).argmax(axis=-1)\n"
            "    cell_w, cell_h = image_size / w, image_size / h\n"
            "    xs = (flat % w) * cell_w + cell_w / 2\n"
            "    ys = (flat // w) * cell_h + cell_h / 2\n"
            "    return np.column_stack([xs, ys]).astype(np.float32)"
        ),
        "ascent_step": (
            "def ascent_step(model, image, layer_name, filter_index, step_size):\n"
            "    part = keras.Model(model.input, model.get_layer(layer_name).output)\n"
            "    x = tf.convert_to_tensor(image[np.newaxis].astype(np.float32))\n"
            "    with tf.GradientTape() as tape:\n"
            "        tape.watch(x)\n"
            "        a = tf.reduce_mean(part(x, training=False)[0, :, :, filter_index])\n"
            "    g = tape.gradient(a, x).numpy()[0]\n"
            "    return image + step_size * g / np.sqrt(np.sum(g ** 2))"
        ) + STEPS,
    },
]
