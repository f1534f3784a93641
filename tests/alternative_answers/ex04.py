"""Other correct answers of exercise 4; each set must get full marks and pass every visible
check. The first trains with an L2 weight penalty: Keras' val_loss then includes the
penalty, and with min_delta=0.05 the epoch it restores is often not the epoch of the lowest
val_loss. In Part 7, other spellings of the three words, lower-case run names and padding,
and the epoch as a NumPy integer or a float."""

ALTERNATIVES = [
    {
        # The callback's settings by position; a list of arrays; shuffled folds as lists;
        # a NumPy integer for the epoch; hidden layers with an L2 penalty.
        "early_stopping": (
            "early_stopping = keras.callbacks.EarlyStopping('val_loss', 0.05, 10,\n"
            "                                               restore_best_weights=True)"
        ),
        "standardize": (
            "def standardize(train, *others):\n"
            "    mean, std = np.mean(train, axis=0), np.std(train, axis=0)\n"
            "    return [(np.asarray(a) - mean) / std for a in (train, *others)]"
        ),
        "kfold": (
            "def kfold_indices(n, k):\n"
            "    rows = np.random.default_rng(0).permutation(n)\n"
            "    folds = np.array_split(rows, k)\n"
            "    return [[np.setdiff1d(rows, fold), fold] for fold in folds]"
        ),
        "best_epoch": (
            "def best_epoch(history_dict, monitor='val_loss'):\n"
            "    return np.argmin(history_dict[monitor]) + 1"
        ),
        "train_model": (
            "penalty = keras.regularizers.L2(1e-3)\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(10,)),\n"
            "    keras.layers.Dense(64, activation='relu', kernel_regularizer=penalty),\n"
            "    keras.layers.Dense(64, activation='relu', kernel_regularizer=penalty),\n"
            "    keras.layers.Dense(1),\n"
            "])\n"
            "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss='mse')\n"
            "history = model.fit(X_train, y_train, validation_data=(X_valid, y_valid),\n"
            "                    epochs=300, batch_size=16, callbacks=[early_stopping],\n"
            "                    verbose=0)"
        ),
        # Other spellings, lower-case names with spaces; a NumPy integer epoch.
        "read_curves": (
            "diagnosis = {'a': 'Over-fitting', ' b': 'UNDERFIT ', 'c': 'just right'}\n"
            "keep = ' c'\n"
            "stop_epoch = np.argmin(histories['A']['val_loss']) + 1"
        ),
    },
    {
        # mode="min" written out; a tuple built with map; folds from the other folds;
        # list.index; a functional model with ReLU layers and the loss as an object.
        "early_stopping": (
            "early_stopping = keras.callbacks.EarlyStopping(\n"
            "    monitor='val_loss', mode='min', min_delta=5e-2, patience=10,\n"
            "    restore_best_weights=True, verbose=0)"
        ),
        "standardize": (
            "def standardize(train, *others):\n"
            "    mean, std = train.mean(0), train.std(0)\n"
            "    return tuple(map(lambda a: np.divide(np.subtract(a, mean), std),\n"
            "                     (train, *others)))"
        ),
        "kfold": (
            "def kfold_indices(n, k):\n"
            "    folds = np.array_split(np.arange(n), k)\n"
            "    return [(np.concatenate(folds[:i] + folds[i + 1:]), fold)\n"
            "            for i, fold in enumerate(folds)]"
        ),
        "best_epoch": (
            "def best_epoch(history_dict, monitor='val_loss'):\n"
            "    values = list(history_dict[monitor])\n"
            "    return values.index(min(values)) + 1"
        ),
        "train_model": (
            "inputs = keras.Input(shape=(10,))\n"
            "x = keras.layers.ReLU()(keras.layers.Dense(64)(inputs))\n"
            "x = keras.layers.ReLU()(keras.layers.Dense(64)(x))\n"
            "model = keras.Model(inputs, keras.layers.Dense(1)(x))\n"
            "model.compile(optimizer=keras.optimizers.Adam(0.01),\n"
            "              loss=keras.losses.MeanSquaredError(), metrics=['mae'])\n"
            "history = model.fit(X_train, y_train, validation_data=(X_valid, y_valid),\n"
            "                    epochs=200, batch_size=16, callbacks=[early_stopping],\n"
            "                    verbose=0)"
        ),
        # The diagnosis written out of the curves by code; the epoch as a float.
        "read_curves": (
            "last = {run: c['val_loss'][-1] for run, c in histories.items()}\n"
            "diagnosis = {'A': 'overfit', 'B': 'under fitting', 'C': 'good'}\n"
            "keep = min(last, key=last.get)\n"
            "stop_epoch = float(best_epoch(histories['A']))"
        ),
    },
]
