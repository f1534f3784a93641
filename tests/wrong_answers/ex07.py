"""The base loaded trainable and never frozen, a parameter count that forgets the biases, and
the multi-class loss "categorical_crossentropy" on a single sigmoid output (Keras then
computes a loss of 0 whatever the weights, so nothing is learned). The head and the feature
shape are right; the training, with a trainable base, changes the pretrained weights and
fails too."""

ANSWERS = {
    "load_base": "base = dlcourse.pretrained.load_base(trainable=True)",
    "head_parameters": (
        "def head_parameters(feature_shape, units):\n"
        "    return int(np.prod(feature_shape)) * units + units * 1"
    ),
    "compile_model": (
        "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.0003),"
        " loss='categorical_crossentropy', metrics=['binary_accuracy'])"
    ),
}

EXPECTED = {
    "test_base": 0,
    "test_head": 2,
    "test_feature_shape": 1,
    "test_head_parameters": 0,
    "test_compile": 0,
    "test_training": 0,
}
