"""Dropout without the 1/(1 - rate) rescaling, batch normalization with the unbiased
(n - 1) variance, and every batch-normalization parameter counted as trainable; the network
and its training are right."""

ANSWERS = {
    "inverted_dropout": (
        "def inverted_dropout(x, rate, keep_mask):\n"
        "    return np.asarray(x) * np.asarray(keep_mask)"
    ),
    "batch_norm": (
        "def batch_norm(x, gamma, beta, epsilon=0.001):\n"
        "    x = np.asarray(x, dtype=np.float64)\n"
        "    return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0, ddof=1) + epsilon) + beta"
    ),
    "bn_params": (
        "def batch_norm_params(features):\n"
        "    return 4 * features, 0\n\n\n"
        "bn_output_shape = (32, 64)"
    ),
}

EXPECTED = {
    "test_inverted_dropout": 0,
    "test_batch_norm": 0,
    "test_bn_params": 0,
    "test_model": 2,
    "test_training": 2,
}
