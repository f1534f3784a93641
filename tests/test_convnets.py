"""Tests of dlcourse.convnets: the parameter table, the several-seed helper, the figures,
the measured comparison chapter 11 reads, and the checks of exercise 11."""

import json

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from keras import layers
from matplotlib.figure import Figure

from dlcourse import checks, convnets


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def conv_block(x, filters, convolutions):
    for _ in range(convolutions):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    return layers.MaxPooling2D(2)(x)


def block_model(block, shape, filters, convolutions):
    inputs = keras.Input(shape=shape)
    return keras.Model(inputs, block(inputs, filters, convolutions), name="block")


def three_blocks():
    inputs = keras.Input(shape=(32, 32, 3))
    x = inputs
    for filters, convolutions in [(12, 1), (24, 1), (48, 2)]:
        x = conv_block(x, filters, convolutions)
    x = layers.GlobalMaxPooling2D()(x)
    return keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x), name="three")


PLAN = [(12, 1), (24, 1), (48, 2)]
HEAD = [("GlobalMaxPooling2D",), ("Dense", 1, "sigmoid")]


# ---------------------------------------------------------------- the parameter table


def test_layer_rows_give_shapes_and_counts_that_add_up():
    model = three_blocks()
    rows = convnets.layer_rows(model)
    assert [kind for _, kind, _, _ in rows] == [
        "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Conv2D", "Conv2D",
        "MaxPooling2D", "GlobalMaxPooling2D", "Dense"]
    assert rows[0][2:] == ((32, 32, 12), 3 * 3 * 3 * 12 + 12)
    assert rows[6][2] == (4, 4, 48) and rows[7][2] == (48,)
    assert sum(params for *_, params in rows) == model.count_params() == 34201


def test_parameter_table_is_narrow_and_ends_with_the_total():
    model = keras.Sequential([keras.Input(shape=(8, 8, 2)),
                              layers.Conv2D(4, 3, padding="same", name="c"),
                              layers.Flatten(name="f"), layers.Dense(3, name="d")],
                             name="small")
    text = convnets.parameter_table(model)
    lines = text.splitlines()
    assert lines[0].split() == ["layer", "type", "output", "shape", "parameters"]
    assert lines[1].split() == ["c", "Conv2D", "8", "x", "8", "x", "4", "76"]
    assert lines[-1].split() == ["total", f"{model.count_params():,}"]
    assert max(len(line) for line in lines) <= 88
    with pytest.raises(ValueError, match="wider"):
        convnets.parameter_table(model, width=20)


def test_print_parameter_table(capsys):
    convnets.print_parameter_table(three_blocks())
    out = capsys.readouterr().out
    assert out.startswith("model 'three'") and "34,201" in out


def test_parameter_table_of_a_residual_model_lists_the_add():
    inputs = keras.Input(shape=(8, 8, 3))
    shortcut = layers.Conv2D(4, 1, name="project")(inputs)
    y = layers.Conv2D(4, 3, padding="same", name="conv")(inputs)
    y = layers.Add(name="add")([shortcut, y])
    model = keras.Model(inputs, y, name="residual")
    rows = {name: (kind, shape, params) for name, kind, shape, params in
            convnets.layer_rows(model)}
    assert rows["add"] == ("Add", (8, 8, 4), 0)
    assert rows["project"][2] == 3 * 4 + 4


# ---------------------------------------------------------------- several seeds


def test_train_seeds_records_each_run():
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(64, 8, 8, 3)).astype("float32")
    y = (x[:, :, :, 0].mean(axis=(1, 2)) > 0.5).astype("float32")

    def build():
        return keras.Sequential([keras.Input(shape=(8, 8, 3)), layers.Flatten(),
                                 layers.Dense(1, activation="sigmoid")], name="tiny")

    def settings(steps):
        schedule = keras.optimizers.schedules.CosineDecay(0.01, decay_steps=steps)
        return {"optimizer": keras.optimizers.Adam(schedule), "loss": "binary_crossentropy",
                "metrics": ["binary_accuracy"]}

    runs = convnets.train_seeds(build, (x, y, x[:16], y[:16]), [0, 1], 2, settings)
    assert [run["seed"] for run in runs] == [0, 1]
    for run in runs:
        assert run["parameters"] == 8 * 8 * 3 + 1
        assert len(run["valid_curve"]) == 2
        assert 0 <= run["valid_accuracy"] <= 1 and run["seconds"] >= 0
    summary = convnets.summarize(runs)
    assert summary["min"] <= summary["mean"] <= summary["max"]
    again = convnets.train_seeds(build, (x, y, x[:16], y[:16]), [0], 2, settings)
    assert again[0]["valid_curve"] == runs[0]["valid_curve"]  # seeded


def test_the_committed_comparison_has_what_the_chapter_reads():
    comparison = convnets.load_comparison()
    runs = comparison["runs"]
    for label in ["1 block", "2 blocks", "3 blocks", "3 blocks + Dropout",
                  "3 blocks + BatchNormalization", "3 blocks of 2 convolutions",
                  "3 residual blocks", "dense network on pixels"]:
        assert len(runs[label]) == len(comparison["seeds"]) >= 3, label
        for run in runs[label]:
            assert len(run["valid_curve"]) == comparison["recipe"]["epochs"]
            assert 0.4 < run["valid_accuracy"] <= 1
    assert runs["3 blocks"][0]["parameters"] == 60577
    logistic = comparison["baselines"]["logistic regression on pixels"]["valid_accuracy"]
    # The lesson holds at 32x32: every convnet seed of three blocks beats the pixel models.
    worst = min(run["valid_accuracy"] for run in runs["3 blocks"])
    best_dense = max(run["valid_accuracy"] for run in runs["dense network on pixels"])
    assert worst > max(logistic, best_dense) + 0.15
    assert {"tensorflow", "keras", "onednn", "cpus"} <= set(comparison["environment"])


# ---------------------------------------------------------------- figures


def fake_runs(values, epochs=3):
    return [{"valid_accuracy": v, "valid_curve": list(np.linspace(0.5, v, epochs)),
             "seconds": 1.0, "parameters": 10} for v in values]


def test_plot_seed_accuracies_draws_one_row_per_recipe():
    fig = convnets.plot_seed_accuracies({"a": fake_runs([0.8, 0.9]), "b": fake_runs([0.7])},
                                        baselines={"dense": 0.55})
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert len(ax.patches) == 2  # one bar per recipe
    assert fig.get_size_inches()[0] <= 9
    with pytest.raises(ValueError):
        convnets.plot_seed_accuracies({})


def test_plot_seed_curves_draws_seeds_and_means():
    fig = convnets.plot_seed_curves({"a": fake_runs([0.8, 0.9]), "b": fake_runs([0.7])})
    ax = fig.axes[0]
    assert len(ax.lines) == 2 + 1 + 1 + 1  # seeds of a, its mean, the seed of b, its mean
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]


# ---------------------------------------------------------------- checks of exercise 11


@pytest.mark.parametrize("shape,filters,convolutions",
                         [((16, 16, 3), 8, 2), ((9, 7, 2), 6, 1), ((12, 12, 5), 24, 3)])
def test_check_conv_block_accepts_spellings_of_the_block(shape, filters, convolutions):
    def with_relu_layers(x, f, n):
        for _ in range(n):
            x = layers.ReLU()(layers.Conv2D(f, (3, 3), padding="same")(x))
        return layers.MaxPool2D(pool_size=(2, 2), strides=2)(x)

    def nested(x, f, n):
        steps = [layer for _ in range(n)
                 for layer in (layers.Conv2D(f, 3, padding="same"), layers.Activation("relu"))]
        return keras.Sequential([*steps, layers.MaxPooling2D()])(x)

    for block in (conv_block, with_relu_layers, nested):
        text = block_model(block, shape, filters, convolutions).to_json()
        rebuilt = convnets.model_from_json_text(text)
        convnets.check_conv_block(rebuilt, shape, filters, convolutions)
        assert rebuilt.count_params() == convnets.block_parameters(shape[-1], filters,
                                                                   convolutions)


@pytest.mark.parametrize("wrong", [
    lambda x, f, n: layers.MaxPooling2D(2)(layers.Conv2D(f, 3, padding="valid",
                                                         activation="relu")(x)),
    lambda x, f, n: layers.MaxPooling2D(2)(layers.Conv2D(f, 5, padding="same",
                                                         activation="relu")(x)),
    lambda x, f, n: layers.Conv2D(f, 3, padding="same", activation="relu")(x),
    lambda x, f, n: layers.AveragePooling2D(2)(layers.Conv2D(f, 3, padding="same",
                                                             activation="relu")(x)),
    lambda x, f, n: layers.MaxPooling2D(2)(layers.Conv2D(f, 3, padding="same",
                                                         activation="relu", use_bias=False)(x)),
    lambda x, f, n: layers.MaxPooling2D(2)(layers.Conv2D(f, 3, padding="same")(x)),
    lambda x, f, n: layers.MaxPooling2D(3)(layers.Conv2D(f, 3, padding="same",
                                                         activation="relu")(x)),
])
def test_check_conv_block_refuses_other_blocks(wrong):
    block = block_model(wrong, (12, 12, 3), 8, 1)
    with pytest.raises(checks.CheckFailed):
        convnets.check_conv_block(block, (12, 12, 3), 8, 1)


def test_check_conv_block_refuses_the_wrong_number_of_convolutions():
    block = block_model(conv_block, (12, 12, 3), 8, 2)
    with pytest.raises(checks.CheckFailed, match="layers"):
        convnets.check_conv_block(block, (12, 12, 3), 8, 1)


def test_model_from_json_text_refuses_code():
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, layers.Lambda(lambda t: t * 2)(inputs))
    with pytest.raises(ValueError, match="Lambda"):
        convnets.model_from_json_text(model.to_json())
    config = json.loads(block_model(conv_block, (8, 8, 3), 4, 1).to_json())
    config["config"]["layers"][1]["module"] = "os"
    with pytest.raises(ValueError, match="module"):
        convnets.model_from_json_text(json.dumps(config))
    with pytest.raises(checks.CheckFailed):
        convnets.model_from_json_text(12)


def test_check_block_model_accepts_functional_and_sequential_models(capsys):
    convnets.check_block_model(three_blocks(), PLAN, (32, 32, 3), HEAD)
    sequential = keras.Sequential([
        keras.Input(shape=(32, 32, 3)),
        layers.Conv2D(12, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(24, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(48, 3, padding="same"), layers.ReLU(),
        layers.Conv2D(48, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.GlobalMaxPooling2D(), layers.Dense(1), layers.Activation("sigmoid"),
    ], name="by_hand")
    convnets.check_block_model(sequential, PLAN, (32, 32, 3), HEAD)
    assert "34201" in capsys.readouterr().out


def test_check_block_model_refuses_another_head_or_plan():
    flatten = keras.Sequential([
        keras.Input(shape=(32, 32, 3)),
        layers.Conv2D(12, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(24, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(48, 3, padding="same", activation="relu"),
        layers.Conv2D(48, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Flatten(), layers.Dense(1, activation="sigmoid"),
    ], name="flatten_head")
    with pytest.raises(checks.CheckFailed):
        convnets.check_block_model(flatten, PLAN, (32, 32, 3), HEAD)
    with pytest.raises(checks.CheckFailed):
        convnets.check_block_model(three_blocks(), [(12, 1), (24, 2), (48, 2)], (32, 32, 3),
                                   HEAD)


def test_block_parameters_formula():
    assert convnets.block_parameters(3, 12, 1) == 336
    assert convnets.block_parameters(24, 48, 2) == 10416 + 20784


def test_check_block_model_with_a_rescaling_stem():
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Rescaling(2.0, offset=-1.0)(inputs)
    for filters, convolutions in PLAN:
        x = conv_block(x, filters, convolutions)
    x = layers.GlobalMaxPooling2D()(x)
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x), name="stem")
    stem = [("Rescaling", 2.0, -1.0)]
    assert convnets.model_steps(model)[0] == stem[0]
    convnets.check_block_model(model, PLAN, (32, 32, 3), HEAD, stem=stem)
    with pytest.raises(checks.CheckFailed):  # the stem is required
        convnets.check_block_model(three_blocks(), PLAN, (32, 32, 3), HEAD, stem=stem)
    with pytest.raises(checks.CheckFailed):  # and only where it is asked for
        convnets.check_block_model(model, PLAN, (32, 32, 3), HEAD)
