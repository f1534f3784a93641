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
    """
    import keras

    if not isinstance(model, keras.Model):
        fail("the model", "a keras.Model (e.g. keras.Sequential)", type(model).__name__, hint)
    # Keras 3 lists the InputLayer among the layers of a functional model: not a layer here.
    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    found = [layer_summary(layer) for layer in layers]
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
    passed(f"the model has the expected {len(want)} layer(s)")


def check_shape(what, found, expected, hint=None):
    """Check a shape given as a tuple (or anything with ``.shape``)."""
    if hasattr(found, "shape"):
        found = found.shape
    try:
        found = as_shape(found)
    except (TypeError, ValueError):
        fail(what, f"a shape like {tuple(expected)}", repr(found), hint)
    if found != tuple(expected):
        fail(what, tuple(expected), found, hint)
    passed(f"{what} is {found}")


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
