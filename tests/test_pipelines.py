"""What `dlcourse.data.batches` says about Keras' own shuffling stays true of the pinned
Keras: `fit` on arrays replays one row order at every epoch once the seeds are set, a
pipeline from `batches` draws a new one each epoch."""

import numpy as np

import dlcourse
from dlcourse import data


def first_rows_seen_by_fit(*fit_args, **fit_kwargs):
    """The first row of the first batch of each of 5 epochs of a real `fit`."""
    import keras

    class Probe(keras.Model):
        def train_step(self, batch):  # no training: report the batch's first row
            x, _ = batch
            return {"first": x[0, 0]}

    seen = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, step, logs=None):
            if step == 0:
                seen.append(int(logs["first"]))

    dlcourse.seed(0)
    model = Probe()
    model.compile()
    model.fit(*fit_args, epochs=5, verbose=0, callbacks=[Record()], **fit_kwargs)
    return seen


def test_fit_on_arrays_replays_one_order_and_a_pipeline_reshuffles():
    X = np.arange(64, dtype="float32").reshape(64, 1)
    y = np.zeros(64, dtype="float32")
    on_arrays = first_rows_seen_by_fit(X, y, batch_size=8, shuffle=True)
    from_pipeline = first_rows_seen_by_fit(data.batches(X, y, batch_size=8), shuffle=False)
    assert len(set(on_arrays)) == 1, on_arrays  # if this fails, fix the docstring of batches
    assert len(set(from_pipeline)) > 1, from_pipeline
    assert from_pipeline == first_rows_seen_by_fit(data.batches(X, y, batch_size=8),
                                                   shuffle=False)  # reproducible
