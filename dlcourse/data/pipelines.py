"""Rows of a table as a ``tf.data`` pipeline of minibatches, for ``model.fit``."""


def batches(X, y, batch_size=32, shuffle=True, seed=0):
    """The rows ``(X, y)`` as a ``tf.data`` pipeline of minibatches of ``batch_size`` rows,
    in a new random order at every epoch when ``shuffle`` (from ``seed``).

    Give it to ``fit`` with ``shuffle=False``: the pipeline shuffles, and Keras warns that
    its own ``shuffle`` does not apply to a pipeline. On the course's small tables, training
    from a pipeline built once is several times faster than ``fit(X, y, batch_size=...)``,
    whose array adapter does work at every epoch that costs more than the training itself.
    It also shuffles for real: after ``dlcourse.seed`` (``keras.utils.set_random_seed``),
    ``fit(X, y, shuffle=True)`` on arrays replays the same row order at every epoch (Keras
    3.15 with TensorFlow), while this pipeline draws a new order each epoch, reproducibly.
    """
    import tensorflow as tf

    data = tf.data.Dataset.from_tensor_slices((X, y))
    if shuffle:
        data = data.shuffle(len(X), seed=seed)
    return data.batch(batch_size)
