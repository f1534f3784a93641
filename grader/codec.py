"""Plain-data copies of Python values, for crossing from a student's kernel to the judge.

The same module runs on both sides: its source is sent into the student's kernel, which
:func:`export` s the values a test needs and answers :func:`call_and_write` requests, and the
judge :func:`decode` s what comes back. Only data crosses: numbers, strings, arrays, tuples,
lists, dicts, Keras configurations with their weights, training histories and callback
settings. Exact types are kept (``int`` stays ``int``, ``numpy.int64`` stays
``numpy.int64``), and anything else (a float subclass, an object whose ``__eq__`` always
says yes) arrives as an :class:`Opaque` placeholder that equals nothing. A student function
is not copied: the judge calls it remotely with data arguments and gets data back.

This module must stay importable with only NumPy (and Keras when Keras values are used).
"""

import base64
import io
import json

import numpy as np

_SCALARS = (bool, int, float, str)
_EARLY_STOPPING = ("monitor", "min_delta", "patience", "restore_best_weights", "mode",
                   "baseline", "start_from_epoch", "verbose")
MAX_DEPTH = 20
_ARRAY_KINDS = "biufUS"  # booleans, numbers and strings: no objects, no records


class Opaque:
    """Stands in for a value that cannot cross as data: equal to nothing, true for nothing."""

    def __init__(self, description):
        self.description = description

    def __eq__(self, other):
        return False

    __lt__ = __le__ = __gt__ = __ge__ = __eq__

    def __ne__(self, other):
        return True

    def __bool__(self):
        return False

    __hash__ = object.__hash__

    def __repr__(self):
        return f"<{self.description}>"


# --- encoding (student side: exports and results; judge side: call arguments) ---------------


def _array(value):
    buffer = io.BytesIO()
    np.save(buffer, value, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _keras_kind(value):
    import sys

    keras = sys.modules.get("keras")
    if keras is None:
        return None
    kinds = [("model", keras.Model), ("layer", keras.layers.Layer),
             ("optimizer", keras.optimizers.Optimizer), ("loss", keras.losses.Loss),
             ("history", keras.callbacks.History),
             ("early_stopping", keras.callbacks.EarlyStopping)]
    return next((name for name, cls in kinds if isinstance(value, cls)), None)


def encode(value, depth=0):
    """A JSON-able description of ``value`` (see the module's docstring)."""
    if depth > MAX_DEPTH:
        return {"t": "opaque", "type": "too deeply nested"}
    kind = type(value)
    if value is None:
        return {"t": "none"}
    if kind in _SCALARS:
        return {"t": kind.__name__, "v": value}
    if kind is np.ndarray and value.dtype.kind in _ARRAY_KINDS:
        return {"t": "array", "npy": _array(value)}
    if isinstance(value, np.generic) and kind.__module__ == "numpy" and value.dtype.kind in "biuf":
        return {"t": "npscalar", "dtype": value.dtype.str, "v": value.item()}
    if kind in (tuple, list):
        return {"t": kind.__name__, "v": [encode(v, depth + 1) for v in value]}
    if kind is dict:
        return {"t": "dict", "k": [encode(k, depth + 1) for k in value],
                "v": [encode(v, depth + 1) for v in value.values()]}
    keras_kind = _keras_kind(value)
    if keras_kind:
        return _encode_keras(keras_kind, value, depth)
    if kind.__module__.split(".")[0] in ("tensorflow", "keras") and hasattr(value, "numpy"):
        return encode(np.asarray(value.numpy()), depth + 1)  # tensors and variables
    if callable(value) and not isinstance(value, type):
        return {"t": "function"}
    return {"t": "opaque", "type": f"{kind.__module__}.{kind.__qualname__}"}


def _encode_keras(kind, value, depth):
    import keras

    if kind == "history":
        return {"t": "history", "history": encode(dict(value.history), depth + 1),
                "params": encode(dict(value.params or {}), depth + 1)}
    if kind == "early_stopping":
        settings = {name: getattr(value, name, None) for name in _EARLY_STOPPING}
        settings["min_delta"] = abs(settings["min_delta"] or 0)  # Keras flips its sign
        return {"t": "early_stopping", "settings": encode(settings, depth + 1)}
    weights = [np.asarray(w) for w in value.get_weights()] if kind in ("model", "layer") else []
    return {"t": "keras", "kind": kind, "config": keras.saving.serialize_keras_object(value),
            "weights": [_array(w) for w in weights]}


def export(names, namespace, path):
    """Write the encoding of ``namespace[name]`` for each name to ``path`` (JSON)."""
    out = {}
    for name in names:
        if name not in namespace:
            out[name] = {"t": "missing"}
            continue
        try:
            out[name] = encode(namespace[name])
        except Exception as error:  # a broken object: the judge says what went wrong
            out[name] = {"t": "error", "message": f"{type(error).__name__}: {error}"[:500]}
    with open(path, "w") as file:
        json.dump(out, file)


def call_and_write(function, in_path, out_path):
    """Call ``function`` with the arguments in ``in_path``; write the result (or error)."""
    with open(in_path) as file:
        request = json.load(file)
    try:
        args = decode(request["args"], _call_argument)
        kwargs = decode(request["kwargs"], _call_argument)
        result = {"ok": encode(function(*args, **kwargs))}
    except BaseException as error:  # noqa: B036  (the judge reports what the call raised)
        result = {"raised": type(error).__name__}
    with open(out_path, "w") as file:
        json.dump(result, file)


def _call_argument(data):
    """A call argument without a data form, in the kernel: the Keras objects the judge sends
    (a fixed model, say) are rebuilt; no function can be called back."""
    return Opaque("a function") if data["t"] == "function" else rebuild_keras(data)


def _finalize_states(layer):
    """Let layers that read their weights only at load time (an adapted ``Normalization``:
    its mean and variance) take the weights just set, in ``layer`` and all it contains."""
    for inner in getattr(layer, "layers", []):
        _finalize_states(inner)
    if hasattr(layer, "finalize_state"):  # preprocessing layers have it, others not
        layer.finalize_state()


def rebuild_keras(data):
    """The Keras object (model, layer, optimizer, loss, history, early stopping) that
    :func:`encode` described. It trusts ``data``: the judge checks what a kernel sent first
    (``grader.judge.rebuild``); a kernel rebuilds only what the judge sends it."""
    import keras

    if data["t"] == "history":
        history = keras.callbacks.History()
        history.history, history.params = decode(data["history"]), decode(data["params"])
        return history
    if data["t"] == "early_stopping":
        return keras.callbacks.EarlyStopping(**decode(data["settings"]))
    value = keras.saving.deserialize_keras_object(data["config"], safe_mode=True)
    if data["weights"]:
        value.set_weights([decode({"t": "array", "npy": w}) for w in data["weights"]])
        _finalize_states(value)
    compile_config = data["config"].get("compile_config")
    if data["kind"] == "model" and compile_config and not value.compiled:
        value.compile_from_config(compile_config)
    return value


# --- decoding (judge side: exports and results; student side: call arguments) -------------


def _load_array(text):
    return np.load(io.BytesIO(base64.b64decode(text)), allow_pickle=False)


def decode(data, remote=None):
    """The value an :func:`encode` result describes.

    ``remote(data)`` builds what has no data form: student functions (remote calls) and
    Keras objects (rebuilt with :func:`rebuild_keras`); without it they are opaque.
    """
    tag = data["t"]
    if tag == "none":
        return None
    if tag in ("bool", "int", "float", "str"):
        value = data["v"]
        expected = {"bool": bool, "int": int, "float": float, "str": str}[tag]
        return value if type(value) is expected else expected(value)
    if tag == "array":
        array = _load_array(data["npy"])
        if array.dtype.kind not in _ARRAY_KINDS:
            raise ValueError(f"refusing an array of dtype {array.dtype}")
        return array
    if tag == "npscalar":
        dtype = np.dtype(data["dtype"])
        if dtype.kind not in "biuf":
            raise ValueError(f"refusing a NumPy scalar of dtype {dtype}")
        return dtype.type(data["v"])
    if tag in ("tuple", "list"):
        items = [decode(v, remote) for v in data["v"]]
        return tuple(items) if tag == "tuple" else items
    if tag == "dict":
        pairs = zip(data["k"], data["v"], strict=True)
        return {decode(k, remote): decode(v, remote) for k, v in pairs}
    if remote is not None and tag in ("function", "keras", "history", "early_stopping"):
        return remote(data)
    if tag == "missing":
        return Opaque("not defined")
    if tag == "error":
        return Opaque(f"could not be read: {str(data.get('message'))[:100]}")
    return Opaque(data.get("type", tag))
