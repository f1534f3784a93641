"""Tests of dlcourse.pretrained: the architecture, the checksummed weights and their manifest,
freezing, the random baseline, the ImageNet options (routed, never downloaded), and the
accuracy the base reaches on its source task."""

import shutil

import keras
import numpy as np
import pytest

from dlcourse import pretrained
from dlcourse.data import OBJECT_CLASSES, load_objects
from dlcourse.pretrained import WeightsChecksumError, base_weights, load_base, manifest
from tools import pretrain_base

LAYERS = [
    ("block1_conv1", 16), ("block1_conv2", 16), ("block1_pool", None),
    ("block2_conv1", 32), ("block2_conv2", 32), ("block2_pool", None),
    ("block3_conv1", 64), ("block3_conv2", 64), ("block3_pool", None),
]
PARAMETERS = 72_080  # sum of 3*3*c_in*c_out + c_out: 448 + 2320 + 4640 + 9248 + 18496 + 36928


def test_architecture():
    base = load_base()
    assert isinstance(base, keras.Sequential) and base.name == "course_base"
    assert [layer.name for layer in base.layers] == [name for name, _ in LAYERS]
    c_in = 3
    for layer, (_, filters) in zip(base.layers, LAYERS, strict=True):
        config = layer.get_config()
        if filters is None:
            assert type(layer).__name__ == "MaxPooling2D"
            assert tuple(config["pool_size"]) == (2, 2) and tuple(config["strides"]) == (2, 2)
            assert layer.count_params() == 0
            continue
        assert type(layer).__name__ == "Conv2D"
        assert config["filters"] == filters and tuple(config["kernel_size"]) == (3, 3)
        assert config["padding"] == "same" and config["activation"] == "relu"
        assert tuple(config["strides"]) == (1, 1) and config["use_bias"]
        assert layer.count_params() == 3 * 3 * c_in * filters + filters
        c_in = filters
    assert base.count_params() == PARAMETERS
    assert tuple(base.inputs[0].shape) == (None, 64, 64, 3)
    assert tuple(base.outputs[0].shape) == (None, 8, 8, 64)
    assert base(np.zeros((2, 64, 64, 3), np.float32)).shape == (2, 8, 8, 64)


def test_manifest_describes_the_file():
    info = manifest()
    assert info["file"] == pretrained.WEIGHTS_FILE.name
    assert info["sha256"] == pretrained.file_sha256(pretrained.WEIGHTS_FILE)
    assert info["bytes"] == pretrained.WEIGHTS_FILE.stat().st_size
    assert info["bytes"] < 400_000, "the weights must stay a few hundred kB"
    architecture = info["architecture"]
    assert architecture["parameters"] == PARAMETERS
    assert architecture["input_shape"] == [64, 64, 3]
    assert architecture["output_shape"] == [8, 8, 64]
    assert [layer["name"] for layer in architecture["layers"]] == [n for n, _ in LAYERS]
    assert info["source_task"]["classes"] == list(OBJECT_CLASSES)
    assert info["source_task"]["loader"] == "dlcourse.data.load_objects"
    training = info["training"]
    assert training["command"] == pretrain_base.COMMAND
    assert training["seed"] == pretrain_base.SEED and training["epochs"] == pretrain_base.EPOCHS
    assert training["folding_max_difference"] < 1e-3
    # Honest and high enough that the features are general.
    assert 0.8 <= info["pretraining"]["validation_accuracy"] <= 1.0


def test_the_source_task_is_the_one_the_base_was_pretrained_on():
    # If the objects or their backgrounds change, the recorded accuracy no longer holds.
    recorded = manifest()["source_task"]["fingerprint"]
    now = pretrain_base.fingerprint()
    assert now["call"] == recorded["call"]
    changed = (now["labels"] != recorded["labels"]
               or np.abs(np.subtract(now["thumbnails"], recorded["thumbnails"])).max() > 0.01)
    assert not changed, ("dlcourse.data.make_objects draws other images than those the base "
                         "was pretrained on (objects.py or backgrounds.py changed): run `make "
                         "base` and commit the new weights with their manifest")


def test_shipped_arrays_match_the_architecture():
    shapes = [w.shape for w in pretrained.build_base().get_weights()]
    arrays = base_weights()
    assert [a.shape for a in arrays] == shapes
    assert all(a.dtype == np.float32 and np.all(np.isfinite(a)) for a in arrays)
    for got, shipped in zip(load_base().get_weights(), arrays, strict=True):
        np.testing.assert_array_equal(got, shipped)


def test_base_weights_returns_copies():
    first = base_weights()
    first[0][...] = 0.0
    assert np.abs(base_weights()[0]).max() > 0
    assert np.abs(load_base().get_weights()[0]).max() > 0


def test_frozen_by_default_and_unfrozen_on_request():
    frozen = load_base()
    assert frozen.trainable is False
    assert frozen.trainable_weights == [] and len(frozen.non_trainable_weights) == 12
    free = load_base(trainable=True)
    assert free.trainable is True and len(free.trainable_weights) == 12
    # A frozen base stays what was shipped when a head on top of it is trained.
    model = keras.Sequential([frozen, keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.random.default_rng(0).random((8, 64, 64, 3), dtype=np.float32),
              np.ones(8), epochs=1, verbose=0)
    for got, shipped in zip(frozen.get_weights(), base_weights(), strict=True):
        np.testing.assert_array_equal(got, shipped)


def test_random_weights_are_a_different_base():
    random = load_base(weights=None)
    assert random.name == "course_base" and random.trainable is False
    assert random.count_params() == PARAMETERS
    for got, shipped in zip(random.get_weights(), base_weights(), strict=True):
        assert got.shape == shipped.shape
        assert not np.array_equal(got, shipped)


@pytest.mark.parametrize("weights", ["imagenet", "VGG16", "course_base", 1, True])
def test_unknown_weights_are_rejected(weights):
    with pytest.raises(ValueError, match="weights"):
        load_base(weights=weights)


@pytest.mark.parametrize("weights, application", [("vgg16", "VGG16"),
                                                  ("mobilenet_v2", "MobileNetV2")])
@pytest.mark.parametrize("trainable", [False, True])
def test_imagenet_options_are_routed_to_keras_applications(monkeypatch, weights, application,
                                                           trainable):
    # Never downloads: the application is replaced by a stand-in that records its call.
    calls = []

    def stand_in(**kwargs):
        calls.append(kwargs)
        return keras.Sequential([keras.Input(kwargs["input_shape"]), keras.layers.Conv2D(2, 3)],
                                name=application.lower())

    monkeypatch.setattr(keras.applications, application, stand_in)
    model = load_base(weights=weights, trainable=trainable)
    assert calls == [{"weights": "imagenet", "include_top": False, "input_shape": (64, 64, 3)}]
    assert model.name == application.lower() and model.trainable is trainable


@pytest.mark.parametrize("weights, application", [("vgg16", "VGG16"),
                                                  ("mobilenet_v2", "MobileNetV2")])
def test_imagenet_options_say_they_need_the_internet(monkeypatch, weights, application):
    def offline(**kwargs):  # what keras.applications raises when the download fails
        raise Exception("URL fetch failure on https://storage.googleapis.com/...: None")

    monkeypatch.setattr(keras.applications, application, offline)
    with pytest.raises(RuntimeError, match="internet") as error:
        load_base(weights=weights)
    assert application in str(error.value) and "load_base()" in str(error.value)


@pytest.fixture
def copied_weights(tmp_path, monkeypatch):
    """The package's weights and manifest copied to a folder the test may damage."""
    for path in (pretrained.WEIGHTS_FILE, pretrained.MANIFEST_FILE):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(pretrained, "WEIGHTS_FILE", tmp_path / pretrained.WEIGHTS_FILE.name)
    monkeypatch.setattr(pretrained, "MANIFEST_FILE", tmp_path / pretrained.MANIFEST_FILE.name)
    return pretrained.WEIGHTS_FILE


def test_a_damaged_weights_file_is_refused(copied_weights):
    data = bytearray(copied_weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copied_weights.write_bytes(bytes(data))
    with pytest.raises(WeightsChecksumError, match="SHA-256"):
        load_base()
    with pytest.raises(WeightsChecksumError, match="make base"):
        base_weights()
    load_base(weights=None)  # the random baseline does not need the file


def test_a_missing_weights_file_is_reported(copied_weights):
    copied_weights.unlink()
    with pytest.raises(FileNotFoundError, match="weights"):
        load_base()


def test_saved_weights_depend_only_on_the_arrays(tmp_path):
    base, head = base_weights(), pretrained.head_weights()
    pretrained.save_weights(tmp_path / "a.npz", base, head)
    pretrained.save_weights(tmp_path / "b.npz", base, head)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert (tmp_path / "a.npz").read_bytes() == pretrained.WEIGHTS_FILE.read_bytes()


def test_batch_normalization_folds_exactly():
    # The script trains with BatchNormalization and ships the folded plain-VGG weights.
    keras.utils.set_random_seed(3)
    trained = pretrain_base.training_base()
    rng = np.random.default_rng(3)
    for layer in trained.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            c = layer.get_weights()[0].shape
            layer.set_weights([rng.uniform(0.5, 2, c), rng.normal(0, 0.3, c),
                               rng.normal(0, 0.3, c), rng.uniform(0.2, 3, c)])
    base = pretrained.build_base()
    base.set_weights(pretrain_base.fold(trained))
    x = rng.random((4, 64, 64, 3), dtype=np.float32)
    np.testing.assert_allclose(base.predict(x, verbose=0), trained.predict(x, verbose=0),
                               rtol=1e-4, atol=1e-4)


def test_the_base_reaches_its_recorded_accuracy_on_the_source_task():
    images, labels = load_objects("validation")
    classifier = pretrained.load_source_classifier()
    predicted = np.argmax(classifier.predict(images, verbose=0), axis=1)
    accuracy = float(np.mean(predicted == labels))
    recorded = manifest()["pretraining"]["validation_accuracy"]
    print(f"objects validation accuracy {accuracy:.4f} (recorded {recorded:.4f})")
    assert accuracy == pytest.approx(recorded, abs=0.005)
    # Its features are general enough for a linear probe on GAP features of ten classes.
    assert accuracy >= 0.8
