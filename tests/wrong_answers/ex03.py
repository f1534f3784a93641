"""The metric "accuracy" for a regression, a gradient without the factor 2, Keras' sign
convention for the momentum step (theta + v), steps per epoch by floor division (the last,
smaller batch forgotten), and a training of six full-batch steps: every part fails, its
visible check as well as its hidden test."""

ANSWERS = {
    "compile_model": (
        "model = make_model()\n"
        "model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.001, momentum=0.9),\n"
        "              loss='mse', metrics=['accuracy'])"
    ),
    "mse_gradient": (
        "def mse_gradient(X, y, w, b):\n"
        "    error = np.asarray(X) @ np.asarray(w) + b - np.asarray(y)\n"
        "    return np.asarray(X).T @ error / len(y), float(np.mean(error))"
    ),
    "momentum_step": (
        "def sgd_momentum_step(theta, grad, velocity, learning_rate, beta):\n"
        "    new_velocity = beta * np.asarray(velocity) + learning_rate * np.asarray(grad)\n"
        "    return np.asarray(theta) + new_velocity, new_velocity"
    ),
    "steps_per_epoch": (
        "def steps_per_epoch(n_rows, batch_size):\n"
        "    return n_rows // batch_size"
    ),
    "train_model": (
        "history = model.fit(train.X, train.y, validation_data=(valid.X, valid.y),\n"
        "                    epochs=3, batch_size=600, verbose=0)"
    ),
}

EXPECTED = {
    "test_compile": 0,
    "test_mse_gradient": 0,
    "test_momentum_step": 0,
    "test_steps_per_epoch": 0,
    "test_training": 0,
}
