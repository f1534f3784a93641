"""Other correct spellings of exercise 3's answers; each set must get full marks and pass
every visible check."""

ALTERNATIVES = [
    {
        # The optimizer's settings by position, the loss and the metric as objects; the
        # gradient as a list with a NumPy float; np.multiply and np.subtract; np.ceil, whose
        # 3.0 is a whole number.
        "compile_model": (
            "model = make_model()\n"
            "model.compile(optimizer=keras.optimizers.SGD(0.001, 0.9),\n"
            "              loss=keras.losses.MeanSquaredError(),\n"
            "              metrics=[keras.metrics.MeanAbsoluteError()])"
        ),
        "mse_gradient": (
            "def mse_gradient(X, y, w, b):\n"
            "    error = np.dot(X, w) + b - y\n"
            "    return [2 * np.dot(error, X) / len(y), 2 * np.mean(error)]"
        ),
        "momentum_step": (
            "def sgd_momentum_step(theta, grad, velocity, learning_rate, beta):\n"
            "    velocity = np.add(np.multiply(beta, velocity), np.multiply(learning_rate, grad))\n"
            "    return np.subtract(theta, velocity), velocity"
        ),
        "steps_per_epoch": (
            "def steps_per_epoch(n_rows, batch_size):\n"
            "    return np.ceil(n_rows / batch_size)"
        ),
        "train_model": (
            "history = model.fit(train.X, train.y, validation_data=(valid.X, valid.y),\n"
            "                    epochs=100, batch_size=32, verbose=0)"
        ),
    },
    {
        # The loss and the metric as functions, nesterov=False written out; the gradient
        # with a 0-d array for the bias; a list for the pair; integer arithmetic; smaller
        # batches and half the epochs (as many steps).
        "compile_model": (
            "model = make_model()\n"
            "model.compile(\n"
            "    optimizer=keras.optimizers.SGD(learning_rate=1e-3, momentum=0.9,\n"
            "                                   nesterov=False),\n"
            "    loss=keras.losses.mean_squared_error,\n"
            "    metrics=[keras.metrics.mean_absolute_error],\n"
            ")"
        ),
        "mse_gradient": (
            "def mse_gradient(X, y, w, b):\n"
            "    X = np.asarray(X, dtype=float)\n"
            "    error = X @ w + b - y\n"
            "    return 2 * np.mean(error[:, None] * X, axis=0), np.array(2 * error.mean())"
        ),
        "momentum_step": (
            "def sgd_momentum_step(theta, grad, velocity, learning_rate, beta):\n"
            "    v = [beta * vi + learning_rate * gi for vi, gi in zip(velocity, grad)]\n"
            "    return [t - vi for t, vi in zip(theta, v)], v"
        ),
        "steps_per_epoch": (
            "def steps_per_epoch(n_rows, batch_size):\n"
            "    return (n_rows + batch_size - 1) // batch_size"
        ),
        "train_model": (
            "history = model.fit(train.X, train.y, validation_data=(valid.X, valid.y),\n"
            "                    epochs=50, batch_size=16, verbose=0)"
        ),
    },
]
