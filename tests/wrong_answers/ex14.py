"""Five plausible mistakes: the activation model's outputs in reverse order, the fraction of
maps that are zero everywhere instead of the fraction of zero values, Grad-CAM computed from
the probability (blank heatmaps wherever the sigmoid rounds to 1.0, as on the confident copy
of the network), peak coordinates given as (row, column) instead of (x, y), and a gradient
ascent step that forgets to divide by the gradient's norm. Each fails its visible check and
its hidden test."""

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

ANSWERS = {
    "activation_model": (
        "activation_model = keras.Model(\n"
        "    model.input, [model.get_layer(name).output for name in reversed(conv_names)])"
    ),
    "zero_fractions": (
        "zero_fractions = [float(np.mean(np.asarray(m).max(axis=(1, 2)) == 0))\n"
        "                  for m in activation_model(valid_images[:100])]"
    ),
    "grad_cam": (
        "def grad_cam(model, images, layer_name):\n"
        "    grad_model = keras.Model(model.input, [model.get_layer(layer_name).output,\n"
        "                                           model.output])\n"
        "    x = tf.convert_to_tensor(images, dtype='float32')\n"
        "    with tf.GradientTape() as tape:\n"
        "        maps, p = grad_model(x, training=False)\n"
        "        scores = tf.where(p > 0.5, p, 1 - p)\n"
        "    alphas = tf.reduce_mean(tape.gradient(scores, maps), axis=(1, 2), keepdims=True)\n"
        "    return tf.nn.relu(tf.reduce_sum(alphas * maps, axis=-1)).numpy()"
    ) + CAMS,
    "peak_pixels": (
        "def peak_pixels(heatmaps, image_size):\n"
        "    heatmaps = np.asarray(heatmaps)\n"
        "    n, h, w = heatmaps.shape\n"
        "    rows, cols = np.unravel_index(heatmaps.reshape(n, -1).argmax(axis=1), (h, w))\n"
        "    return np.stack([(rows + 0.5) * image_size / h, (cols + 0.5) * image_size / w],\n"
        "                    axis=1)"
    ),
    "ascent_step": (
        "def ascent_step(model, image, layer_name, filter_index, step_size):\n"
        "    extractor = keras.Model(model.input, model.get_layer(layer_name).output)\n"
        "    x = tf.convert_to_tensor(np.asarray(image, dtype='float32')[None])\n"
        "    with tf.GradientTape() as tape:\n"
        "        tape.watch(x)\n"
        "        activation = tf.reduce_mean(extractor(x)[..., filter_index])\n"
        "    return (x[0] + step_size * tape.gradient(activation, x)[0]).numpy()"
    ) + STEPS,
}

EXPECTED = {
    "test_activation_model": 0,
    "test_zero_fractions": 0,
    "test_grad_cam": 0,
    "test_peak_pixels": 0,
    "test_ascent_step": 0,
}
