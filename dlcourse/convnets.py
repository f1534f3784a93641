"""Plumbing for chapter 11 (custom convnets): a per-layer table of shapes and parameters,
training one recipe over several seeds, and the figures that compare recipes.

What the chapter *teaches* (a convolutional block, the models built from it) is written in
the chapter itself; this module only prints, times and draws.
"""

import json
import os
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

COMPARISON_JSON = Path(__file__).with_name("convnets.json")


# ---------------------------------------------------------------- the parameter table


def _shape_text(shape):
    """``(None, 16, 16, 8)`` as ``16 x 16 x 8`` (the batch axis dropped)."""
    sizes = [str(int(d)) for d in tuple(shape)[1:]]
    return " x ".join(sizes) if sizes else "scalar"


def _output_shape(layer):
    output = layer.output  # a layer called once in a functional graph (or a Sequential)
    if isinstance(output, (list, tuple)):
        raise ValueError(f"layer {layer.name!r} has several outputs")
    return tuple(output.shape)


def layer_rows(model):
    """One ``(name, class name, output shape, parameters)`` row per layer of ``model``,
    in order, without its input layer. The output shape has no batch axis."""
    rows = []
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        shape = _output_shape(layer)
        rows.append((layer.name, type(layer).__name__,
                     tuple(int(d) for d in shape[1:]), int(layer.count_params())))
    return rows


def parameter_table(model, width=88):
    """The model's layers as text, one line each: name, type, output shape, parameters,
    then the total, checked against ``model.count_params()``. Fits in ``width`` columns."""
    rows = layer_rows(model)
    total = sum(params for *_, params in rows)
    if total != model.count_params():
        raise ValueError(f"the rows add up to {total}, count_params() says "
                         f"{model.count_params()}")
    name_width = max([len("layer"), *(len(name) for name, *_ in rows)])
    kind_width = max([len("type"), *(len(kind) for _, kind, *_ in rows)])
    shape_width = max([len("output shape"),
                       *(len(" x ".join(map(str, shape))) for _, _, shape, _ in rows)])
    lines = [f"{'layer':{name_width}}  {'type':{kind_width}}  {'output shape':{shape_width}}"
             f"  {'parameters':>10}"]
    for name, kind, shape, params in rows:
        lines.append(f"{name:{name_width}}  {kind:{kind_width}}  "
                     f"{' x '.join(map(str, shape)):{shape_width}}  {params:>10,}")
    lines.append(f"{'total':{name_width + kind_width + shape_width + 4}}  {total:>10,}")
    text = "\n".join(lines)
    if max(len(line) for line in lines) > width:
        raise ValueError(f"the table is wider than {width} columns: shorten the layer names")
    return text


def print_parameter_table(model, width=88):
    """Print :func:`parameter_table` with the model's name above it."""
    print(f"model {model.name!r}")
    print(parameter_table(model, width))


# ---------------------------------------------------------------- several seeds


def load_average():
    """The 1-minute load average (``None`` where the system does not tell)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def train_seeds(build, data, seeds, epochs, compile_settings, batch_size=32):
    """Build, compile and train ``build()`` once per seed; one dict per run.

    ``data`` is ``(x, y, x_valid, y_valid)``; ``compile_settings`` a function of the
    number of steps of the whole training that returns ``model.compile``'s keyword
    arguments (a new optimizer for each run). Each run records its seed, the parameters,
    the training and validation accuracy of the last epoch (computed on the data after
    training, with the model in inference mode), the validation curve and the seconds
    ``fit`` took.
    """
    import dlcourse

    x, y, x_valid, y_valid = data
    steps = epochs * int(np.ceil(len(x) / batch_size))
    runs = []
    for seed in seeds:
        dlcourse.seed(seed)
        model = build()
        model.compile(**compile_settings(steps))
        start = time.perf_counter()
        history = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0,
                            validation_data=(x_valid, y_valid))
        seconds = time.perf_counter() - start
        runs.append({
            "seed": int(seed),
            "parameters": int(model.count_params()),
            "train_accuracy": accuracy(model, x, y),
            "valid_accuracy": accuracy(model, x_valid, y_valid),
            "valid_curve": [float(v) for v in _validation_curve(history)],
            "seconds": round(seconds, 2),
            "load_average": load_average(),
        })
    return runs


def _validation_curve(history):
    """The validation accuracy per epoch, whatever the metric's name ("accuracy",
    "binary_accuracy" ...)."""
    names = [k for k in history.history if k.startswith("val_") and k.endswith("accuracy")]
    if len(names) != 1:
        raise ValueError(f"compile with one accuracy metric, found {sorted(history.history)}")
    return history.history[names[0]]


def accuracy(model, x, y, batch=500):
    """Binary accuracy of a one-sigmoid model, the model called in inference mode."""
    p = np.concatenate([np.asarray(model(x[i:i + batch], training=False)).ravel()
                        for i in range(0, len(x), batch)])
    return float(np.mean((p > 0.5) == (np.asarray(y) > 0.5)))


def summarize(runs):
    """Mean, min and max of the runs' validation accuracies, and their mean seconds."""
    values = np.array([run["valid_accuracy"] for run in runs])
    return {"mean": float(values.mean()), "min": float(values.min()),
            "max": float(values.max()),
            "seconds": float(np.mean([run["seconds"] for run in runs])),
            "parameters": runs[0]["parameters"]}


def load_comparison(path=COMPARISON_JSON):
    """The comparison ``tools/convnet_comparison.py`` measured (see its docstring)."""
    return json.loads(Path(path).read_text())


# ---------------------------------------------------------------- figures


def plot_seed_accuracies(results, title=None, xlabel="validation accuracy", baselines=None):
    """One row per recipe: each seed's validation accuracy as a dot, the mean as a bar.

    ``results`` maps a recipe's label to its runs (as :func:`train_seeds` returns them);
    ``baselines`` maps a label to one accuracy, drawn as a dashed vertical line.
    """
    labels = list(results)
    if not labels:
        raise ValueError("no results to draw")
    # With baselines, the legend sits right of the axes: the whole stays 7.2 in wide.
    fig, ax = plt.subplots(figsize=(5.6 if baselines else 7.2, 0.55 * len(labels) + 1.3))
    for row, label in enumerate(labels):
        values = [run["valid_accuracy"] for run in results[label]]
        ax.barh(row, np.mean(values), color="#c6dbef", height=0.6)
        ax.plot(values, [row] * len(values), "o", color="#08519c", markersize=5)
    for k, (label, value) in enumerate((baselines or {}).items()):
        ax.axvline(value, color="0.3", linestyle=["--", ":", "-."][k % 3], linewidth=1.2,
                   label=f"{label}: {value:.2f}")
    if baselines:  # beside the axes, where it hides no dot
        ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_yticks(range(len(labels)), labels, fontsize=10)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel + " (dots: seeds; bars: mean)")
    low = min([run["valid_accuracy"] for runs in results.values() for run in runs]
              + list((baselines or {}).values()))
    ax.set_xlim(max(0.0, np.floor(low * 10) / 10 - 0.05), 1.0)
    ax.grid(axis="x", alpha=0.3)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_seed_curves(results, title=None):
    """Validation accuracy per epoch, one colour per recipe, one thin line per seed and a
    thick line for the mean of the seeds."""
    if not results:
        raise ValueError("no results to draw")
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    for k, (label, runs) in enumerate(results.items()):
        colour = f"C{k}"
        curves = np.array([run["valid_curve"] for run in runs])
        epochs = np.arange(1, curves.shape[1] + 1)
        for curve in curves:
            ax.plot(epochs, curve, color=colour, alpha=0.35, linewidth=1)
        ax.plot(epochs, curves.mean(axis=0), color=colour, linewidth=2.5, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy")
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- checks of exercise 11


def model_from_json_text(text):
    """A Keras model rebuilt from ``model.to_json()`` text, Keras' own layers only."""
    import keras

    from dlcourse import checks
    from grader.judge import check_keras_config  # the judge's own rule, in both places

    if not isinstance(text, str):
        checks.fail("the block's configuration", "JSON text (model.to_json())",
                    type(text).__name__)
    config = json.loads(text)
    check_keras_config(config)
    return keras.saving.deserialize_keras_object(config, safe_mode=True)


def _plain_relu(layer):
    config = layer.get_config()
    return (config.get("max_value") is None and not config.get("negative_slope")
            and not config.get("threshold"))


def model_steps(model):
    """The steps of a convnet as plain tuples, read through public Keras APIs.

    ``("Conv2D", filters, kernel, strides, padding, activation)``,
    ``("MaxPooling2D", pool_size, strides, padding)``, ``("Dense", units, activation)``,
    ``("Rescaling", scale, offset)`` and ``(class name,)`` for any other layer. A
    ``ReLU()`` or ``Activation(...)`` layer right after a convolution or a dense layer
    without an activation is merged into it, nested models are opened, so every spelling
    of the same computation reads the same.
    """
    from dlcourse import checks

    steps = []
    for layer in checks.leaf_layers(model):
        kind, config = type(layer).__name__, layer.get_config()
        if kind in ("ReLU", "Activation") and steps and steps[-1][0] in ("Conv2D", "Dense") \
                and steps[-1][-1] == "linear":
            if kind == "ReLU":
                name = "relu" if _plain_relu(layer) else "a clipped or leaky ReLU"
            else:
                name = checks.layer_summary(layer)[2]
            steps[-1] = (*steps[-1][:-1], name)
        elif kind == "Conv2D":
            plain = (checks._pair(config.get("dilation_rate", 1)) == (1, 1)
                     and config.get("groups", 1) == 1 and config.get("use_bias", True))
            steps.append((kind if plain else "Conv2D (dilated, grouped or without bias)",
                          int(config["filters"]), checks._pair(config["kernel_size"]),
                          checks._pair(config["strides"]), str(config["padding"]).lower(),
                          checks.layer_summary(layer)[2]))
        elif kind == "MaxPooling2D":
            pool = checks._pair(config["pool_size"])
            strides = checks._pair(config["strides"]) if config.get("strides") else pool
            steps.append((kind, pool, strides, str(config["padding"]).lower()))
        elif kind == "Dense":
            steps.append((kind, int(config["units"]), checks.layer_summary(layer)[2]))
        elif kind == "Rescaling":
            try:
                scale, offset = (float(checks.plain_number(config[k]))
                                 for k in ("scale", "offset"))
                steps.append((kind, scale, offset))
            except (TypeError, ValueError, KeyError):  # per-channel scales: not these steps
                steps.append((kind, "per channel"))
        else:
            steps.append((kind,))
    return steps


def block_steps(filters, convolutions):
    """The steps of the exercise's block: ``convolutions`` 3x3 'same' ReLU convolutions
    of ``filters`` filters, then 2x2 max pooling."""
    conv = ("Conv2D", int(filters), (3, 3), (1, 1), "same", "relu")
    return [conv] * int(convolutions) + [("MaxPooling2D", (2, 2), (2, 2), "valid")]


def block_parameters(channels, filters, convolutions):
    """Parameters of that block on an input of ``channels`` channels."""
    first = 3 * 3 * channels * filters + filters
    return first + (convolutions - 1) * (3 * 3 * filters * filters + filters)


def _by_hand(model, x):
    """What the convolutions, ReLUs and 2x2 poolings of ``model`` compute, in NumPy, with
    the model's own weights (for a model made only of those steps)."""
    from dlcourse import checks

    out = x.astype(np.float64)
    for layer in checks.leaf_layers(model):
        kind = type(layer).__name__
        if kind == "Conv2D":
            kernel, bias = layer.get_weights()
            config = layer.get_config()
            out = checks.conv2d_by_hand(out, kernel, bias, config["strides"],
                                        str(config["padding"]).lower())
            if checks.layer_summary(layer)[2] == "relu":
                out = np.maximum(out, 0)
        elif kind in ("ReLU", "Activation"):
            out = np.maximum(out, 0)
        elif kind == "MaxPooling2D":
            n, h, w, c = out.shape
            out = out[:, :h // 2 * 2, :w // 2 * 2].reshape(n, h // 2, 2, w // 2, 2, c)
            out = out.max(axis=(2, 4))
    return out


def check_conv_block(block, input_shape, filters, convolutions, hint=None):
    """Check a model that wraps one block (``conv_block`` on an input of ``input_shape``):
    its steps, its output shape, its parameter count and what it computes."""
    import keras

    from dlcourse import checks

    what = f"conv_block(x, {filters}, {convolutions}) on an input of shape {tuple(input_shape)}"
    if not isinstance(block, keras.Model):
        checks.fail(what, "a block of layers", type(block).__name__, hint)
    found, want = model_steps(block), block_steps(filters, convolutions)
    if found != want:
        checks.fail(f"the layers of {what}", want, found, hint)
    h, w, c = (int(d) for d in input_shape)
    x = np.random.default_rng(11).uniform(size=(2, h, w, c)).astype(np.float32)
    try:
        output = np.asarray(block(x, training=False), dtype=np.float64)
    except Exception as error:  # noqa: BLE001  (a block that cannot run gets a message)
        checks.fail(f"the output of {what}", "feature maps", f"an error: {error}", hint)
    expected_shape = (2, h // 2, w // 2, int(filters))
    if output.shape != expected_shape:
        checks.fail(f"the output shape of {what}", expected_shape[1:], output.shape[1:], hint)
    params = int(block.count_params())
    if params != block_parameters(c, filters, convolutions):
        checks.fail(f"the parameters of {what}", block_parameters(c, filters, convolutions),
                    params, hint)
    if not np.allclose(output, _by_hand(block, x), atol=1e-4, rtol=1e-4):
        checks.fail(f"the output of {what}", "the convolutions, ReLUs and pooling by hand",
                    "other values", hint)
    checks.passed(f"{what}: {convolutions} convolution(s) and a pooling, output "
                  f"{expected_shape[1:]}, {params:,} parameters")


def check_block_model(model, plan, input_shape, head, hint=None, stem=()):
    """Check a convnet made of the ``stem`` steps (e.g. ``[("Rescaling", 2.0, -1.0)]``),
    the blocks ``plan`` = [(filters, convolutions), ...] on ``input_shape``, then the
    ``head`` steps (e.g. ``[("GlobalMaxPooling2D",), ("Dense", 1, "sigmoid")]``): the steps,
    the shape after every block and the parameter count (the stem has none); its output
    must be one probability per image."""
    import keras

    from dlcourse import checks

    if not isinstance(model, keras.Model):
        checks.fail("model", "a keras.Model", type(model).__name__, hint)
    want = [*stem, *(step for filters, n in plan for step in block_steps(filters, n)), *head]
    found = model_steps(model)
    if found != want:
        checks.fail("the layers of the model", want, found, hint)
    checks.check_shape("the input shape", checks.as_shape(model.inputs[0].shape)[1:],
                       tuple(input_shape), hint="keras.Input(shape=(32, 32, 3))")
    x = np.random.default_rng(12).uniform(size=(3, *input_shape)).astype(np.float32)
    h, w, _ = input_shape
    poolings = iter(range(1, len(plan) + 1))
    for layer, step in zip(checks.leaf_layers(model), _expanded(model), strict=True):
        x = layer(x)
        if step == "MaxPooling2D":
            k = next(poolings)
            size = (h // 2 ** k, w // 2 ** k, plan[k - 1][0])
            checks.check_shape(f"the output of block {k}", checks.as_shape(x.shape[1:]), size,
                               hint=hint)
    output = np.asarray(x, dtype=np.float64)
    if output.shape != (3, 1) or not np.all((output > 0) & (output < 1)):
        checks.fail("the model's output", "one probability per image, shape (n, 1)",
                    f"shape {output.shape}", hint)
    channels, expected = input_shape[-1], 0
    for filters, n in plan:
        expected += block_parameters(channels, filters, n)
        channels = filters
    expected += _head_parameters(head, channels)
    checks.check_equal("the number of parameters", int(model.count_params()), expected,
                       hint=hint)


def _expanded(model):
    """The class name of every leaf layer (one per layer, activations not merged)."""
    from dlcourse import checks

    return [type(layer).__name__ for layer in checks.leaf_layers(model)]


def _head_parameters(head, channels):
    total = 0
    for step in head:
        if step[0] == "Dense":
            total += channels * step[1] + step[1]
            channels = step[1]
    return total
