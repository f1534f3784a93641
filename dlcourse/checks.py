"""Friendly self-checks for the exercises.

Each check prints one line starting with a tick when the answer looks right, and raises
``AssertionError`` with what was expected, what was found and a hint when it does not.
These are the *visible* checks: they help while working. The grade is decided by hidden
tests the instructor runs.

Values are turned into plain Python numbers and tuples before they are compared, so an
answer is judged by its value and not by whatever its type claims about itself.
"""

import numpy as np


class CheckFailed(AssertionError):
    """An answer that does not match yet; the message says why and how to fix it."""


def fail(what, expected, found, hint=None):
    message = f"{what}: expected {expected}, found {found}."
    if hint:
        message += f"\nHint: {hint}"
    raise CheckFailed(message)


def passed(what):
    print(f"\u2714 {what}")


def plain_number(value):
    """The value of a number as a plain ``int`` or ``float``, whatever its type claims.

    ``int(x)`` and ``float(x)`` ask the object itself, so a subclass of ``float`` could
    answer anything; reading the stored value through the base type cannot be fooled.
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("a boolean is not a number here")
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, np.generic) or getattr(value, "shape", None) == ():
        return plain_number(np.asarray(value).item())  # NumPy scalars, 0-d tensors
    raise TypeError(f"{type(value).__name__} is not a number")


def plain_array(value):
    """Numbers, nested lists, arrays or tensors as a float64 array of their true values."""
    if isinstance(value, (list, tuple)):
        return np.array([plain_array(v) for v in value], dtype=np.float64)
    if hasattr(value, "__array__") and getattr(value, "shape", None) != ():
        array = np.asarray(value)
        if array.dtype == object:
            return np.vectorize(plain_number, otypes=[np.float64])(array)
        return np.array(array, dtype=np.float64)
    return np.float64(plain_number(value))


def as_shape(shape):
    """A shape as a tuple of ints (``None`` for an unknown batch size)."""
    sizes = []
    for d in tuple(shape):
        size = None if d is None else plain_number(d)
        if size is not None and size != int(size):
            raise ValueError(f"a shape holds whole numbers, not {size}")
        sizes.append(None if size is None else int(size))
    return tuple(sizes)


def layer_summary(layer):
    """``(class name, units, activation name)`` read through public Keras APIs."""
    config = layer.get_config()
    activation = config.get("activation")
    if isinstance(activation, dict):  # a serialized activation object
        activation = activation.get("config", {}).get("name", activation.get("class_name"))
    return type(layer).__name__, config.get("units"), activation


def check_defined(namespace, *names):
    """Fail with a clear message when a name the exercise asks for does not exist yet."""
    for name in names:
        if name not in namespace:
            fail(f"`{name}`", "a value", "nothing (the name is not defined)",
                 f"run the cell that defines `{name}` first")


def _check_input_shape(model, input_shape, hint):
    """Fail unless the model's input shape (without the batch axis) is ``input_shape``."""
    try:
        got_input = as_shape(model.inputs[0].shape)[1:]
    except (AttributeError, IndexError, ValueError):
        got_input = "no input shape (the model has not been built)"
    if got_input != tuple(input_shape):
        fail("the input shape (without the batch axis)", tuple(input_shape), got_input, hint)


def check_dense_stack(model, expected, input_shape=None, hint=None):
    """Check a model made only of Dense layers.

    ``expected`` lists ``(units, activation)`` per layer, for example
    ``[(1, "linear")]`` for one linear unit. ``input_shape`` excludes the batch axis.
    A Sequential or a functional model passes, and so does a separate activation layer
    (``ReLU()``, ``Activation("relu")``) right after a ``Dense`` layer without one: it counts
    as that layer's activation (see :func:`dense_steps`). Then the computation is checked:
    on random inputs the model must output what the Dense layers compute by hand with its
    own weights.
    """
    import keras

    if not isinstance(model, keras.Model):
        fail("the model", "a keras.Model (e.g. keras.Sequential)", type(model).__name__, hint)
    found = [(name, settings.get("units"), settings.get("activation"))
             for name, settings in dense_steps(model)]
    want = [("Dense", int(units), str(act)) for units, act in expected]
    if len(found) != len(want):
        fail("the number of layers", len(want), f"{len(found)}: {found}", hint)
    for i, (got, exp) in enumerate(zip(found, want, strict=True)):
        if got[0] != exp[0]:
            fail(f"layer {i}", f"a {exp[0]} layer", f"a {got[0]} layer", hint)
        if got[1] != exp[1]:
            fail(f"the units of layer {i}", exp[1], got[1], hint)
        if got[2] != exp[2]:
            fail(f"the activation of layer {i}", repr(exp[2]), repr(got[2]), hint)
    if input_shape is not None:
        _check_input_shape(model, input_shape, hint)
    _check_output_by_hand(model, hint, "the Dense layers computed by hand")
    passed(f"the model has the expected {len(want)} layer(s)")


def _sizes_array(value):
    """Whether ``value`` is a 1-D NumPy array of whole numbers: a shape written as its sizes
    (``np.array([3, 1])``), not an array whose own shape is meant."""
    return isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iu"


def check_shape(what, found, expected, hint=None):
    """Check a shape given as a tuple, a list, a ``TensorShape`` or a 1-D NumPy array of
    sizes (all the same shape), or anything else with ``.shape`` (whose shape is read)."""
    if hasattr(found, "shape") and not _sizes_array(found):
        found = found.shape
    try:
        found = as_shape(found)
    except (TypeError, ValueError):
        fail(what, f"a shape like {tuple(expected)}", repr(found), hint)
    if found != tuple(expected):
        fail(what, tuple(expected), found, hint)
    passed(f"{what} is {found}")


def check_sizes(what, found, expected, hint=None):
    """Check a shape a student writes down: a tuple or a list of sizes (or a 1-D NumPy
    array of them), each a whole number of any numeric type. Unlike :func:`check_shape`, an
    object's own ``.shape`` and other shape types (``TensorShape``) are refused: the
    answer is the numbers themselves (``tuple(x.shape)`` turns a shape into them)."""
    if isinstance(found, np.ndarray) and found.ndim == 1:
        found = found.tolist()
    if not isinstance(found, (tuple, list)):
        fail(what, f"a tuple of sizes like {tuple(expected)}",
             f"a {type(found).__name__}: {found!r}"[:120],
             (hint + "; " if hint else "") + "write the sizes as a tuple, e.g. (3, 4)")
    check_shape(what, found, expected, hint)


def check_equal(what, found, expected, hint=None):
    """Check an integer answer (a count, an index ...)."""
    try:
        value = plain_number(found)
    except TypeError:
        fail(what, expected, repr(found), hint)
    if value != int(value) or int(value) != int(expected):
        fail(what, expected, value, hint)
    passed(f"{what} is {int(value)}")


def check_close(what, found, expected, atol=1e-5, rtol=1e-4, hint=None):
    """Check numbers or arrays element by element, after converting them to float64."""
    try:
        found = plain_array(found)
    except (TypeError, ValueError):
        fail(what, "numbers", repr(found), hint)
    expected = np.array(expected, dtype=np.float64)
    if found.shape != expected.shape:
        fail(f"the shape of {what}", expected.shape, found.shape, hint)
    if not np.allclose(found, expected, atol=atol, rtol=rtol):
        worst = float(np.max(np.abs(found - expected)))
        fail(what, f"values within {atol:g} of the reference", f"a difference of {worst:.4g}", hint)
    passed(f"{what} matches")


def check_below(what, found, limit, hint=None):
    """Check that a score such as a validation error is below ``limit``."""
    try:
        value = plain_number(found)
    except TypeError:
        fail(what, f"a number below {limit}", repr(found), hint)
    if not value < float(limit):
        fail(what, f"below {limit}", f"{value:.4g}", hint)
    passed(f"{what} is {value:.4g} (below {limit})")


# ------------------------------------------------ classifiers on a pretrained convolutional base


def leaf_layers(model):
    """The layers of a model with nested models opened up (and no ``InputLayer``): the same
    list whether a base was put in a model whole or layer by layer."""
    import keras

    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found += leaf_layers(layer)
        elif type(layer).__name__ != "InputLayer":
            found.append(layer)
    return found


def _same_weights(found, expected):
    return len(found) == len(expected) and all(
        np.shape(f) == np.shape(e) and np.array_equal(np.asarray(f), np.asarray(e))
        for f, e in zip(found, expected, strict=True)
    )


def _parameter_count(weights):
    return sum(int(np.prod(np.shape(w))) for w in weights)


def check_frozen_base(base, expected_weights, hint=None):
    """Check a pretrained base: a Keras model with no trainable weights (frozen as a whole
    or layer by layer) whose weights equal ``expected_weights`` exactly."""
    import keras

    if not isinstance(base, keras.Model):
        fail("the base", "a Keras model", type(base).__name__, hint)
    trainable = _parameter_count(base.trainable_weights)
    if trainable:
        fail("the trainable parameters of the base", "0 (a frozen base)", f"{trainable:,}", hint)
    if not _same_weights(base.get_weights(), expected_weights):
        fail("the base's weights", "the course's pretrained weights, unchanged",
             "other weights (random, or changed by training)", hint)
    passed(f"the base is frozen ({_parameter_count(expected_weights):,} non-trainable"
           " parameters) and holds the pretrained weights")


def _head_steps(layers):
    """``(class name, units, activation)`` per step of a head, an activation layer (``ReLU()``,
    ``Activation(...)``) merged into the ``Dense`` layer before it."""
    steps = []
    for layer in layers:
        name, units, activation = layer_summary(layer)
        if name == "ReLU":
            config = layer.get_config()
            plain = (config.get("max_value") is None and not config.get("negative_slope")
                     and not config.get("threshold"))
            name, activation = "Activation", "relu" if plain else "a clipped or leaky ReLU"
        if name == "Activation" and steps and steps[-1][0] == "Dense" \
                and steps[-1][2] == "linear":
            steps[-1] = ("Dense", steps[-1][1], activation)
        else:
            steps.append((name, units, activation))
    return steps


def check_head_on_base(model, reference_base, images, units, hint=None):
    """Check a classifier made of ``reference_base`` (its architecture and weights, nested or
    layer by layer), then ``Flatten``, ``Dense(units, activation="relu")`` and
    ``Dense(1, activation="sigmoid")``, as a Sequential or a functional model.

    The structure is read through public APIs, then the computation is checked: on
    ``images`` the model must output ``sigmoid(relu(flatten(base(x)) W1 + b1) W2 + b2)``
    with the weights of its own two ``Dense`` layers.
    """
    import keras

    if not isinstance(model, keras.Model):
        fail("the model", "a keras.Model (e.g. keras.Sequential)", type(model).__name__, hint)
    reference_layers = leaf_layers(reference_base)
    layers = leaf_layers(model)
    k = len(reference_layers)
    want = [type(layer).__name__ for layer in reference_layers]
    got = [type(layer).__name__ for layer in layers[:k]]
    if got != want:
        fail("the layers of the base at the start of the model", want, got, hint)
    base_weights = [w for layer in layers[:k] for w in layer.get_weights()]
    if not _same_weights(base_weights, reference_base.get_weights()):
        fail("the base's weights inside the model", "the course's pretrained weights",
             "other weights", hint)
    steps = _head_steps(layers[k:])
    expected = [("Flatten", None, None), ("Dense", int(units), "relu"), ("Dense", 1, "sigmoid")]
    if steps != expected:
        fail("the head after the base", expected, steps, hint)
    images = np.asarray(images, dtype=np.float32)
    try:
        output = np.asarray(model(images, training=False), dtype=np.float64)
    except Exception as error:  # noqa: BLE001  (a model that cannot run gets a message)
        fail("the model's output", "probabilities", f"an error: {error}", hint)
    if output.shape != (len(images), 1):
        fail("the output shape", (len(images), 1), output.shape, hint)
    dense = [layer.get_weights() for layer in layers[k:] if type(layer).__name__ == "Dense"]
    if any(len(weights) != 2 for weights in dense):
        fail("the weights of each Dense layer", "a kernel and a bias", "something else", hint)
    (w1, b1), (w2, b2) = dense
    features = np.asarray(reference_base(images, training=False), dtype=np.float64)
    hidden = np.maximum(features.reshape(len(images), -1) @ w1 + b1, 0)
    by_hand = 1 / (1 + np.exp(-(hidden @ w2 + b2)))
    if not np.allclose(output, by_hand, atol=1e-5):
        worst = float(np.max(np.abs(output - by_hand)))
        fail("the model's output", "sigmoid(relu(flatten(base(x)) W1 + b1) W2 + b2)",
             f"a difference of {worst:.3g}", hint)
    passed(f"the model is the base, Flatten, Dense({int(units)}, relu) and Dense(1, sigmoid)")


# ------------------------------------------------ convolutional layers (chapter 8)


def _pair(value):
    """A kernel size or stride given as ``3`` or ``(3, 3)``, as a tuple of two ints."""
    value = tuple(value) if isinstance(value, (list, tuple)) else (value, value)
    return tuple(int(plain_number(v)) for v in value)


def _activation_of(layer):
    """The activation a layer applies, by name ("relu", "linear" ...)."""
    if type(layer).__name__ == "ReLU":
        config = layer.get_config()
        plain = (config.get("max_value") is None and not config.get("negative_slope")
                 and not config.get("threshold"))
        return "relu" if plain else "a clipped or leaky ReLU"
    return layer_summary(layer)[2]


def conv_steps(model):
    """The steps of a convolutional model, read through public Keras APIs.

    A ``Conv2D`` layer becomes ``("Conv2D", settings)`` with ``filters``, ``kernel_size`` and
    ``strides`` as pairs, ``padding`` and ``activation``; an activation layer right after it
    (``ReLU()``, ``Activation("relu")``) is merged into it, so every spelling of "a
    convolution with a ReLU" reads the same. Any other layer is ``(class name, {})``.
    """
    steps = []
    for layer in leaf_layers(model):
        name = type(layer).__name__
        if name == "Conv2D":
            config = layer.get_config()
            settings = {
                "filters": int(config["filters"]),
                "kernel_size": _pair(config["kernel_size"]),
                "strides": _pair(config["strides"]),
                "padding": str(config["padding"]).lower(),
                "activation": _activation_of(layer),
            }
            if _pair(config.get("dilation_rate", 1)) != (1, 1) or config.get("groups", 1) != 1:
                settings["other"] = "a dilation rate or groups"
            steps.append((name, settings, layer))
        elif name in ("ReLU", "Activation") and steps and steps[-1][0] == "Conv2D" \
                and steps[-1][1]["activation"] == "linear":
            steps[-1][1]["activation"] = _activation_of(layer)
        else:
            steps.append((name, {}, layer))
    return [(name, settings) for name, settings, _ in steps], [s[2] for s in steps]


def conv2d_by_hand(x, kernel, bias=None, strides=1, padding="valid"):
    """What ``Conv2D`` computes, in NumPy: ``x`` is ``(n, h, w, c)``, ``kernel``
    ``(kh, kw, c, filters)``; a correlation (the kernel is not flipped), summed over the
    input channels, plus one bias per filter. ``padding="same"`` pads as Keras does."""
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    (kh, kw), (sh, sw) = kernel.shape[:2], _pair(strides)
    if padding == "same":
        pads = []
        for size, k, s in ((x.shape[1], kh, sh), (x.shape[2], kw, sw)):
            total = max((-(-size // s) - 1) * s + k - size, 0)
            pads.append((total // 2, total - total // 2))
        x = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
    out = np.einsum("nijcuv,uvcf->nijf", windows, kernel, optimize=True)
    return out if bias is None else out + np.asarray(bias, dtype=np.float64)


def check_conv_stack(model, expected, input_shape, hint=None):
    """Check a model made of ``Conv2D`` layers, as a Sequential or a functional model.

    ``expected`` has one dict per layer: ``filters``, ``kernel_size`` (``3`` or ``(3, 3)``),
    ``activation`` (``"relu"`` or ``"linear"``) and, when not the defaults, ``strides`` (1)
    and ``padding`` ("valid"). A separate ``ReLU()`` or ``Activation("relu")`` layer after a
    convolution counts as its activation. Then the computation is checked: on random inputs
    of ``input_shape`` (without the batch axis) the model must output what
    :func:`conv2d_by_hand` computes with the model's own weights.
    """
    import keras

    if not isinstance(model, keras.Model):
        fail("the model", "a keras.Model (e.g. keras.Sequential)", type(model).__name__, hint)
    want = [("Conv2D", {"filters": int(e["filters"]), "kernel_size": _pair(e["kernel_size"]),
                        "strides": _pair(e.get("strides", 1)),
                        "padding": e.get("padding", "valid"), "activation": e["activation"]})
            for e in expected]
    steps, layers = conv_steps(model)
    if [s[0] for s in steps] != [w[0] for w in want]:
        fail("the layers", [w[0] for w in want], [s[0] for s in steps], hint)
    for i, (got, exp) in enumerate(zip(steps, want, strict=True)):
        for key, value in exp[1].items():
            if got[1].get(key) != value:
                fail(f"the {key} of convolution {i + 1}", repr(value), repr(got[1].get(key)), hint)
        if "other" in got[1]:
            fail(f"convolution {i + 1}", "a plain convolution", got[1]["other"], hint)
    _check_input_shape(model, input_shape, hint)
    x = np.random.default_rng(8).uniform(size=(2, *input_shape)).astype(np.float32)
    try:
        output = np.asarray(model(x, training=False), dtype=np.float64)
    except Exception as error:  # noqa: BLE001  (a model that cannot run gets a message)
        fail("the model's output", "feature maps", f"an error: {error}", hint)
    by_hand = x.astype(np.float64)
    for (_, settings), layer in zip(steps, layers, strict=True):
        weights = layer.get_weights()
        by_hand = conv2d_by_hand(by_hand, weights[0], weights[1] if len(weights) > 1 else None,
                                 settings["strides"], settings["padding"])
        if settings["activation"] == "relu":
            by_hand = np.maximum(by_hand, 0)
    if output.shape != by_hand.shape or not np.allclose(output, by_hand, atol=1e-4, rtol=1e-4):
        fail("the model's output", "the convolutions (and ReLUs) computed by hand",
             f"another output of shape {output.shape}", hint)
    passed(f"the model has the expected {len(want)} convolution(s)")


# ------------------------------------------------ networks of Dense, batch-normalization,
# dropout and activation layers (chapters 1 to 6)


def dense_steps(model):
    """The steps of a model made of ``Dense``, activation, ``BatchNormalization``,
    ``Dropout`` and ``Normalization`` layers, read through public Keras APIs, the same for
    every spelling of the same network (Sequential or functional, nested models opened up).

    A ``Dense`` layer is ``("Dense", {"units", "activation", "use_bias"})``; an activation
    layer (``ReLU()``, ``Activation("relu")``) right after a ``Dense`` layer without
    activation becomes that layer's activation, elsewhere it is ``("Activation",
    {"activation"})`` (a linear one is no step); ``("Dropout", {"rate"})``;
    ``("BatchNormalization", {"center", "scale"})``; any other layer ``(class name, {})``.
    """
    steps = []
    for layer in leaf_layers(model):
        name, config = type(layer).__name__, layer.get_config()
        if name == "Dense":
            steps.append((name, {"units": int(config["units"]),
                                 "activation": _activation_of(layer),
                                 "use_bias": bool(config.get("use_bias", True))}))
        elif name in ("ReLU", "Activation"):
            activation = _activation_of(layer)
            if activation == "linear":
                continue
            if steps and steps[-1][0] == "Dense" and steps[-1][1]["activation"] == "linear":
                steps[-1][1]["activation"] = activation
            else:
                steps.append(("Activation", {"activation": activation}))
        elif name == "Dropout":
            steps.append((name, {"rate": float(config["rate"])}))
        elif name == "BatchNormalization":
            steps.append((name, {"center": bool(config.get("center", True)),
                                 "scale": bool(config.get("scale", True))}))
        else:
            steps.append((name, {}))
    return steps


def check_steps(model, expected, hint=None):
    """Check the steps of a model (see :func:`dense_steps`) against ``expected``: one
    ``(class name, settings)`` per step, where only the settings given are compared
    (``("Dense", {"units": 64, "activation": "linear"})`` accepts a bias or none)."""
    import keras

    if not isinstance(model, keras.Model):
        fail("the model", "a keras.Model (e.g. keras.Sequential)", type(model).__name__, hint)
    steps = dense_steps(model)
    names, want = [name for name, _ in steps], [name for name, _ in expected]
    if names != want:
        fail("the layers (an activation layer after a Dense layer counts as its activation)",
             want, names, hint)
    for i, ((name, got), (_, settings)) in enumerate(zip(steps, expected, strict=True)):
        for key, value in settings.items():
            same = (abs(got.get(key) - value) < 1e-9 if isinstance(value, float)
                    else got.get(key) == value)
            if not same:
                fail(f"the {key} of step {i + 1} ({name})", repr(value), repr(got.get(key)),
                     hint)
    passed(f"the model has the expected {len(expected)} steps")


def prepare_model(model):
    """``model``, with the state its layers compute from their weights brought up to date.

    A ``Normalization`` layer reads its mean and variance from its weights only in
    ``finalize_state()``, which ``adapt`` and loading a saved model call, but not
    ``set_weights``: a model rebuilt from its configuration and weights calls it here.
    """
    for layer in leaf_layers(model):
        if type(layer).__name__ == "Normalization":
            layer.finalize_state()
    return model


class _NotByHand(Exception):
    """A layer :func:`forward_by_hand` does not compute."""


def _activate(name, z):
    if name == "linear":
        return z
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "softmax":
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    raise _NotByHand(name)


def _values(variable):
    return None if variable is None else np.asarray(variable, dtype=np.float64)


def forward_by_hand(model, x):
    """What ``model(x, training=False)`` computes, in NumPy, from the model's own weights:
    ``Dense`` layers, activations (linear, ReLU, sigmoid, tanh, softmax), ``Dropout`` (nothing
    at inference), ``BatchNormalization`` (the moving averages) and ``Normalization`` (its
    mean and variance) on the last axis."""
    import keras

    h = np.asarray(x, dtype=np.float64)
    for layer in leaf_layers(prepare_model(model)):
        name, config = type(layer).__name__, layer.get_config()
        if name == "Dense":
            weights = layer.get_weights()
            h = h @ np.asarray(weights[0], np.float64)
            if len(weights) > 1:
                h = h + np.asarray(weights[1], np.float64)
            h = _activate(_activation_of(layer), h)
        elif name in ("ReLU", "Activation"):
            h = _activate(_activation_of(layer), h)
        elif name == "Dropout":
            continue
        elif name == "BatchNormalization" and config.get("axis") in (-1, [-1], h.ndim - 1):
            gamma, beta = _values(layer.gamma), _values(layer.beta)
            h = (h - _values(layer.moving_mean)) / np.sqrt(
                _values(layer.moving_variance) + float(config["epsilon"]))
            h = h * (1.0 if gamma is None else gamma) + (0.0 if beta is None else beta)
        elif name == "Normalization" and not config.get("invert") \
                and config.get("axis") in (-1, [-1], (-1,)):
            mean, variance = _values(layer.mean).reshape(-1), _values(layer.variance).reshape(-1)
            h = (h - mean) / np.maximum(np.sqrt(variance), keras.config.epsilon())
        else:
            raise _NotByHand(name)
    return h


def _check_output_by_hand(model, hint, what):
    """Fail unless the model, called on random inputs, outputs what :func:`forward_by_hand`
    computes (nothing is checked for a model with layers it does not compute)."""
    try:
        shape = as_shape(model.inputs[0].shape)[1:]
    except (AttributeError, IndexError, ValueError, TypeError):
        return
    if None in shape:
        return
    x = np.random.default_rng(5).uniform(-2.0, 2.0, size=(4, *shape)).astype(np.float32)
    try:
        by_hand = forward_by_hand(model, x)
    except _NotByHand:
        return
    try:
        output = np.asarray(model(x, training=False), dtype=np.float64)
    except Exception as error:  # noqa: BLE001  (a model that cannot run gets a message)
        fail("the model's output", "numbers", f"an error: {error}", hint)
    if output.shape != by_hand.shape or not np.allclose(output, by_hand, atol=1e-4, rtol=1e-3):
        fail("the model's output", what, f"another output (of shape {output.shape})", hint)


def check_forward(model, x, hint=None):
    """Check that ``model(x, training=False)`` is what its layers compute by hand
    (:func:`forward_by_hand`) with its own weights."""
    try:
        by_hand = forward_by_hand(model, x)
    except _NotByHand as layer:
        fail("the layers", "Dense, activation, BatchNormalization, Dropout or Normalization"
             " layers", f"a layer it cannot compute ({layer})", hint)
    try:
        output = np.asarray(model(np.asarray(x, np.float32), training=False), dtype=np.float64)
    except Exception as error:  # noqa: BLE001  (a model that cannot run gets a message)
        fail("the model's output", "numbers", f"an error: {error}", hint)
    if output.shape != by_hand.shape or not np.allclose(output, by_hand, atol=1e-3, rtol=1e-3):
        fail("the model's output", "what its layers compute by hand",
             f"another output (of shape {output.shape})", hint)
    passed("the model computes what its layers compute by hand")


def check_standardizes(what, layer, X, hint=None):
    """Check that ``layer`` maps the rows ``X`` to columns of mean about 0 and standard
    deviation about 1 (within 0.1): a ``Normalization`` layer adapted to them."""
    if type(layer).__name__ == "Normalization":
        layer.finalize_state()
    try:
        out = np.asarray(layer(np.asarray(X, np.float32)), dtype=np.float64)
    except Exception as error:  # noqa: BLE001
        fail(what, "standardized columns", f"an error: {error}", hint)
    means, stds = out.mean(axis=0), out.std(axis=0)
    if not (np.all(np.abs(means) < 0.1) and np.all(np.abs(stds - 1) < 0.1)):
        fail(what, "columns of mean 0 and standard deviation 1",
             f"means {np.round(means, 2).tolist()} and standard deviations"
             f" {np.round(stds, 2).tolist()}", hint)
    passed(f"{what} has columns of mean 0 and standard deviation 1")


def parameter_counts(model):
    """``(trainable, non_trainable)`` parameters of a model, as plain ints."""
    return (_parameter_count(model.trainable_weights),
            _parameter_count(model.non_trainable_weights))


# ------------------------------------------------ early stopping (chapter 4)


def restored_epoch(values, min_delta=0.0, mode="min", start_from_epoch=0):
    """The epoch (counted from 1) whose weights ``EarlyStopping(restore_best_weights=True)``
    puts back, given the monitored value of every epoch.

    As Keras does (``keras/src/callbacks/monitor_callback.py``): the first epoch is the
    first best; a later value becomes the new best only when it beats the recorded best by
    more than ``min_delta`` (compared in float32, as Keras' ops do); the best recorded epoch
    is restored. With ``min_delta > 0`` that need not be the epoch of the lowest value.
    """
    sign = -1.0 if mode == "max" else 1.0
    delta = abs(plain_number(min_delta))
    best = epoch = None
    for i, value in enumerate(values):
        if i < start_from_epoch:
            continue
        value = plain_number(value)
        if best is None or np.float32(sign * value + delta) < np.float32(sign * best):
            best, epoch = value, i + 1
    if epoch is None:
        raise ValueError("no epoch was monitored")
    return epoch


def mse_with_penalties(model, X, y):
    """The loss Keras reports as ``val_loss`` for a model compiled with ``"mse"``: the mean
    squared error of its predictions plus the penalties of its weight regularizers."""
    predictions = np.asarray(prepare_model(model).predict(X, verbose=0), dtype=np.float64)
    mse = float(np.mean((predictions.ravel() - np.asarray(y, np.float64).ravel()) ** 2))
    return mse + sum(float(np.asarray(penalty)) for penalty in model.losses)


def check_restored_weights(model, history, early_stopping, X_valid, y_valid, hint=None):
    """Check that ``model`` holds the weights of the epoch ``early_stopping`` restores: its
    validation loss (mean squared error plus weight penalties, as Keras computes
    ``val_loss``) equals the ``val_loss`` recorded at :func:`restored_epoch`."""
    curve = history.history.get("val_loss")
    if not curve:
        fail("the history", "a 'val_loss' curve", sorted(history.history),
             hint="pass validation_data=(X_valid, y_valid) to fit")
    epoch = restored_epoch(curve, early_stopping.min_delta, early_stopping.mode,
                           early_stopping.start_from_epoch or 0)
    expected = plain_number(curve[epoch - 1])
    found = mse_with_penalties(model, X_valid, y_valid)
    if not abs(found - expected) <= 1e-3 * abs(expected) + 1e-3:
        fail("the validation loss of the final model",
             f"{expected:.4g}, the val_loss of epoch {epoch} (the best epoch Keras recorded)",
             f"{found:.4g}", hint)
    passed(f"the model holds the weights of epoch {epoch}, the best epoch Keras recorded")


# Usual spellings of the three diagnoses of a learning curve (exercise 4, Part 7), written
# without spaces or hyphens.
_FIT_SPELLINGS = {
    "underfitting": {"underfitting", "underfit", "underfits", "underfitted"},
    "overfitting": {"overfitting", "overfit", "overfits", "overfitted"},
    "good fit": {"goodfit", "good", "goodfitting", "justright", "fitswell", "rightfit"},
}


def fit_label(word):
    """``"underfitting"``, ``"overfitting"`` or ``"good fit"`` for a diagnosis written in
    one of its usual spellings (any case, spaces, hyphens or underscores: ``"Under-fit"``,
    ``"overfit"``, ``"just right"`` ...), ``None`` for any other word and for a value that
    is not a string. The text is read through ``str``'s own methods, whatever a subclass
    claims."""
    if not isinstance(word, str):
        return None
    text = str.lower(str.__str__(word))
    squeezed = "".join(ch for ch in text if ch not in " -_\t\n")
    return next((label for label, spellings in _FIT_SPELLINGS.items()
                 if squeezed in spellings), None)


# ------------------------------------------------ compiled losses and metrics (chapters 3 and 6)


def _by_hand(name, y, p):
    """A loss or metric computed with NumPy: ``y`` the targets, ``p`` the outputs (1-D)."""
    if name == "mse":
        return float(np.mean((p - y) ** 2))
    if name == "mae":
        return float(np.mean(np.abs(p - y)))
    if name == "binary_crossentropy":
        clipped = np.clip(p, 1e-7, 1 - 1e-7)
        return float(-np.mean(y * np.log(clipped) + (1 - y) * np.log(1 - clipped)))
    if name == "binary_accuracy":
        return float(np.mean((p > 0.5) == (y == 1)))
    raise ValueError(f"no hand computation for {name!r}")


_WHAT = {"mse": "the mean squared error", "mae": "the mean absolute error",
         "binary_crossentropy": "binary cross-entropy", "binary_accuracy": "the binary accuracy"}


def check_compiled(model, X, y, loss, metric, hint=None):
    """Check what a compiled model with one output computes as its loss and as its only
    metric (``"mse"``, ``"mae"``, ``"binary_crossentropy"`` on probabilities or
    ``"binary_accuracy"`` at 0.5): ``model.evaluate`` on ``(X, y)`` is compared with both
    computed by hand, so every spelling passes (a name, the function, the object;
    ``"accuracy"``, which Keras maps to binary accuracy for one output ...)."""
    if not model.get_compile_config():
        fail("the model", "a compiled model", "a model that was never compiled",
             hint="call model.compile(optimizer=..., loss=..., metrics=[...])")
    X = np.asarray(X, np.float32)
    y = np.asarray(y, np.float64).ravel()
    try:
        results = dict(model.evaluate(X, y, verbose=0, return_dict=True))
    except Exception as error:  # noqa: BLE001  (a loss that cannot run gets a message)
        fail("model.evaluate", "a loss and a metric", f"an error: {error}", hint)
    p = np.asarray(model(X, training=False), dtype=np.float64).ravel()
    want = _by_hand(loss, y, p)
    found = plain_number(results.pop("loss"))
    if not abs(found - want) <= 1e-3 * abs(want) + 1e-4:
        fail("the loss", f"{_WHAT[loss]} of the model's outputs ({want:.4f})",
             f"a loss of {found:.4f}", hint)
    passed(f"the loss is {_WHAT[loss]}")
    if len(results) != 1:
        fail("the metrics", f"one metric, {_WHAT[metric]}", sorted(results), hint)
    (name, value), = results.items()
    want = _by_hand(metric, y, p)
    if not abs(plain_number(value) - want) <= 1e-3 * abs(want) + 1e-5:
        fail(f"the metric {name!r}", f"{_WHAT[metric]} ({want:.4f})",
             f"{plain_number(value):.4f}", hint)
    passed(f"the metric {name!r} is {_WHAT[metric]}")
