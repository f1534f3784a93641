"""Tests of dlcourse.inside: the shipped vehicle convnet (checksum, architecture, accuracy),
the pointing game's arithmetic, and the drawing helpers of chapter 14."""

import shutil

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from dlcourse import inside


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_the_manifest_describes_the_shipped_file():
    manifest = inside.manifest()
    assert manifest["file"] == inside.WEIGHTS_FILE.name
    assert manifest["sha256"] == inside.file_sha256(inside.WEIGHTS_FILE)
    assert manifest["bytes"] == inside.WEIGHTS_FILE.stat().st_size
    assert manifest["accuracy"]["validation"] > 0.9


def test_the_model_has_named_reachable_layers_and_the_shipped_accuracy():
    from dlcourse.data import load_vehicles

    model = inside.load_vehicle_convnet()
    names = [layer.name for layer in model.layers]
    assert names == ["image", "block1_conv", "block1_pool", "block2_conv", "block2_pool",
                     "block3_conv", "block3_pool", "block4_conv", "avg_pool", "logit",
                     "probability"]
    assert model.count_params() == inside.manifest()["architecture"]["parameters"]
    assert model.get_layer("logit").get_config()["activation"] == "linear"
    images, labels = load_vehicles("validation")
    p = np.asarray(model(images[:200], training=False)).ravel()
    accuracy = float(np.mean((p > 0.5) == (labels[:200] == 1)))
    assert accuracy > 0.9


def test_a_damaged_weights_file_is_refused(tmp_path, monkeypatch):
    copy = tmp_path / inside.WEIGHTS_FILE.name
    shutil.copy(inside.WEIGHTS_FILE, copy)
    with open(copy, "r+b") as file:
        file.seek(100)
        byte = file.read(1)
        file.seek(100)
        file.write(bytes([byte[0] ^ 0xFF]))
    monkeypatch.setattr(inside, "WEIGHTS_FILE", copy)
    with pytest.raises(inside.WeightsChecksumError, match="SHA-256"):
        inside.vehicle_convnet_weights()


def test_peak_points_are_the_centres_of_the_highest_cells():
    heatmaps = np.zeros((3, 8, 8))
    heatmaps[0, 0, 0] = 1           # top-left cell
    heatmaps[1, 7, 2] = 5           # row 7, column 2
    heatmaps[2, 3, 6] = heatmaps[2, 5, 1] = 2  # a tie: the first in row-major order
    points = inside.peak_points(heatmaps, image_size=64)
    assert np.allclose(points, [[4, 4], [20, 60], [52, 28]])
    assert np.allclose(inside.peak_points(np.ones((1, 4, 2)), 64), [[16, 8]])


def test_points_in_boxes_exclude_the_far_edges():
    boxes = np.array([[10, 20, 30, 40]] * 5, dtype=np.float32)
    points = np.array([[10, 20], [29.5, 39.5], [30, 25], [15, 40], [9.9, 25]])
    assert inside.in_boxes(points, boxes).tolist() == [True, True, False, False, False]


def test_pointing_hits_counts_a_blank_heatmap_as_a_miss():
    boxes = np.array([[0, 0, 64, 64], [0, 0, 64, 64]], dtype=np.float32)
    heatmaps = np.zeros((2, 8, 8))
    heatmaps[1, 4, 4] = 1.0
    assert inside.pointing_hits(heatmaps, boxes).tolist() == [False, True]


def test_baselines_chance_and_centre():
    boxes = np.array([[0, 0, 32, 32], [16, 16, 48, 48], [0, 0, 64, 64]], dtype=np.float32)
    assert np.allclose(inside.box_fractions(boxes), [0.25, 0.25, 1.0])
    assert inside.centre_hits(boxes).tolist() == [False, True, True]


def test_mosaic_lays_out_tiles_with_gaps():
    tiles = np.arange(5 * 2 * 3, dtype=float).reshape(5, 2, 3)
    out = inside.mosaic(tiles, ncols=3, pad=1)
    assert out.shape == (2 * 2 + 1, 3 * 3 + 2)
    assert np.isnan(out[2]).all() and np.nanmax(out) == 1.0
    assert np.allclose(out[:2, :3], (tiles[0] - tiles[0].min()) / np.ptp(tiles[0]))


def test_drawing_helpers_return_figures():
    rng = np.random.default_rng(0)
    images = rng.uniform(size=(3, 64, 64, 3))
    heatmaps = rng.uniform(size=(3, 8, 8))
    boxes = np.array([[5, 5, 40, 30]] * 3, dtype=np.float32)
    figures = [
        inside.plot_layer_maps({"a": rng.uniform(size=(64, 64, 16)),
                                "b": rng.uniform(size=(8, 8, 128))}),
        inside.plot_rgb_kernels(rng.normal(size=(3, 3, 3, 16))),
        inside.show_tiles(images, ["x", "y", "z"], ncols=2),
        inside.plot_heatmaps(images, heatmaps, ["1", "2", "3"], boxes=boxes),
    ]
    assert all(isinstance(f, Figure) for f in figures)
    assert all(f.get_size_inches()[0] <= 9.0 for f in figures)
    assert len([ax for ax in figures[3].axes if ax.images]) == 3
    with pytest.raises(ValueError):
        inside.plot_rgb_kernels(np.zeros((3, 3, 1, 4)))
    with pytest.raises(ValueError):
        inside.plot_heatmaps(images, heatmaps[:2])


def test_a_confident_copy_makes_the_same_decisions_more_surely():
    from dlcourse.data import make_vehicles

    model = inside.load_vehicle_convnet()
    copy = inside.confident_copy(model, 8.0)
    images, _ = make_vehicles(40, seed=5)
    p = np.asarray(model(images)).ravel()
    q = np.asarray(copy(images)).ravel()
    assert np.array_equal(p > 0.5, q > 0.5)
    assert np.mean(q == 1.0) > np.mean(p == 1.0)
    assert np.allclose(model.get_layer("block1_conv").get_weights()[0],
                       copy.get_layer("block1_conv").get_weights()[0])
