"""Three networks of hidden capacity, for reading learning curves (exercise 4, Part 7).

The exercise trains them in the same way and shows only their curves, under the names
``"A"``, ``"B"`` and ``"C"``: the student tells from the curves which one underfits, which
one overfits and which one fits well. Their sizes are here, out of the notebook, so that
the curves and not the layer sizes give the answer.
"""

import keras

# hidden ReLU units per layer of each network (no hidden layer: a linear model)
_HIDDEN = {"A": (256, 256), "B": (), "C": (16,)}
RUNS = tuple(_HIDDEN)


def network(run, inputs=10, start=0.0):
    """The network named ``run`` (``"A"``, ``"B"`` or ``"C"``), not compiled: ReLU hidden
    layers, then one linear output unit whose bias starts at ``start`` (the training
    targets' mean, so that no network spends its first epochs finding the average)."""
    if run not in _HIDDEN:
        raise ValueError(f"unknown run {run!r}; choose one of {RUNS}")
    hidden = [keras.layers.Dense(units, activation="relu") for units in _HIDDEN[run]]
    output = keras.layers.Dense(1, bias_initializer=keras.initializers.Constant(start))
    return keras.Sequential([keras.Input(shape=(inputs,)), *hidden, output])
