"""Random crops of the bundled photographs and filtered pairs (chapter 8 and exercise 8)."""

import numpy as np
import pytest

from dlcourse import data


def test_photo_crops_shape_dtype_range():
    crops = data.photo_crops(20, size=16, seed=3)
    assert crops.shape == (20, 16, 16, 1)
    assert crops.dtype == np.float32
    assert 0.0 <= crops.min() and crops.max() <= 1.0
    assert crops.std() > 0.05  # real content, not a constant


def test_photo_crops_are_deterministic_and_depend_on_the_seed():
    a = data.photo_crops(8, seed=1, grain=0.1)
    assert np.array_equal(a, data.photo_crops(8, seed=1, grain=0.1))
    assert not np.array_equal(a, data.photo_crops(8, seed=2, grain=0.1))


def test_photo_crops_are_cut_from_the_chosen_photos():
    photo = data.load_photo("brick")
    crops = data.photo_crops(5, size=12, seed=0, photos=["brick"])
    windows = np.lib.stride_tricks.sliding_window_view(photo, (12, 12))
    for crop in crops[..., 0]:
        assert np.any(np.all(windows == crop, axis=(2, 3))), "a crop of the brick photo"


def test_grain_adds_noise_and_stays_in_range():
    clean = data.photo_crops(10, seed=4)
    grainy = data.photo_crops(10, seed=4, grain=0.1)
    difference = grainy - clean
    assert 0.05 < difference.std() < 0.11
    assert 0.0 <= grainy.min() and grainy.max() <= 1.0


@pytest.mark.parametrize("kwargs", [{"photos": ["moon"]}, {"photos": []}, {"size": 400}])
def test_photo_crops_reject_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        data.photo_crops(2, **kwargs)


def correlate(image, kernel):
    k = len(kernel)
    rows, cols = image.shape[0] - k + 1, image.shape[1] - k + 1
    return np.array([[np.sum(image[i : i + k, j : j + k] * kernel) for j in range(cols)]
                     for i in range(rows)])


@pytest.mark.parametrize("k", [1, 3, 5])
def test_filter_pairs_are_a_valid_correlation_plus_bias(k):
    kernel = np.random.default_rng(k).normal(size=(k, k))
    X, Y = data.make_filter_pairs(4, size=12, seed=5, kernel=kernel, bias=0.25)
    assert X.shape == (4, 12, 12, 1) and Y.shape == (4, 13 - k, 13 - k, 1)
    assert X.dtype == Y.dtype == np.float32
    assert np.array_equal(X, data.photo_crops(4, size=12, seed=5, grain=0.1))
    for x, y in zip(X[..., 0], Y[..., 0], strict=True):
        np.testing.assert_allclose(y, correlate(x.astype(np.float64), kernel) + 0.25, atol=1e-5)


def test_filter_pairs_equal_a_keras_conv2d_with_that_kernel():
    import keras

    kernel = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
    X, Y = data.make_filter_pairs(3, size=10, seed=6, kernel=kernel, bias=-0.5)
    layer = keras.layers.Conv2D(1, 3)
    layer.build((None, 10, 10, 1))
    layer.set_weights([kernel[:, :, None, None], np.array([-0.5])])
    np.testing.assert_allclose(np.asarray(layer(X)), Y, atol=1e-5)


def test_default_filter_is_a_fixed_3x3_filter_with_a_bias():
    X, Y = data.make_filter_pairs(50, seed=7)
    assert Y.shape == (50, 30, 30, 1)
    # Least squares on the 3x3 windows recovers one kernel and bias that explain every pair.
    windows = np.lib.stride_tricks.sliding_window_view(X[..., 0], (3, 3), axis=(1, 2))
    A = np.concatenate([windows.reshape(-1, 9), np.ones((Y.size, 1))], axis=1)
    solution, residual, *_ = np.linalg.lstsq(A.astype(np.float64), Y.ravel(), rcond=None)
    assert residual[0] / Y.size < 1e-10
    assert abs(solution[-1]) > 0.1, "the default filter adds a bias"
    assert not np.allclose(solution[:9].reshape(3, 3), solution[:9].reshape(3, 3)[::-1, ::-1])
    assert np.array_equal(Y, data.make_filter_pairs(50, seed=7)[1])


def test_filter_pairs_reject_a_bias_without_kernel_and_bad_kernels():
    with pytest.raises(ValueError):
        data.make_filter_pairs(2, bias=1.0)
    with pytest.raises(ValueError):
        data.make_filter_pairs(2, kernel=np.ones((3, 2)))
