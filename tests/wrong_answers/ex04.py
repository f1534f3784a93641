"""A callback with the wrong min_delta, standardization with statistics of all the rows (the
leak of the chapter), K-fold splits whose training rows include the validation rows, a best
epoch counted from 0, and an epoch budget of 50 (not the generous budget asked for); the
network itself trains well enough for the last part."""

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
    "kfold": (
        "def kfold_indices(n, k):\n"
        "    rows = np.arange(n)\n"
        "    return [(rows, fold) for fold in np.array_split(rows, k)]"
    ),
    "best_epoch": (
        "def best_epoch(history_dict, monitor='val_loss'):\n"
        "    return int(np.argmin(history_dict[monitor]))"
    ),
    "train_model": (
        "model = keras.Sequential([\n"
        "    keras.Input(shape=(10,)),\n"
        "    keras.layers.Dense(64, activation='relu'),\n"
        "    keras.layers.Dense(64, activation='relu'),\n"
        "    keras.layers.Dense(1),\n"
        "])\n"
        "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss='mse')\n"
        "history = model.fit(X_train, y_train, validation_data=(X_valid, y_valid), epochs=50,\n"
        "                    batch_size=16, callbacks=[early_stopping], verbose=0)"
    ),
}

EXPECTED = {
    "test_early_stopping": 0,
    "test_standardize": 0,
    "test_kfold": 0,
    "test_best_epoch": 0,
    "test_stopped": 0,
    "test_mae": 2,
}
