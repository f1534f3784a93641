"""Tests of dlcourse.checks: right answers pass with a tick, wrong ones fail with a reason."""

import keras
import numpy as np
import pytest

from dlcourse import checks
from dlcourse.checks import (
    CheckFailed,
    check_below,
    check_close,
    check_defined,
    check_dense_stack,
    check_equal,
    check_shape,
)


def dense_model(*layers, input_shape=(3,)):
    return keras.Sequential([keras.Input(shape=input_shape), *layers])


def assert_passed(capsys):
    out = capsys.readouterr().out
    assert out.startswith("\u2714"), out
    return out


def make_evil(real, claims):
    """A float whose real value is ``real`` but that claims to be ``claims`` in every way
    Python lets a type lie: comparisons are always true, and ``float()`` / ``int()`` give
    ``claims``."""

    class Evil(float):
        def __eq__(self, other):
            return True

        def __ne__(self, other):
            return False

        def __lt__(self, other):
            return True

        def __le__(self, other):
            return True

        def __gt__(self, other):
            return True

        def __ge__(self, other):
            return True

        __hash__ = float.__hash__

        def __float__(self):
            return float(claims)

        def __int__(self):
            return int(claims)

    return Evil(real)


def test_check_failed_is_an_assertion_error():
    assert issubclass(CheckFailed, AssertionError)


# ---------------------------------------------------------------- check_dense_stack


def test_dense_stack_passes_for_one_linear_unit(capsys):
    model = dense_model(keras.layers.Dense(1))
    check_dense_stack(model, [(1, "linear")], input_shape=(3,))
    assert "1 layer" in assert_passed(capsys)


def test_dense_stack_passes_for_several_layers(capsys):
    model = dense_model(keras.layers.Dense(8, activation="relu"),
                        keras.layers.Dense(1, activation="sigmoid"), input_shape=(4,))
    check_dense_stack(model, [(8, "relu"), (1, "sigmoid")], input_shape=(4,))
    assert_passed(capsys)


def test_dense_stack_passes_for_a_functional_model(capsys):
    # "a keras.Model made only of Dense layers": the functional API builds one too.
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    check_dense_stack(model, [(1, "linear")], input_shape=(3,))
    assert_passed(capsys)


@pytest.mark.parametrize(
    "model, message",
    [
        (lambda: dense_model(keras.layers.Dense(2)), "units of layer 0: expected 1, found 2"),
        (lambda: dense_model(keras.layers.Dense(1, activation="relu")),
         "activation of layer 0: expected 'linear', found 'relu'"),
        (lambda: dense_model(keras.layers.Dense(4), keras.layers.Dense(1)),
         "number of layers: expected 1, found 2"),
        (lambda: dense_model(keras.layers.Dense(1), input_shape=(4,)),
         "input shape (without the batch axis): expected (3,), found (4,)"),
        (lambda: dense_model(keras.layers.Dropout(0.5)),
         "layer 0: expected a Dense layer, found a Dropout layer"),
        (lambda: keras.Sequential([keras.layers.Dense(1)]), "has not been built"),
        (lambda: "not a model", "expected a keras.Model"),
        (lambda: None, "found NoneType"),
    ],
    ids=["units", "activation", "extra layer", "input shape", "dropout", "unbuilt", "string",
         "none"],
)
def test_dense_stack_fails_with_the_reason(model, message, capsys):
    with pytest.raises(CheckFailed) as failure:
        check_dense_stack(model(), [(1, "linear")], input_shape=(3,), hint="see section 2")
    text = str(failure.value)
    assert message in text
    assert "Hint: see section 2" in text
    assert "\u2714" not in capsys.readouterr().out


def test_dense_stack_ignores_the_input_shape_when_not_asked(capsys):
    check_dense_stack(dense_model(keras.layers.Dense(1), input_shape=(7,)), [(1, "linear")])
    assert_passed(capsys)


# ---------------------------------------------------------------- check_shape


@pytest.mark.parametrize(
    "found", [(32, 10), [32, 10], np.zeros((32, 10)), (np.int64(32), 10)]
)
def test_check_shape_passes(found, capsys):
    check_shape("the output shape", found, (32, 10))
    assert "(32, 10)" in assert_passed(capsys)


def test_check_shape_accepts_an_unknown_batch_axis(capsys):
    check_shape("the output shape", keras.Input(shape=(5,)).shape, (None, 5))
    assert_passed(capsys)


@pytest.mark.parametrize(
    "found", [(10, 32), (32,), (32, 10, 1), np.zeros((32, 11)), "32, 10", 320, None]
)
def test_check_shape_fails(found, capsys):
    with pytest.raises(CheckFailed, match="the output shape") as failure:
        check_shape("the output shape", found, (32, 10), hint="rows first")
    assert "Hint: rows first" in str(failure.value)
    assert capsys.readouterr().out == ""


def test_check_shape_does_not_round_fractional_sizes():
    # 2.5 is not a size; int() would silently turn it into 2.
    with pytest.raises(CheckFailed):
        check_shape("the output shape", (2.5, 3), (2, 3))


# ---------------------------------------------------------------- check_equal


@pytest.mark.parametrize("found", [3, 3.0, np.int64(3), np.float32(3.0), np.array(3)])
def test_check_equal_passes(found, capsys):
    check_equal("the number of weights", found, 3)
    assert assert_passed(capsys).startswith("\u2714 the number of weights is 3")


@pytest.mark.parametrize("found", [4, 2, 3.5, 2.999, "three", None, [3, 3]])
def test_check_equal_fails(found, capsys):
    with pytest.raises(CheckFailed, match="the number of weights: expected 3") as failure:
        check_equal("the number of weights", found, 3, hint="count the bias too")
    assert "Hint: count the bias too" in str(failure.value)
    assert capsys.readouterr().out == ""


# ---------------------------------------------------------------- check_close


@pytest.mark.parametrize(
    "found, expected",
    [(0.5, 0.5), (0.5 + 1e-7, 0.5), ([1.0, 2.0], [1.0, 2.0]),
     (np.float32([1.0, 2.0]), np.array([1.0, 2.0])), (np.ones((2, 2)), [[1, 1], [1, 1]])],
)
def test_check_close_passes(found, expected, capsys):
    check_close("the weights", found, expected)
    assert "the weights matches" in assert_passed(capsys)


@pytest.mark.parametrize(
    "found, message",
    [(0.6, "a difference of 0.1"), ([1.0, 2.5], "a difference of 0.5"),
     ([1.0, 2.0, 3.0], "the shape of the weights"), ([[1.0, 2.0]], "the shape of the weights"),
     ("abc", "expected numbers"), (float("nan"), "the weights")],
)
def test_check_close_fails(found, message, capsys):
    expected = 0.5 if np.ndim(found) == 0 else [1.0, 2.0]
    with pytest.raises(CheckFailed, match="the weights") as failure:
        check_close("the weights", found, expected, hint="learning rate")
    assert message in str(failure.value)
    assert "Hint: learning rate" in str(failure.value)
    assert capsys.readouterr().out == ""


def test_check_close_honours_the_tolerance(capsys):
    check_close("w", 1.05, 1.0, atol=0.1, rtol=0)
    assert_passed(capsys)
    with pytest.raises(CheckFailed):
        check_close("w", 1.05, 1.0, atol=0.01, rtol=0)


# ---------------------------------------------------------------- check_below


@pytest.mark.parametrize("found", [0.1, np.float32(0.1), np.array(0.1), 0])
def test_check_below_passes(found, capsys):
    check_below("the validation error", found, 0.2)
    assert "below 0.2" in assert_passed(capsys)


@pytest.mark.parametrize("found", [0.2, 0.3, float("nan"), float("inf")])
def test_check_below_fails(found, capsys):
    with pytest.raises(CheckFailed, match="the validation error: expected below 0.2") as failure:
        check_below("the validation error", found, 0.2, hint="train longer")
    assert "Hint: train longer" in str(failure.value)
    assert capsys.readouterr().out == ""


def test_check_below_fails_cleanly_for_a_missing_answer():
    # Every other check turns an answer of the wrong type into CheckFailed.
    with pytest.raises(CheckFailed):
        check_below("the validation error", None, 0.2)


# ---------------------------------------------------------------- objects that lie


@pytest.mark.parametrize("claims", [999.0, 3.0], ids=["honest number", "lying number"])
def test_evil_object_does_not_pass_check_equal(claims, capsys):
    evil = make_evil(999.0, claims)
    assert evil == 3 and evil == 4  # it does lie about comparisons
    with pytest.raises(CheckFailed):
        check_equal("the count", evil, 3)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("claims", [999.0, 0.01], ids=["honest number", "lying number"])
def test_evil_object_does_not_pass_check_below(claims, capsys):
    evil = make_evil(999.0, claims)
    assert evil < 0.2
    with pytest.raises(CheckFailed):
        check_below("the error", evil, 0.2)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("claims", [999.0, 0.5], ids=["honest number", "lying number"])
def test_evil_object_does_not_pass_check_close(claims, capsys):
    evil = make_evil(999.0, claims)
    with pytest.raises(CheckFailed):
        check_close("the weight", evil, 0.5)
    assert capsys.readouterr().out == ""


def test_evil_object_does_not_pass_check_shape(capsys):
    with pytest.raises(CheckFailed):
        check_shape("the shape", (make_evil(999.0, 999.0), 3), (2, 3))
    assert capsys.readouterr().out == ""


# ---------------------------------------------------------------- check_defined


def test_check_defined_passes_for_defined_names():
    check_defined({"model": object(), "history": None}, "model", "history")


def test_check_defined_fails_for_a_missing_name():
    with pytest.raises(CheckFailed, match="`history`") as failure:
        check_defined({"model": object()}, "model", "history")
    assert "not defined" in str(failure.value)
    assert "run the cell that defines `history` first" in str(failure.value)


# ---------------------------------------------------------------- messages


def test_failure_message_has_expected_found_and_hint():
    with pytest.raises(CheckFailed) as failure:
        checks.fail("the answer", 42, 41, "off by one?")
    assert str(failure.value) == "the answer: expected 42, found 41.\nHint: off by one?"


def test_failure_message_without_hint_has_no_hint_line():
    with pytest.raises(CheckFailed) as failure:
        check_equal("the answer", 41, 42)
    assert "Hint" not in str(failure.value)


def test_check_equal_rejects_a_string_answer():
    with pytest.raises(checks.CheckFailed):
        checks.check_equal("count", "3", 3)


# ------------------------------------------------ classifiers on a pretrained convolutional base


@pytest.fixture(scope="module")
def conv_base():
    from dlcourse.pretrained import build_base

    keras.utils.set_random_seed(7)
    return build_base()  # the course base's architecture, random weights


@pytest.fixture(scope="module")
def conv_images():
    return np.random.default_rng(7).uniform(size=(4, 64, 64, 3)).astype("float32")


def fresh_copy(base):
    copy = keras.models.clone_model(base)
    copy.set_weights(base.get_weights())
    return copy


def test_check_frozen_base_passes_a_frozen_base(conv_base, capsys):
    base = fresh_copy(conv_base)
    base.trainable = False
    checks.check_frozen_base(base, conv_base.get_weights())
    assert "frozen" in assert_passed(capsys)


def test_check_frozen_base_passes_a_base_frozen_layer_by_layer(conv_base, capsys):
    base = fresh_copy(conv_base)
    for layer in base.layers:
        layer.trainable = False
    checks.check_frozen_base(base, conv_base.get_weights())
    assert_passed(capsys)


def test_check_frozen_base_fails_a_trainable_base(conv_base):
    base = fresh_copy(conv_base)
    base.trainable = True
    with pytest.raises(CheckFailed, match="trainable parameters of the base"):
        checks.check_frozen_base(base, conv_base.get_weights(), hint="freeze it")


def test_check_frozen_base_fails_other_weights(conv_base):
    base = fresh_copy(conv_base)
    base.trainable = False
    weights = base.get_weights()
    weights[0] = weights[0] + 1e-3
    base.set_weights(weights)
    with pytest.raises(CheckFailed, match="weights"):
        checks.check_frozen_base(base, conv_base.get_weights())


def test_check_frozen_base_fails_a_non_model(conv_base):
    with pytest.raises(CheckFailed, match="a Keras model"):
        checks.check_frozen_base(conv_base.get_weights(), conv_base.get_weights())


def head_variants(base):
    """Correct spellings of base + Flatten + Dense(16, relu) + Dense(1, sigmoid)."""
    from keras import layers

    nested = keras.Sequential([base, layers.Flatten(), layers.Dense(16, activation="relu"),
                               layers.Dense(1, activation="sigmoid")])
    unpacked = keras.Sequential([keras.Input(shape=(64, 64, 3)), *base.layers,
                                 layers.Flatten(), layers.Dense(16), layers.ReLU(),
                                 layers.Dense(1, activation=keras.activations.sigmoid)])
    inputs = keras.Input(shape=(64, 64, 3))
    x = layers.Flatten()(base(inputs))
    x = layers.Activation("relu")(layers.Dense(16)(x))
    functional = keras.Model(inputs, layers.Activation("sigmoid")(layers.Dense(1)(x)))
    return {"nested": nested, "unpacked": unpacked, "functional": functional}


@pytest.mark.parametrize("variant", ["nested", "unpacked", "functional"])
def test_check_head_on_base_accepts_every_spelling(conv_base, conv_images, variant, capsys):
    model = head_variants(fresh_copy(conv_base))[variant]
    checks.check_head_on_base(model, conv_base, conv_images, units=16)
    assert "Dense(16, relu)" in assert_passed(capsys)


def wrong_head(base, kind):
    from keras import layers

    head = {
        "units": [layers.Flatten(), layers.Dense(8, activation="relu"),
                  layers.Dense(1, activation="sigmoid")],
        "softmax": [layers.Flatten(), layers.Dense(16, activation="relu"),
                    layers.Dense(2, activation="softmax")],
        "relu output": [layers.Flatten(), layers.Dense(16, activation="relu"),
                        layers.Dense(1, activation="relu")],
        "no hidden activation": [layers.Flatten(), layers.Dense(16),
                                 layers.Dense(1, activation="sigmoid")],
        "leaky": [layers.Flatten(), layers.Dense(16), layers.ReLU(negative_slope=0.1),
                  layers.Dense(1, activation="sigmoid")],
        "pooling": [layers.GlobalAveragePooling2D(), layers.Dense(16, activation="relu"),
                    layers.Dense(1, activation="sigmoid")],
        "dropout": [layers.Flatten(), layers.Dropout(0.5), layers.Dense(16, activation="relu"),
                    layers.Dense(1, activation="sigmoid")],
    }[kind]
    return keras.Sequential([base, *head])


@pytest.mark.parametrize("kind", ["units", "softmax", "relu output", "no hidden activation",
                                  "leaky", "pooling", "dropout"])
def test_check_head_on_base_rejects_other_heads(conv_base, conv_images, kind):
    model = wrong_head(fresh_copy(conv_base), kind)
    with pytest.raises(CheckFailed, match="the head after the base"):
        checks.check_head_on_base(model, conv_base, conv_images, units=16, hint="the head")


def test_check_head_on_base_rejects_another_base(conv_base, conv_images):
    from dlcourse.pretrained import build_base

    model = head_variants(build_base())["nested"]  # same architecture, other weights
    with pytest.raises(CheckFailed, match="base's weights inside the model"):
        checks.check_head_on_base(model, conv_base, conv_images, units=16)


def test_check_head_on_base_rejects_a_model_without_the_base(conv_base, conv_images):
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten(),
                              layers.Dense(16, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    with pytest.raises(CheckFailed, match="layers of the base"):
        checks.check_head_on_base(model, conv_base, conv_images, units=16)


def test_check_head_on_base_wants_biases(conv_base, conv_images):
    from keras import layers

    model = keras.Sequential([fresh_copy(conv_base), layers.Flatten(),
                              layers.Dense(16, activation="relu", use_bias=False),
                              layers.Dense(1, activation="sigmoid")])
    with pytest.raises(CheckFailed, match="a kernel and a bias"):
        checks.check_head_on_base(model, conv_base, conv_images, units=16)


# ------------------------------------------------ convolutional layers (chapter 8)

CONV_EXPECTED = [{"filters": 4, "kernel_size": 3, "activation": "relu"},
                 {"filters": 2, "kernel_size": (2, 2), "activation": "linear"}]


def conv_variants():
    conv = keras.layers.Conv2D
    inputs = keras.Input(shape=(9, 8, 3))
    hidden = keras.layers.ReLU()(conv(4, (3, 3))(inputs))
    functional = keras.Model(inputs, conv(2, 2)(hidden))
    return {
        "activation argument": keras.Sequential([keras.Input(shape=(9, 8, 3)),
                                                 conv(4, 3, activation="relu"), conv(2, 2)]),
        "ReLU layer": keras.Sequential([keras.Input(shape=(9, 8, 3)), conv(4, 3),
                                        keras.layers.ReLU(), conv(2, (2, 2), padding="valid")]),
        "Activation layer": keras.Sequential([keras.Input(shape=(9, 8, 3)),
                                              conv(filters=4, kernel_size=[3, 3]),
                                              keras.layers.Activation("relu"),
                                              conv(2, 2, activation="linear")]),
        "functional": functional,
    }


@pytest.mark.parametrize("variant", sorted(conv_variants()))
def test_check_conv_stack_accepts_every_spelling(variant, capsys):
    checks.check_conv_stack(conv_variants()[variant], CONV_EXPECTED, (9, 8, 3))
    assert "2 convolution(s)" in assert_passed(capsys)


@pytest.mark.parametrize(("layers", "message"), [
    ([keras.layers.Conv2D(4, 3, activation="relu"), keras.layers.Conv2D(3, 2)], "filters"),
    ([keras.layers.Conv2D(4, 3), keras.layers.Conv2D(2, 2)], "activation"),
    ([keras.layers.Conv2D(4, 3, activation="relu", padding="same"), keras.layers.Conv2D(2, 2)],
     "padding"),
    ([keras.layers.Conv2D(4, 3, activation="relu", strides=2), keras.layers.Conv2D(2, 2)],
     "strides"),
    ([keras.layers.Conv2D(4, 5, activation="relu"), keras.layers.Conv2D(2, 2)], "kernel_size"),
    ([keras.layers.Conv2D(4, 3, activation="relu"), keras.layers.ReLU(max_value=1.0),
      keras.layers.Conv2D(2, 2)], "layers"),
    ([keras.layers.Conv2D(4, 3, activation="relu"), keras.layers.MaxPooling2D(),
      keras.layers.Conv2D(2, 2)], "layers"),
    ([keras.layers.Conv2D(4, 3, activation="relu", dilation_rate=2),
      keras.layers.Conv2D(2, 2)], "plain convolution"),
    ([keras.layers.Conv2D(4, 3, activation="relu")], "layers"),
])
def test_check_conv_stack_rejects_other_models(layers, message):
    model = keras.Sequential([keras.Input(shape=(9, 8, 3)), *layers])
    with pytest.raises(CheckFailed, match=message):
        checks.check_conv_stack(model, CONV_EXPECTED, (9, 8, 3))


def test_check_conv_stack_checks_the_input_shape_and_the_type():
    model = conv_variants()["ReLU layer"]
    with pytest.raises(CheckFailed, match="input shape"):
        checks.check_conv_stack(model, CONV_EXPECTED, (8, 8, 3))
    with pytest.raises(CheckFailed, match="keras.Model"):
        checks.check_conv_stack(model.layers[0], CONV_EXPECTED, (9, 8, 3))


@pytest.mark.parametrize("strides", [1, 2, 3])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("size", [(7, 7), (8, 5)])
def test_conv2d_by_hand_equals_keras(strides, padding, size):
    layer = keras.layers.Conv2D(3, (3, 2), strides=strides, padding=padding)
    x = np.random.default_rng(9).normal(size=(2, *size, 2)).astype(np.float32)
    expected = np.asarray(layer(x))
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(checks.conv2d_by_hand(x, kernel, bias, strides, padding),
                               expected, atol=1e-5)


def test_conv_steps_reads_conv_settings():
    steps, layers = checks.conv_steps(conv_variants()["Activation layer"])
    assert steps == [
        ("Conv2D", {"filters": 4, "kernel_size": (3, 3), "strides": (1, 1), "padding": "valid",
                    "activation": "relu"}),
        ("Conv2D", {"filters": 2, "kernel_size": (2, 2), "strides": (1, 1), "padding": "valid",
                    "activation": "linear"}),
    ]
    assert [type(layer).__name__ for layer in layers] == ["Conv2D", "Conv2D"]


# ---------------------------------------------------------------- Part I: spellings of a network


layers = keras.layers


@pytest.mark.parametrize(
    "hidden",
    [
        lambda: [layers.Dense(8, activation="relu")],
        lambda: [layers.Dense(8), layers.ReLU()],
        lambda: [layers.Dense(8), layers.Activation("relu")],
        lambda: [layers.Dense(8), layers.Activation(keras.activations.relu)],
    ],
    ids=["argument", "ReLU layer", "Activation layer", "Activation function"],
)
def test_dense_stack_accepts_every_spelling_of_an_activation(hidden, capsys):
    model = dense_model(*hidden(), layers.Dense(1), layers.Activation("sigmoid"),
                        input_shape=(4,))
    check_dense_stack(model, [(8, "relu"), (1, "sigmoid")], input_shape=(4,))
    assert_passed(capsys)


def test_dense_stack_refuses_a_clipped_relu():
    model = dense_model(layers.Dense(8), layers.ReLU(max_value=6.0), layers.Dense(1),
                        input_shape=(4,))
    with pytest.raises(CheckFailed, match="activation of layer 0"):
        check_dense_stack(model, [(8, "relu"), (1, "linear")], input_shape=(4,))


@pytest.mark.parametrize("found", [(3, 1), [3, 1], np.array([3, 1]), (np.int64(3), 1.0)])
def test_check_sizes_accepts_the_numbers_in_any_container(found, capsys):
    checks.check_sizes("kernel_shape", found, (3, 1))
    assert_passed(capsys)


@pytest.mark.parametrize(
    "found",
    [lambda: np.zeros((3, 1)), lambda: __import__("tensorflow").TensorShape((3, 1)),
     lambda: "3, 1", lambda: 3, lambda: (1, 3)],
    ids=["an array of that shape", "TensorShape", "string", "number", "transposed"],
)
def test_check_sizes_refuses_other_things(found):
    with pytest.raises(CheckFailed, match="kernel_shape"):
        checks.check_sizes("kernel_shape", found(), (3, 1))


def test_check_shape_reads_a_1d_integer_array_as_the_sizes(capsys):
    check_shape("the output shape", np.array([32, 10]), (32, 10))
    assert_passed(capsys)


def batch_norm_network(first, use_bias=False):
    normalizer = layers.Normalization()
    normalizer.adapt(np.random.default_rng(0).uniform(size=(200, 5)).astype("float32"))
    start = {"Normalization": [normalizer], "BatchNormalization": [layers.BatchNormalization()],
             None: []}[first]
    return dense_model(*start, layers.Dense(8, use_bias=use_bias), layers.BatchNormalization(),
                       layers.ReLU(), layers.Dropout(0.2), layers.Dense(1), input_shape=(5,))


def test_dense_steps_read_a_network_the_same_whatever_its_spelling():
    steps = checks.dense_steps(batch_norm_network("Normalization"))
    assert [name for name, _ in steps] == ["Normalization", "Dense", "BatchNormalization",
                                           "Activation", "Dropout", "Dense"]
    assert steps[1][1] == {"units": 8, "activation": "linear", "use_bias": False}
    assert steps[3][1] == {"activation": "relu"}


def test_check_steps_compares_only_the_settings_given(capsys):
    expected = [("BatchNormalization", {}), ("Dense", {"units": 8, "activation": "linear"}),
                ("BatchNormalization", {}), ("Activation", {"activation": "relu"}),
                ("Dropout", {"rate": 0.2}), ("Dense", {"units": 1, "use_bias": True})]
    checks.check_steps(batch_norm_network("BatchNormalization"), expected)
    assert_passed(capsys)
    with pytest.raises(CheckFailed, match="the layers"):
        checks.check_steps(batch_norm_network(None), expected)
    expected[4] = ("Dropout", {"rate": 0.5})
    with pytest.raises(CheckFailed, match="the rate of step 5"):
        checks.check_steps(batch_norm_network("BatchNormalization"), expected)


@pytest.mark.parametrize("first", ["Normalization", "BatchNormalization", None])
def test_forward_by_hand_computes_what_keras_computes(first, capsys):
    model = batch_norm_network(first, use_bias=True)
    x = np.random.default_rng(1).uniform(size=(6, 5)).astype("float32")
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, x[:, :1], epochs=2, verbose=0)  # moving averages away from 0 and 1
    assert np.allclose(checks.forward_by_hand(model, x), model(x, training=False), atol=1e-5)
    checks.check_forward(model, x)
    assert_passed(capsys)


def test_a_rebuilt_normalization_layer_computes_once_prepared():
    model = batch_norm_network("Normalization")
    rebuilt = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(model))
    rebuilt.set_weights(model.get_weights())
    x = np.random.default_rng(2).uniform(size=(4, 5)).astype("float32")
    checks.prepare_model(rebuilt)
    assert np.allclose(rebuilt(x), model(x), atol=1e-6)


def test_check_standardizes(capsys):
    X = np.random.default_rng(3).uniform(size=(300, 4)).astype("float32")
    layer = layers.Normalization()
    layer.adapt(X)
    checks.check_standardizes("the first layer", layer, X)
    assert_passed(capsys)
    with pytest.raises(CheckFailed, match="mean 0 and standard deviation 1"):
        checks.check_standardizes("the first layer", layers.Normalization(mean=0, variance=1),
                                  X)


# ---------------------------------------------------------------- Part I: early stopping


@pytest.mark.parametrize(
    "values, min_delta, epoch",
    [([5.0, 4.0, 3.0], 0.0, 3), ([5.0, 4.97, 4.96, 4.9, 4.94], 0.05, 4),
     ([5.0, 4.97, 4.96], 0.05, 1), ([3.0, 2.0, 2.0], 0.0, 2), ([5.0, 4.9, 4.89], -0.05, 2)],
)
def test_restored_epoch_follows_keras_rule(values, min_delta, epoch):
    assert checks.restored_epoch(values, min_delta) == epoch


def l2_model():
    penalty = keras.regularizers.L2(0.01)
    return dense_model(layers.Dense(16, activation="relu", kernel_regularizer=penalty),
                       layers.Dense(1, kernel_regularizer=penalty), input_shape=(4,))


def test_restored_epoch_and_weights_agree_with_keras_with_a_penalty(capsys):
    rng = np.random.default_rng(4)
    X = rng.uniform(size=(200, 4)).astype("float32")
    y = X @ np.array([1.0, -2.0, 3.0, 0.5]) + rng.normal(0, 0.3, 200)
    model = l2_model()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    stopper = keras.callbacks.EarlyStopping(min_delta=0.05, patience=5,
                                            restore_best_weights=True)
    history = model.fit(X, y, validation_data=(X[:100], y[:100]), epochs=300, batch_size=20,
                        callbacks=[stopper], verbose=0)
    assert checks.restored_epoch(history.history["val_loss"], stopper.min_delta) \
        == stopper.best_epoch + 1
    loss = model.evaluate(X[:100], y[:100], verbose=0)
    assert abs(checks.mse_with_penalties(model, X[:100], y[:100]) - loss) < 1e-3 * loss
    checks.check_restored_weights(model, history, stopper, X[:100], y[:100])
    assert_passed(capsys)
    model.fit(X, y, epochs=3, verbose=0)  # trained on: no longer the restored weights
    with pytest.raises(CheckFailed, match="the validation loss of the final model"):
        checks.check_restored_weights(model, history, stopper, X[:100], y[:100])


# ---------------------------------------------------------------- Part I: compiled models


def classifier():
    return dense_model(layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid"),
                       input_shape=(2,))


@pytest.mark.parametrize(
    "loss, metric",
    [("binary_crossentropy", "binary_accuracy"), ("binary_crossentropy", "accuracy"),
     (keras.losses.binary_crossentropy, "acc"),
     (keras.losses.BinaryCrossentropy(), keras.metrics.BinaryAccuracy())],
)
def test_check_compiled_accepts_every_spelling(loss, metric, capsys):
    model = classifier()
    model.compile(optimizer="adam", loss=loss, metrics=[metric])
    rng = np.random.default_rng(5)
    checks.check_compiled(model, rng.normal(size=(100, 2)), rng.integers(0, 2, 100),
                          loss="binary_crossentropy", metric="binary_accuracy")
    assert "binary accuracy" in capsys.readouterr().out


@pytest.mark.parametrize(
    "loss, metrics, message",
    [("mse", ["binary_accuracy"], "the loss"),
     (keras.losses.BinaryFocalCrossentropy(), ["accuracy"], "the loss"),
     ("binary_crossentropy", ["categorical_accuracy"], "the metric"),
     ("binary_crossentropy", ["accuracy", "mse"], "the metrics")],
)
def test_check_compiled_refuses_another_computation(loss, metrics, message):
    model = classifier()
    model.compile(optimizer="adam", loss=loss, metrics=metrics)
    rng = np.random.default_rng(6)
    with pytest.raises(CheckFailed, match=message):
        checks.check_compiled(model, rng.normal(size=(100, 2)), rng.integers(0, 2, 100),
                              loss="binary_crossentropy", metric="binary_accuracy")


def test_check_compiled_for_a_regression(capsys):
    model = dense_model(layers.Dense(1), input_shape=(3,))
    model.compile(optimizer="sgd", loss="mean_squared_error",
                  metrics=[keras.metrics.MeanAbsoluteError()])
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(50, 3)), rng.normal(5.0, 1.0, 50)
    checks.check_compiled(model, X, y, loss="mse", metric="mae")
    assert_passed(capsys)
    with pytest.raises(CheckFailed, match="the loss"):
        checks.check_compiled(model, X, y, loss="mae", metric="mae")



def test_check_compiled_accepts_functions():
    model = dense_model(layers.Dense(1), input_shape=(3,))
    model.compile(optimizer="sgd", loss=keras.losses.mean_squared_error,
                  metrics=[keras.metrics.mean_absolute_error])
    checks.check_compiled(model, np.ones((4, 3)), np.arange(4.0), loss="mse", metric="mae")


@pytest.mark.parametrize(("word", "label"), [
    ("underfitting", "underfitting"), (" Under-Fitting ", "underfitting"),
    ("UNDERFIT", "underfitting"), ("under fitted", "underfitting"),
    ("overfitting", "overfitting"), ("over_fit", "overfitting"), ("Overfits", "overfitting"),
    ("good fit", "good fit"), ("Good", "good fit"), ("just right", "good fit"),
    ("Just-Right", "good fit"), ("good-fit", "good fit"),
    ("over", None), ("fine", None), ("", None), (3, None), (None, None),
    (["overfitting"], None),
])
def test_fit_label_reads_the_usual_spellings_of_a_diagnosis(word, label):
    assert checks.fit_label(word) == label


def test_fit_label_reads_a_string_subclass_by_its_value():
    class Sly(str):
        def lower(self):
            return "overfitting"

    assert checks.fit_label(Sly("underfit")) == "underfitting"
