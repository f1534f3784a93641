"""Keras' sign convention for the momentum step (theta + v), and steps per epoch by floor
division (the last, smaller batch forgotten); the compile settings, the gradient and the
training are right."""

ANSWERS = {
    "momentum_step": (
        "def sgd_momentum_step(theta, grad, velocity, learning_rate, beta):\n"
        "    new_velocity = beta * np.asarray(velocity) + learning_rate * np.asarray(grad)\n"
        "    return np.asarray(theta) + new_velocity, new_velocity"
    ),
    "steps_per_epoch": (
        "def steps_per_epoch(n_rows, batch_size):\n"
        "    return n_rows // batch_size"
    ),
}

EXPECTED = {
    "test_compile": 2,
    "test_mse_gradient": 2,
    "test_momentum_step": 0,
    "test_steps_per_epoch": 0,
    "test_training": 2,
}
