"""Tests of dlcourse.plots: every function returns a Figure with the expected panels."""

from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import same_color
from matplotlib.figure import Figure

from dlcourse import plots

HISTORY = {
    "accuracy": [0.5, 0.7, 0.8],
    "loss": [1.0, 0.6, 0.4],
    "val_loss": [1.1, 0.8, 0.7],
    "val_accuracy": [0.4, 0.6, 0.7],
}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def panels_with_images(fig):
    return [ax for ax in fig.axes if ax.images]


# ---------------------------------------------------------------- learning curves


def test_learning_curves_with_validation():
    fig = plots.plot_learning_curves(HISTORY)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    loss, accuracy = fig.axes
    assert loss.get_ylabel() == "loss"  # loss comes first whatever the dict order
    assert accuracy.get_ylabel() == "accuracy"
    for ax, name in ((loss, "loss"), (accuracy, "accuracy")):
        training, validation = ax.get_lines()
        np.testing.assert_array_equal(training.get_xdata(), [1, 2, 3])
        np.testing.assert_array_equal(training.get_ydata(), HISTORY[name])
        np.testing.assert_array_equal(validation.get_ydata(), HISTORY[f"val_{name}"])
        assert ax.get_legend() is not None


def test_learning_curves_without_validation():
    fig = plots.plot_learning_curves({"loss": [3.0, 2.0], "mae": [1.5, 1.2]})
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "mae"]
    for ax in fig.axes:
        assert len(ax.get_lines()) == 1
        assert ax.get_legend() is None


def test_learning_curves_from_an_object_with_history():
    history = SimpleNamespace(history=HISTORY)  # what model.fit returns
    fig = plots.plot_learning_curves(history)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2


def test_learning_curves_pick_metrics_and_title():
    fig = plots.plot_learning_curves(HISTORY, metrics=["accuracy"], title="Run 1")
    assert [ax.get_ylabel() for ax in fig.axes] == ["accuracy"]
    assert len(fig.axes[0].get_lines()) == 2
    assert fig._suptitle is not None and fig._suptitle.get_text() == "Run 1"


@pytest.mark.parametrize("history", [{}, SimpleNamespace(history={})])
def test_learning_curves_reject_an_empty_history(history):
    with pytest.raises(ValueError, match="empty"):
        plots.plot_learning_curves(history)


# ---------------------------------------------------------------- image grids


def test_show_gray_images():
    images = np.random.default_rng(0).uniform(size=(10, 8, 8, 1))
    fig = plots.show_images(images)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 16  # 2 rows of 8
    shown = panels_with_images(fig)
    assert len(shown) == 10
    for ax, image in zip(shown, images, strict=True):
        picture = ax.images[0]
        assert picture.get_array().shape == (8, 8)
        assert picture.get_cmap().name == "gray"
        np.testing.assert_allclose(picture.get_array(), image[..., 0])
        assert ax.get_title() == ""


def test_show_images_without_channel_axis():
    fig = plots.show_images(np.zeros((3, 5, 5)), ncols=2)
    assert len(fig.axes) == 4
    assert len(panels_with_images(fig)) == 3


def test_show_rgb_images_with_labels():
    images = np.random.default_rng(1).uniform(size=(5, 6, 6, 3))
    fig = plots.show_images(images, labels=[0, 1, 2, 1, 0])
    shown = panels_with_images(fig)
    assert len(fig.axes) == len(shown) == 5
    assert shown[0].images[0].get_array().shape == (6, 6, 3)
    assert [ax.get_title() for ax in shown] == ["0", "1", "2", "1", "0"]


def test_show_a_single_image():
    fig = plots.show_images(np.zeros((1, 4, 4, 3)), labels=[1], class_names=["car", "truck"])
    assert len(fig.axes) == 1
    assert fig.axes[0].get_title() == "truck"


def test_show_images_with_class_names_and_predictions():
    labels = np.array([0, 1, 1, 0])
    predictions = np.array([0, 1, 0, 0])  # the third one is wrong
    fig = plots.show_images(
        np.zeros((4, 4, 4, 1)), labels=labels, class_names=["car", "truck"],
        predictions=predictions,
    )
    titles = [ax.title for ax in panels_with_images(fig)]
    assert [t.get_text() for t in titles] == [
        "car (car)", "truck (truck)", "car (truck)", "car (car)",
    ]
    assert same_color(titles[2].get_color(), "red")
    for i in (0, 1, 3):
        assert not same_color(titles[i].get_color(), "red")


@pytest.mark.parametrize("images", [[], np.zeros((0, 8, 8, 1))])
def test_show_images_rejects_no_images(images):
    with pytest.raises(ValueError):
        plots.show_images(images)


# ---------------------------------------------------------------- kernels


def test_plot_a_2d_kernel():
    kernel = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
    fig = plots.plot_kernels(kernel)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), kernel)
    assert len(ax.texts) == 9  # small kernels are annotated with their values
    assert ax.images[0].get_clim() == (-2.0, 2.0)  # symmetric: zero is white


def test_plot_conv2d_kernels():
    kernels = np.random.default_rng(2).normal(size=(3, 3, 1, 4))
    fig = plots.plot_kernels(kernels)
    shown = panels_with_images(fig)
    assert len(fig.axes) == len(shown) == 4
    for i, ax in enumerate(shown):
        np.testing.assert_allclose(ax.images[0].get_array(), kernels[:, :, 0, i], rtol=1e-6)


def test_plot_kernels_shows_the_first_input_channel():
    kernels = np.random.default_rng(3).normal(size=(3, 3, 2, 3))
    fig = plots.plot_kernels(kernels)
    for i, ax in enumerate(panels_with_images(fig)):
        np.testing.assert_allclose(ax.images[0].get_array(), kernels[:, :, 0, i], rtol=1e-6)


def test_many_kernels_fill_a_grid_without_annotations():
    fig = plots.plot_kernels(np.ones((5, 5, 3, 12)))
    assert len(fig.axes) == 16
    assert len(panels_with_images(fig)) == 12
    assert all(not ax.texts for ax in fig.axes)


def test_plot_kernels_rejects_other_shapes():
    with pytest.raises(ValueError):
        plots.plot_kernels(np.ones((3, 3, 2)))


# ---------------------------------------------------------------- feature maps


@pytest.mark.parametrize("shape", [(6, 6, 5), (1, 6, 6, 5)])
def test_plot_feature_maps(shape):
    maps = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    fig = plots.plot_feature_maps(maps, title="conv1")
    assert isinstance(fig, Figure)
    shown = panels_with_images(fig)
    assert len(fig.axes) == len(shown) == 5
    np.testing.assert_array_equal(shown[3].images[0].get_array(), maps.reshape(6, 6, 5)[:, :, 3])
    assert [ax.get_title() for ax in shown] == ["0", "1", "2", "3", "4"]
    assert fig._suptitle.get_text() == "conv1"


def test_plot_feature_maps_stops_at_max_maps():
    fig = plots.plot_feature_maps(np.zeros((4, 4, 40)))
    assert len(fig.axes) == len(panels_with_images(fig)) == 32


def test_plot_feature_maps_rejects_a_batch_of_two():
    with pytest.raises(ValueError, match="one image"):
        plots.plot_feature_maps(np.zeros((2, 6, 6, 5)))


# ---------------------------------------------------------------- convolution (chapter 8)


def test_plot_kernels_with_titles_and_readable_values():
    kernels = np.stack([np.eye(3), -2 * np.eye(3)], axis=-1)[:, :, None, :]
    fig = plots.plot_kernels(kernels, titles=["true", "learned"])
    assert [ax.get_title() for ax in fig.axes] == ["true", "learned"]
    darkest = [t for t in fig.axes[1].texts if t.get_text() == "-2"]
    assert darkest and all(same_color(t.get_color(), "white") for t in darkest)
    with pytest.raises(ValueError, match="titles"):
        plots.plot_kernels(kernels, titles=["one"])


def test_plot_kernels_writes_weights_with_two_decimals_at_most():
    kernel = np.array([[-0.00012, 1 / 9], [5.0, -0.524]])
    fig = plots.plot_kernels(kernel)
    assert sorted(t.get_text() for t in fig.axes[0].texts) == sorted(["0", "0.11", "5", "-0.52"])


def test_plot_feature_maps_symmetric_scale_and_titles():
    maps = np.zeros((6, 6, 2), dtype=np.float32)
    maps[0, 0, 0], maps[1, 1, 0] = -3.0, 1.0
    fig = plots.plot_feature_maps(maps, titles=["edges", "blur"], symmetric=True)
    shown = panels_with_images(fig)
    assert [ax.get_title() for ax in shown] == ["edges", "blur"]
    low, high = shown[0].images[0].get_clim()
    assert -low == high > 0  # zero sits in the middle of the scale
    assert shown[0].images[0].get_cmap().name == "RdBu_r"
    assert plots.plot_feature_maps(maps).axes[0].images[0].get_cmap().name == "magma"


def test_plot_correlation_step_shows_window_kernel_and_output():
    image = np.arange(20, dtype=float).reshape(4, 5)
    kernel = np.array([[1.0, 0.0], [0.0, -1.0]])
    fig = plots.plot_correlation_step(image, kernel, row=1, col=3)
    source, weights, output = fig.axes
    assert len(source.texts) == 20 and len(weights.texts) == 4 and len(output.texts) == 12
    # Every output cell is image[i, j] - image[i + 1, j + 1] = -6.
    assert {t.get_text() for t in output.texts} == {"-6"}
    assert output.get_title() == "output[1, 3] = -6"
    window = source.patches[0]
    assert (window.get_x(), window.get_y(), window.get_width(), window.get_height()) == (
        2.5, 0.5, 2, 2)
    assert (output.patches[0].get_x(), output.patches[0].get_y()) == (2.5, 0.5)


def test_plot_correlation_step_with_bias_and_bad_positions():
    fig = plots.plot_correlation_step(np.ones((3, 3)), np.ones((3, 3)), bias=0.5)
    assert fig.axes[2].get_title() == "output[0, 0] = 9.5"
    with pytest.raises(ValueError, match="no cell"):
        plots.plot_correlation_step(np.ones((3, 3)), np.ones((3, 3)), row=1)
    with pytest.raises(ValueError):
        plots.plot_correlation_step(np.ones((3, 3)), np.ones((4, 4)))


def test_plot_kernel_effects_layout():
    image = np.random.default_rng(4).uniform(size=(10, 10))
    kernels = [np.ones((3, 3)) / 9, np.array([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])]
    maps = np.random.default_rng(5).normal(size=(8, 8, 2))
    fig = plots.plot_kernel_effects(image, kernels, maps, titles=["blur", "sobel"])
    assert len(fig.axes) == 6  # 2 rows: kernels above, image and maps below
    top, bottom = fig.axes[:3], fig.axes[3:]
    assert not top[0].images  # nothing above the image
    assert [ax.get_title() for ax in top[1:]] == ["blur", "sobel"]
    np.testing.assert_allclose(top[2].images[0].get_array(), kernels[1])
    assert len(top[2].texts) == 9
    np.testing.assert_allclose(bottom[0].images[0].get_array(), image, rtol=1e-6)
    np.testing.assert_allclose(bottom[2].images[0].get_array(), maps[..., 1], rtol=1e-6)
    assert bottom[2].images[0].get_cmap().name == "gray"


def test_plot_kernel_effects_takes_a_conv2d_kernel_and_a_batch_of_maps():
    fig = plots.plot_kernel_effects(np.zeros((6, 6, 1)), np.ones((3, 3, 1, 3)),
                                    np.ones((1, 4, 4, 3)))
    assert len(fig.axes) == 8
    with pytest.raises(ValueError, match="3 kernels but 2"):
        plots.plot_kernel_effects(np.zeros((6, 6)), np.ones((3, 3, 1, 3)), np.ones((4, 4, 2)))


def test_plot_relu_effect_shows_the_share_of_zeros():
    before = np.array([[-1.0, 2.0], [0.0, -3.0]])
    fig = plots.plot_relu_effect([before], titles=["sobel"])
    top, bottom = fig.axes
    np.testing.assert_array_equal(top.images[0].get_array(), before)
    np.testing.assert_array_equal(bottom.images[0].get_array(), [[0, 2], [0, 0]])
    assert top.get_title() == "sobel\nbefore ReLU"
    assert bottom.get_title() == "after ReLU: 75% zeros"
    assert top.images[0].get_clim() == bottom.images[0].get_clim()
    with pytest.raises(ValueError, match="titles"):
        plots.plot_relu_effect(np.zeros((4, 4, 2)), titles=["one"])


# ---------------------------------------------------------------- neuron diagram


def labels_of(fig):
    return [t.get_text() for t in fig.axes[0].texts if t.get_text()]


def test_neuron_diagram_one_input():
    fig = plots.neuron_diagram()
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 1
    assert not fig.axes[0].axison
    assert sorted(labels_of(fig)) == sorted(["$x$", "$w$", "1", "$b$", "$+$", "$y$"])


def test_neuron_diagram_three_inputs_and_activation():
    fig = plots.neuron_diagram(inputs=("x_0", "x_1", "x_2"), activation="ReLU", output="z")
    texts = labels_of(fig)
    for expected in ["$x_0$", "$x_1$", "$x_2$", "$w_0$", "$w_1$", "$w_2$", "$b$", "1", "ReLU",
                     "$z$"]:
        assert expected in texts
    # One arrow per input, one for the bias, sum -> activation and activation -> output.
    arrows = [t for t in fig.axes[0].texts if not t.get_text()]
    assert len(arrows) == 6


def test_neuron_diagram_without_activation_has_no_activation_box():
    fig = plots.neuron_diagram(inputs=("a", "b"), weights=["u", "v"])
    texts = labels_of(fig)
    assert {"$a$", "$b$", "$u$", "$v$"} <= set(texts)
    assert "ReLU" not in texts
    arrows = [t for t in fig.axes[0].texts if not t.get_text()]
    assert len(arrows) == 4  # two inputs, the bias, the output


def test_neuron_diagram_draws_on_a_given_axes():
    fig, ax = plt.subplots()
    assert plots.neuron_diagram(ax=ax) is fig
    assert ax.texts


def test_neuron_diagram_rejects_weights_that_do_not_match_the_inputs():
    with pytest.raises(ValueError, match="2 inputs need 2 weights"):
        plots.neuron_diagram(inputs=("a", "b"), weights=["u"])


# ---------------------------------------------------------------- predictions on images


def test_show_predictions_frames_right_green_and_wrong_red():
    images = np.random.default_rng(4).uniform(size=(5, 6, 6, 3))
    labels = np.array([0, 1, 1, 0, 1])
    p = np.array([0.1, 0.93, 0.2, 0.75, 0.5])  # right, right, wrong, wrong, wrong (0.5 -> 0)
    fig = plots.show_predictions(images, labels, p, class_names=["car", "truck"], ncols=3)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 6  # 2 rows of 3, the last one empty
    shown = panels_with_images(fig)
    assert len(shown) == 5
    np.testing.assert_allclose(shown[0].images[0].get_array(), images[0])
    titles = [ax.get_title() for ax in shown]
    assert titles == ["car 0.90", "truck 0.93", "car 0.80\n(is truck)", "truck 0.75\n(is car)",
                      "car 0.50\n(is truck)"]
    for ax, right in zip(shown, [True, True, False, False, False], strict=True):
        colour = plots.RIGHT_COLOUR if right else plots.WRONG_COLOUR
        assert same_color(ax.title.get_color(), colour)
        assert all(same_color(s.get_edgecolor(), colour) for s in ax.spines.values())
    assert not fig.axes[5].axison


def test_show_predictions_accepts_a_sigmoid_column_and_a_threshold():
    p = np.array([[0.3], [0.6]], dtype=np.float32)  # what model.predict returns
    fig = plots.show_predictions(np.zeros((2, 4, 4, 1)), [1, 1], p, threshold=0.25,
                                 title="threshold 0.25")
    shown = panels_with_images(fig)
    assert [ax.get_title() for ax in shown] == ["1 0.30", "1 0.60"]
    assert shown[0].images[0].get_array().shape == (4, 4)  # one channel shown in gray
    assert fig._suptitle.get_text() == "threshold 0.25"


@pytest.mark.parametrize("labels, p, message", [
    ([0, 1], [0.5], "2 labels and 2 probabilities"),
    ([0, 1], [0.5, 1.5], "between 0 and 1"),
])
def test_show_predictions_rejects_mismatched_inputs(labels, p, message):
    with pytest.raises(ValueError, match=message):
        plots.show_predictions(np.zeros((2, 4, 4, 3)), labels, p)


def test_show_predictions_rejects_no_images():
    with pytest.raises(ValueError, match="no images"):
        plots.show_predictions(np.zeros((0, 4, 4, 3)), [], [])


# ---------------------------------------------------------------- arrays side by side (pooling)


def test_show_arrays_one_panel_per_array_with_titles():
    photo = np.random.default_rng(5).uniform(size=(12, 10))
    maps = np.random.default_rng(6).uniform(size=(6, 5, 1))  # one channel counts as 2-D
    fig = plots.show_arrays([photo, maps], titles=["photo", "pooled"], cmap="gray")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(), photo, rtol=1e-6)
    np.testing.assert_allclose(fig.axes[1].images[0].get_array(), maps[..., 0], rtol=1e-6)
    assert [ax.get_title() for ax in fig.axes] == ["photo", "pooled"]
    assert fig.axes[0].images[0].get_cmap().name == "gray"
    assert not fig.axes[0].texts  # larger than 8 x 8: not annotated


def test_show_arrays_annotates_small_arrays_and_draws_the_windows():
    x = np.arange(16, dtype=np.float32).reshape(4, 4)
    y = np.array([[5.0, 7.0], [13.0, 15.0]])
    fig = plots.show_arrays([x, y], windows=[2, None])
    first, second = fig.axes
    assert [t.get_text() for t in first.texts] == [f"{v:g}" for v in range(16)]
    assert len(second.texts) == 4
    assert len(first.get_lines()) == 2  # one horizontal and one vertical window border
    assert not second.get_lines()
    # Text stays readable: dark on the light cells, light on the dark ones.
    assert same_color(first.texts[0].get_color(), "white")  # magma is dark at the bottom
    assert same_color(first.texts[15].get_color(), "black")


def test_show_arrays_shares_a_colour_scale_and_shows_colour_images():
    image = np.random.default_rng(7).uniform(size=(9, 9, 3))
    fig = plots.show_arrays([image, np.zeros((9, 9))], vmin=0, vmax=2, windows=3,
                            title="two panels")
    assert fig.axes[0].images[0].get_array().shape == (9, 9, 3)
    assert fig.axes[1].images[0].get_clim() == (0.0, 2.0)
    assert len(fig.axes[1].get_lines()) == 4  # borders at 3 and 6, both ways
    assert fig._suptitle.get_text() == "two panels"


@pytest.mark.parametrize("arrays, titles, message", [
    ([], None, "no arrays"),
    ([np.zeros((2, 3, 4))], None, "2-D arrays"),
    ([np.zeros((2, 2)), np.zeros((2, 2))], ["only one"], "2 arrays need 2 titles"),
])
def test_show_arrays_rejects_bad_input(arrays, titles, message):
    with pytest.raises(ValueError, match=message):
        plots.show_arrays(arrays, titles=titles)


# ---------------------------------------------------------------- per-feature scores (GAP)


def test_plot_score_bars_one_bar_per_series_and_feature():
    car, truck = np.array([0.1, 0.5, 0.2]), np.array([0.4, 0.1, 0.3])
    fig = plots.plot_score_bars({"car": car, "truck": truck}, title="scores")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    heights = [patch.get_height() for patch in ax.patches]
    np.testing.assert_allclose(heights, [*car, *truck])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["car", "truck"]
    assert ax.get_title() == "scores"


def test_plot_score_bars_in_a_given_order():
    fig = plots.plot_score_bars({"a": [1.0, 2.0, 3.0, 4.0]}, order=[3, 0])
    ax = fig.axes[0]
    assert [patch.get_height() for patch in ax.patches] == [4.0, 1.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["3", "0"]


@pytest.mark.parametrize("scores", [{}, {"a": [1.0, 2.0], "b": [1.0]}])
def test_plot_score_bars_rejects_bad_input(scores):
    with pytest.raises(ValueError):
        plots.plot_score_bars(scores)


def test_plot_feature_scores_groups_the_rows_by_class():
    scores = np.arange(12, dtype=np.float64).reshape(4, 3)
    labels = np.array([1, 0, 1, 0])
    fig = plots.plot_feature_scores(scores, labels, class_names=("car", "truck"),
                                    order=[2, 0, 1], title="heat map")
    ax = fig.axes[0]
    shown = ax.images[0].get_array()
    np.testing.assert_array_equal(shown, scores[[1, 3, 0, 2]][:, [2, 0, 1]])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["car", "truck"]
    assert len(ax.get_lines()) == 1  # the line between the classes
    assert ax.get_title() == "heat map"
    assert len(fig.axes) == 2  # and a colour bar


def test_plot_feature_scores_centres_standardized_scores_on_zero():
    scores = np.array([[-2.0, 1.0], [0.5, 0.0]])
    fig = plots.plot_feature_scores(scores, [0, 1], symmetric=True, label="z")
    picture = fig.axes[0].images[0]
    assert picture.get_clim() == (-2.0, 2.0)
    assert picture.get_cmap().name == "RdBu_r"
    assert fig.axes[1].get_ylabel() == "z"


def test_plot_feature_scores_rejects_mismatched_labels():
    with pytest.raises(ValueError, match="n labels"):
        plots.plot_feature_scores(np.zeros((3, 4)), [0, 1])


def test_runs_show_the_mean_and_the_range_of_the_seeds():
    runs = {"plain": [{"loss": [3.0, 1.0]}, {"loss": [1.0, 3.0]}],
            "other": [{"loss": [2.0, 2.0]}]}
    fig = plots.plot_runs(runs, ["loss"], ["training loss"], log_scale=["loss"])
    [ax] = fig.axes
    means = {line.get_label(): list(line.get_ydata()) for line in ax.get_lines()}
    assert means == {"plain (2 seeds)": [2.0, 2.0], "other (1 seed)": [2.0, 2.0]}
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() == 1.0 and band.max() == 3.0
    assert ax.get_ylabel() == "training loss" and ax.get_yscale() == "log"


def test_runs_put_at_most_two_panels_in_a_row():
    history = {"a": [1.0], "b": [1.0], "c": [1.0]}
    fig = plots.plot_runs({"run": [history]}, ["a", "b", "c"])
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 3 and len({ax.get_position().x0 for ax in visible}) == 2
    with pytest.raises(ValueError, match="one label per metric"):
        plots.plot_runs({"run": [history]}, ["a"], ["x", "y"])


# ---------------------------------------------------------------- how figures are shown


def png_of(fig):
    import base64
    import io

    from PIL import Image

    data, size = plots.figure_png(fig)
    return Image.open(io.BytesIO(base64.b64decode(data))), size


def test_figure_png_is_retina_and_records_the_smallest_drawn_font():
    fig, (left, right) = plt.subplots(1, 2, figsize=(6, 3), dpi=96)
    left.plot([0, 1])
    left.legend(["a line"], fontsize=9)
    right.axis("off")  # its tick labels (10 pt) are not drawn: they must not count
    right.set_title("title", fontsize=12)
    image, size = png_of(fig)
    assert image.text[plots.FONT_KEY] == "9"
    assert float(image.text[plots.DPI_KEY]) == plots.PIXEL_DENSITY * 96
    assert image.size[0] == plots.PIXEL_DENSITY * size["width"]
    assert 0.5 * 6 * 96 < size["width"] <= 6 * 96  # shown at (the tight box of) its size


def test_a_figure_without_text_records_no_font():
    fig, ax = plt.subplots()
    ax.imshow(np.zeros((3, 3)))
    ax.axis("off")
    image, _ = png_of(fig)
    assert plots.FONT_KEY not in image.text


def test_library_figures_fit_the_column_and_use_9_points_at_least():
    figures = [
        plots.plot_learning_curves(HISTORY),
        plots.show_images(np.zeros((16, 8, 8)), labels=[0] * 16, class_names=["car"]),
        plots.plot_kernels(np.zeros((3, 3, 1, 8))),
        plots.plot_feature_maps(np.zeros((8, 8, 16))),
        plots.show_arrays([np.zeros((4, 4))] * 4, titles=list("abcd")),
        plots.plot_score_bars({"a": np.arange(32.0)}),
    ]
    for fig in figures:
        assert fig.get_figwidth() <= plots.COLUMN_INCHES + 1e-9
        assert plots.smallest_font(fig) >= 9
