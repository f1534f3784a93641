"""A callback with the wrong min_delta, standardization with statistics of all the rows (the
leak of the chapter) and a best epoch counted from 0; the K-fold splits and the training are
right."""

ANSWERS = {
    "early_stopping": (
        "early_stopping = keras.callbacks.EarlyStopping(\n"
        "    monitor='val_loss', min_delta=0.001, patience=10, restore_best_weights=True)"
    ),
    "standardize": (
        "def standardize(train, *others):\n"
        "    everything = np.concatenate([train, *others])\n"
        "    mean, std = everything.mean(axis=0), everything.std(axis=0)\n"
        "    return tuple((a - mean) / std for a in (train, *others))"
    ),
    "best_epoch": (
        "def best_epoch(history_dict, monitor='val_loss'):\n"
        "    return int(np.argmin(history_dict[monitor]))"
    ),
}

EXPECTED = {
    "test_early_stopping": 0,
    "test_standardize": 0,
    "test_kfold": 2,
    "test_best_epoch": 0,
    "test_stopped": 1,
    "test_mae": 2,
}
