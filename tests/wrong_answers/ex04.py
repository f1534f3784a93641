"""A callback with the wrong min_delta, standardization with statistics of all the rows (the
leak of the chapter), K-fold splits whose training rows include the validation rows, a best
epoch counted from 0, an epoch budget of 50 (not the generous budget asked for), and in
Part 7 the overfitting and underfitting runs swapped; the network itself trains well enough
for Part 6.

``OTHER_WRONG`` lists more mistakes of Part 7, each checked the same way (visible check and
hidden test both fail) when the part was written: the right diagnosis with the last epoch as
``stop_epoch``, or the best epoch counted from 0; the overfitting run kept (its weights are
those of the last epoch, worse than the good fit's); two good fits; a word that is not one of
the three."""


def _curves(diagnosis, keep="'C'", stop_epoch="best_epoch(histories['A'])"):
    """A Part 7 answer."""
    return {"read_curves": f"diagnosis = {diagnosis}\nkeep = {keep}\nstop_epoch = {stop_epoch}"}


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
    **_curves("{'A': 'underfitting', 'B': 'overfitting', 'C': 'good fit'}"),
}

EXPECTED = {
    "test_early_stopping": 0,
    "test_standardize": 0,
    "test_kfold": 0,
    "test_best_epoch": 0,
    "test_stopped": 0,
    "test_mae": 2,
    "test_read_curves": 0,
}

_RIGHT = "{'A': 'overfitting', 'B': 'underfitting', 'C': 'good fit'}"
# Swapped into the reference: every other part keeps its full marks.
_CURVES_WRONG = {"test_early_stopping": 1, "test_standardize": 2, "test_kfold": 2,
                 "test_best_epoch": 1, "test_stopped": 1, "test_mae": 2,
                 "test_read_curves": 0}
OTHER_WRONG = [
    (_curves(_RIGHT, stop_epoch="len(histories['A']['val_loss'])"), _CURVES_WRONG),
    (_curves(_RIGHT, stop_epoch="int(np.argmin(histories['A']['val_loss']))"), _CURVES_WRONG),
    (_curves(_RIGHT, keep="'A'"), _CURVES_WRONG),
    (_curves("{'A': 'overfitting', 'B': 'good fit', 'C': 'good fit'}"), _CURVES_WRONG),
    (_curves("{'A': 'overfitting', 'B': 'underfitting', 'C': 'fine'}"), _CURVES_WRONG),
]
