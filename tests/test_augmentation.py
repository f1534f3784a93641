"""Tests of dlcourse.augmentation: augmented versions, training over seeds, tables, figures,
and the committed multi-seed measurements of chapter 12."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from dlcourse import augmentation


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


IMAGE = np.random.default_rng(0).uniform(size=(16, 16, 3)).astype("float32")


def test_augmented_versions_are_random_versions_of_the_image_and_repeatable():
    keras.utils.set_random_seed(3)
    flip = keras.layers.RandomFlip("horizontal")
    versions = augmentation.augmented_versions(flip, IMAGE, n=12)
    assert versions.shape == (12, 16, 16, 3)
    flipped = [np.allclose(v, IMAGE[:, ::-1]) for v in versions]
    same = [np.allclose(v, IMAGE) for v in versions]
    assert all(f or s for f, s in zip(flipped, same, strict=True))
    assert any(flipped) and any(same)
    keras.utils.set_random_seed(3)
    again = augmentation.augmented_versions(keras.layers.RandomFlip("horizontal"), IMAGE, n=12)
    np.testing.assert_array_equal(versions, again)


def test_augmented_versions_are_clipped_and_need_one_image():
    contrast = keras.layers.RandomContrast(0.9)
    versions = augmentation.augmented_versions(contrast, IMAGE, n=4)
    assert versions.min() >= 0 and versions.max() <= 1
    with pytest.raises(ValueError, match="one image"):
        augmentation.augmented_versions(contrast, IMAGE[None])


def test_show_augmented_draws_the_original_and_the_versions():
    fig = augmentation.show_augmented(keras.layers.RandomFlip(), IMAGE, n=5, ncols=3,
                                      title="flips")
    assert isinstance(fig, Figure)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 6
    assert shown[0].get_title() == "original"
    np.testing.assert_allclose(shown[0].images[0].get_array(), IMAGE)


def test_accuracy_reads_the_sigmoid_in_inference_mode():
    model = keras.Sequential([keras.Input(shape=(16, 16, 3)),
                              keras.layers.RandomFlip("horizontal"),
                              keras.layers.Flatten(),
                              keras.layers.Dense(1, activation="sigmoid")])
    images = np.stack([IMAGE, 1 - IMAGE])
    p = np.asarray(model(images, training=False)).ravel()
    labels = (p > 0.5).astype(int)
    assert augmentation.accuracy(model, images, labels) == 1.0
    assert augmentation.accuracy(model, images, 1 - labels) == 0.0


def test_train_over_seeds_measures_each_seed_and_repeats():
    rng = np.random.default_rng(1)
    X = rng.uniform(size=(64, 8, 8, 1)).astype("float32")
    y = (X.mean(axis=(1, 2, 3)) > 0.5).astype(int)

    def build():
        model = keras.Sequential([keras.Input(shape=(8, 8, 1)), keras.layers.Flatten(),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        return model

    runs = augmentation.train_over_seeds(build, (X, y), {"train": (X, y)}, seeds=[0, 1],
                                         epochs=2)
    assert runs["seeds"] == [0, 1] and len(runs["seconds"]) == 2
    assert len(runs["train"]) == 2 and all(0 <= a <= 1 for a in runs["train"])
    assert len(runs["history"].history["loss"]) == 2
    again = augmentation.train_over_seeds(build, (X, y), {"train": (X, y)}, seeds=[0, 1],
                                          epochs=2)
    assert again["train"] == runs["train"]


def test_seed_table_and_summary(capsys):
    assert augmentation.summary([0.5, 0.7, 0.6]) == pytest.approx((0.6, 0.5, 0.7))
    augmentation.print_seed_table({"a": [0.5, 0.7], "a longer name": [0.25, 0.75]})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "a              0.500 0.700  mean 0.600  (0.500-0.700)"
    assert lines[1].startswith("a longer name  0.250 0.750  mean 0.500")
    assert all(len(line) <= 88 for line in lines)


def test_plot_seed_scores_draws_a_dot_per_seed():
    fig = augmentation.plot_seed_scores({"none": [0.6, 0.65, 0.7], "flip": [0.8, 0.85]},
                                        title="t", reference=(0.5, "majority class"))
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert [len(line.get_ydata()) for line in dots] == [3, 2]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["none", "flip"]
    with pytest.raises(ValueError):
        augmentation.plot_seed_scores({})


def test_committed_runs_have_their_seeds_and_environment():
    runs = augmentation.load_runs()
    assert {"environment", "experiments"} <= set(runs)
    for experiment in runs["experiments"].values():
        for config in experiment["configs"].values():
            for values in config["accuracy"].values():
                assert len(values) == len(experiment["seeds"]) >= 3
                assert all(0 <= v <= 1 for v in values)
            assert len(config["seconds"]) == len(experiment["seeds"])


def test_show_layer_effects_draws_a_row_per_layer():
    fig = augmentation.show_layer_effects(
        {"flip": keras.layers.RandomFlip(), "contrast": keras.layers.RandomContrast(0.5)},
        IMAGE, n=2)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 6
    assert [ax.get_title() for ax in shown[:3]] == ["original", "flip, version 1",
                                                    "flip, version 2"]
    with pytest.raises(ValueError):
        augmentation.show_layer_effects({}, IMAGE)
