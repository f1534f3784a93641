"""A parameter count without the biases, a forward pass with ReLU on the output layer too, and
a collapse that forgets what the first bias becomes; the model and the training are right."""

ANSWERS = {
    "param_count": (
        "def mlp_param_count(n_inputs, units):\n"
        "    sizes = [n_inputs] + list(units)\n"
        "    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))"
    ),
    "forward": (
        "def mlp_forward(X, weights):\n"
        "    h = np.asarray(X)\n"
        "    for kernel, bias in weights:\n"
        "        h = np.maximum(h @ kernel + bias, 0)\n"
        "    return h"
    ),
    "collapse": "def collapse(W1, b1, W2, b2):\n    return W1 @ W2, b2",
}

EXPECTED = {
    "test_model": 2,
    "test_param_count": 0,
    "test_forward": 0,
    "test_collapse": 0,
    "test_training": 2,
}
