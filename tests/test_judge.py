"""The judge against hostile answers from a student's kernel, without a kernel: a fake
channel plays the kernel and sends back forged, broken and oversized answers. Whatever
arrives, the judge takes exactly the names it asked for, never a name Python or the
instructor's cells define, turns unreadable data into placeholders and never crashes."""

import base64
import json

import numpy as np
import pytest

from grader.codec import encode
from grader.judge import Judge, free_names


class FakeKernel:
    """Answers every fetch with ``values`` (plus whatever ``extra`` forges) as raw text, and
    every call with ``result``."""

    def __init__(self, values=None, raw=None, result=None):
        self.values, self.raw, self.result = values or {}, raw, result
        self.asked = []

    def ask(self, message):
        self.asked.append(message)
        raw = json.dumps(self.values) if self.raw is None else self.raw
        if message["op"] != "fetch":
            raw = json.dumps(self.result)
        return {"raw64": base64.b64encode(raw.encode()).decode()}

    def send(self, message):
        pass


def judge_with(kernel, setup="import numpy as np"):
    judge = Judge(kernel)
    judge.instructor(setup)
    return judge


FUNCTION = {"t": "function"}
TEST = "assert float(kernel_shape[0]) == 3.0 and int(len(kernel_shape)) == 2"


def test_a_correct_answer_passes():
    kernel = FakeKernel({"kernel_shape": encode((3, 1))})
    assert judge_with(kernel).test(TEST, 1)["points"] == 1.0
    assert kernel.asked[0]["names"] == ["kernel_shape"]


@pytest.mark.parametrize("forged", [
    {"float": FUNCTION, "int": FUNCTION, "len": FUNCTION},  # the red team's case
    {"float": encode(3.0), "len": encode(2)},  # data under builtin names
    {"np": FUNCTION, "__builtins__": encode({}), "AssertionError": encode(1)},
    {"kernel_shape ": encode((3, 1)), "KERNEL_SHAPE": encode((3, 1))},  # near misses
])
def test_forged_extra_names_are_ignored(forged):
    wrong = {"kernel_shape": encode((1, 3)), **forged}
    judge = judge_with(FakeKernel(wrong))
    result = judge.test(TEST, 1)
    assert result["points"] == 0.0, result
    assert set(judge.namespace) - {"__builtins__"} == {"__name__", "get_ipython", "np"}


def test_names_the_instructor_defined_are_never_fetched():
    kernel = FakeKernel({"kernel_shape": encode((3, 1)), "expected": encode((3, 1))})
    judge = judge_with(kernel, "import numpy as np\nexpected = (3, 1)")
    assert judge.test("assert tuple(kernel_shape) == expected", 1)["points"] == 1.0
    assert kernel.asked[0]["names"] == ["kernel_shape"]
    assert free_names("x = len(y)\nprint(__builtins__, __class__)") == ["y"]


@pytest.mark.parametrize("raw", [
    "not JSON at all", "[1, 2, 3]", "null", '"a string"', "[" * 100_000,
    json.dumps({"kernel_shape": [1, 2]}), json.dumps({"kernel_shape": {"t": 5}}),
    json.dumps({"kernel_shape": {"t": "tuple", "v": "not a list"}}),
    json.dumps({"kernel_shape": {"t": "int", "v": "9" * 5000}}),
    json.dumps({"kernel_shape": {"t": "dict", "k": [{"t": "list", "v": []}], "v": [
        {"t": "int", "v": 1}]}}),
    json.dumps({"kernel_shape": {"t": "npscalar", "dtype": "O", "v": [3, 1]}}),
    json.dumps({"kernel_shape": {"t": "keras", "kind": "model", "config": {"module": "os"},
                                 "weights": []}}),
])
def test_unreadable_answers_score_zero_without_breaking_the_judge(raw):
    result = judge_with(FakeKernel(raw=raw)).test(TEST, 1)
    assert result["points"] == 0.0 and result["visible"] is False, result


def test_an_object_array_is_refused():
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.array([(3, 1.0)], dtype=[("a", "i8"), ("b", "f8")]))
    data = {"t": "array", "npy": base64.b64encode(buffer.getvalue()).decode()}
    judge = judge_with(FakeKernel({"kernel_shape": data}))
    assert judge.test("assert kernel_shape is not None and kernel_shape == kernel_shape", 1)[
        "points"] == 0.0


@pytest.mark.parametrize("result, shown", [
    ({"raised": "ValueError"}, "linear_unit(...) raised ValueError"),
    ({"raised": "ValueError: the hidden inputs [[1, 2, 3]] from /tmp/grader-x"},
     "linear_unit(...) raised an exception"),
    ({"raised": ["not", "a", "name"]}, "linear_unit(...) raised an exception"),
    ({"error": "whatever the kernel says"}, "gave no result"),
    ("just a string", "gave no result"),
])
def test_a_student_function_that_raises_shows_only_the_type(result, shown):
    kernel = FakeKernel({"linear_unit": FUNCTION}, result=result)
    outcome = judge_with(kernel).test("linear_unit(np.ones((2, 3)), np.ones((3, 1)), 0)", 2)
    assert outcome["points"] == 0.0 and shown in outcome["message"], outcome
    assert "hidden inputs" not in outcome["message"] and "/tmp" not in outcome["message"]


def test_a_student_function_returns_data_only():
    kernel = FakeKernel({"linear_unit": FUNCTION}, result={"ok": encode([1.0, 2.0])})
    outcome = judge_with(kernel).test(
        "assert linear_unit(1, 2, 3) == [1.0, 2.0]", 2)
    assert outcome["points"] == 2.0, outcome


# --- Keras configurations: what a student's model may carry into the judge -----------------

def _compiled_config(loss, metrics):
    import keras

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation="sigmoid")],
                             name="tiny")
    model.compile(optimizer="adam", loss=loss, metrics=metrics)
    return model, keras.saving.serialize_keras_object(model)


def test_losses_and_metrics_given_as_keras_functions_rebuild_and_compute_the_same():
    import keras

    from grader.codec import encode as encode_value
    from grader.judge import rebuild

    model, _ = _compiled_config(keras.losses.binary_crossentropy, [keras.metrics.binary_accuracy])
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    copy = rebuild(encode_value(model))
    assert copy.loss is keras.losses.binary_crossentropy
    np.testing.assert_allclose(copy.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0),
                               rtol=1e-6)


@pytest.mark.parametrize("name", ["eval", "exec", "open", "__import__", "get", "deserialize",
                                  "serialize", "Loss", "os.system", "binary_crossentropy.x"])
def test_a_function_that_is_not_a_keras_loss_or_metric_is_refused(name):
    from grader.judge import check_keras_config

    _, config = _compiled_config("binary_crossentropy", ["binary_accuracy"])
    config["compile_config"]["loss"] = {"module": "builtins", "class_name": "function",
                                        "config": name, "registered_name": "function"}
    with pytest.raises(ValueError, match="refusing"):
        check_keras_config(config)


@pytest.mark.parametrize("forged", [
    {"module": "os", "class_name": "system", "config": {}},
    {"module": "keras.layers", "class_name": "Lambda", "config": {}},
    {"module": "builtins", "class_name": "function", "config": ["binary_crossentropy"],
     "registered_name": "function"},
    {"module": "builtins", "class_name": "function", "config": "binary_crossentropy",
     "registered_name": "student>binary_crossentropy"},
])
def test_forged_objects_in_a_config_are_refused(forged):
    from grader.judge import check_keras_config

    _, config = _compiled_config("binary_crossentropy", ["binary_accuracy"])
    config["compile_config"]["metrics"] = [forged]
    with pytest.raises(ValueError, match="refusing"):
        check_keras_config(config)


def test_a_remote_call_receives_the_keras_model_the_judge_sends(tmp_path):
    """The kernel side of a call: a Keras model among the arguments is rebuilt with its
    weights, so a hidden test can call ``grad_cam(model, fresh_images)`` on a fixed model."""
    import keras

    from grader.codec import call_and_write, decode
    from grader.codec import encode as encode_value

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)], name="fixed")
    x = np.random.default_rng(1).normal(size=(4, 3)).astype("float32")
    request = tmp_path / "in.json"
    request.write_text(json.dumps({"args": encode_value((model, x)),
                                   "kwargs": encode_value({"scale": 2.0})}))

    def student(net, images, scale):
        return scale * np.asarray(net(images, training=False))

    call_and_write(student, request, tmp_path / "out.json")
    result = json.loads((tmp_path / "out.json").read_text())
    np.testing.assert_allclose(decode(result["ok"]), 2.0 * np.asarray(model(x)), rtol=1e-6)


def test_a_rebuilt_model_standardizes_with_its_adapted_normalization_statistics():
    import keras

    from grader.codec import encode as encode_value
    from grader.judge import rebuild

    x = np.random.default_rng(0).normal(5.0, 3.0, size=(50, 2)).astype("float32")
    standardize = keras.layers.Normalization()
    standardize.adapt(x)
    inner = keras.Sequential([keras.Input(shape=(2,)), standardize], name="inner")
    model = keras.Sequential([keras.Input(shape=(2,)), inner, keras.layers.Dense(1)],
                             name="outer")
    copy = rebuild(encode_value(model))
    np.testing.assert_allclose(np.asarray(copy(x)), np.asarray(model(x)), atol=1e-5)
