"""Tests of dlcourse.data: shapes, dtypes, ranges, splits, determinism and bad inputs."""

import time

import numpy as np
import pytest

from dlcourse import data
from dlcourse.data import (
    PHOTOS,
    SHAPE_CLASSES,
    TABLES,
    VEHICLE_CLASSES,
    load_digit_images,
    load_faces,
    load_photo,
    load_shapes,
    load_table,
    load_textures,
    load_vehicles,
    make_shapes,
    make_vehicles,
    vehicles,
)

PARTS = ("train", "validation", "test")
FRACTIONS = {"train": 0.6, "validation": 0.2, "test": 0.2}

# name -> (rows, features, classes or None for regression), from scikit-learn's documentation
TABLE_SIZES = {
    "diabetes": (442, 10, None),
    "breast_cancer": (569, 30, 2),
    "wine": (178, 13, 3),
    "iris": (150, 4, 3),
    "digits": (1797, 64, 10),
}
CLASSIFICATION = [name for name, (_, _, k) in TABLE_SIZES.items() if k]


def test_every_table_is_covered():
    assert set(TABLES) == set(TABLE_SIZES)


def sorted_rows(X, y):
    """Rows of ``[X | y]`` in lexicographic order: a multiset that ignores row order."""
    rows = np.column_stack([X.astype(np.float64), y.astype(np.float64)])
    return rows[np.lexsort(rows.T[::-1])]


# ---------------------------------------------------------------- tables


@pytest.mark.parametrize("split", data.SPLITS)
@pytest.mark.parametrize("name", list(TABLES))
def test_table_shapes_and_dtypes(name, split):
    rows, n_features, n_classes = TABLE_SIZES[name]
    table = load_table(name, split)
    assert table.X.dtype == np.float32
    assert table.X.flags.c_contiguous
    assert table.X.ndim == 2 and table.X.shape[1] == n_features
    assert table.y.shape == (len(table.X),)
    assert len(table.feature_names) == n_features
    if n_classes is None:
        assert table.task == "regression"
        assert table.y.dtype == np.float32
        assert table.target_names is None
    else:
        assert table.task == ("binary" if n_classes == 2 else "multiclass")
        assert table.y.dtype == np.int64
        assert len(table.target_names) == n_classes
        assert set(np.unique(table.y)) <= set(range(n_classes))
    if split == "all":
        assert len(table) == rows


@pytest.mark.parametrize("name", list(TABLES))
def test_table_split_sizes_follow_60_20_20(name):
    rows, _, n_classes = TABLE_SIZES[name]
    sizes = {split: len(load_table(name, split)) for split in PARTS}
    assert sum(sizes.values()) == rows
    # Stratified rounding may shift up to one row per class.
    slack = n_classes or 1
    for split, size in sizes.items():
        assert abs(size - FRACTIONS[split] * rows) <= slack, (split, size)


@pytest.mark.parametrize("name", list(TABLES))
def test_table_splits_partition_all_rows(name):
    whole = load_table(name, "all")
    parts = [load_table(name, split) for split in PARTS]
    X = np.concatenate([p.X for p in parts])
    y = np.concatenate([p.y for p in parts])
    # Same multiset of rows: every row of "all" is in exactly one split (duplicates included).
    np.testing.assert_array_equal(sorted_rows(X, y), sorted_rows(whole.X, whole.y))


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_stratified_splits_keep_every_class_in_proportion(name):
    _, _, n_classes = TABLE_SIZES[name]
    total = np.bincount(load_table(name, "all").y, minlength=n_classes)
    for split in PARTS:
        counts = np.bincount(load_table(name, split).y, minlength=n_classes)
        assert np.all(counts > 0), (split, counts)
        assert np.all(np.abs(counts - FRACTIONS[split] * total) <= 1), (split, counts, total)


@pytest.mark.parametrize("name", list(TABLES))
def test_table_is_deterministic(name):
    a = load_table(name, "validation", standardize=True)
    b = load_table(name, "validation", standardize=True)
    assert a.X.tobytes() == b.X.tobytes()
    assert a.y.tobytes() == b.y.tobytes()


def test_table_unpacks_and_has_len():
    table = load_table("iris", "test")
    X, y = table
    assert X is table.X and y is table.y
    assert len(table) == len(X) == len(y) == 30


def training_statistics(name):
    train = load_table(name, "train")
    X = train.X.astype(np.float64)
    return X.mean(axis=0), X.std(axis=0)


@pytest.mark.parametrize("name", list(TABLES))
def test_standardize_gives_training_mean_0_std_1(name):
    _, raw_std = training_statistics(name)
    X = load_table(name, "train", standardize=True).X.astype(np.float64)
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-4)
    varying = raw_std > 0
    np.testing.assert_allclose(X.std(axis=0)[varying], 1.0, rtol=1e-3)
    # Constant columns (digits has some) are only shifted, never divided by zero.
    assert np.all(np.isfinite(X))
    np.testing.assert_allclose(X[:, ~varying], 0.0, atol=1e-6)


@pytest.mark.parametrize("split", ["validation", "test", "all"])
@pytest.mark.parametrize("name", list(TABLES))
def test_standardize_uses_training_statistics_for_every_split(name, split):
    mean, std = training_statistics(name)
    raw = load_table(name, split).X.astype(np.float64)
    expected = (raw - mean) / np.where(std > 0, std, 1.0)
    got = load_table(name, split, standardize=True)
    np.testing.assert_allclose(got.X, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(got.y, load_table(name, split).y)


def test_standardized_validation_is_not_standardized_with_its_own_statistics():
    X = load_table("diabetes", "validation", standardize=True).X
    assert np.abs(X.mean(axis=0)).max() > 0.01


def test_features_pick_and_order_columns():
    full = load_table("diabetes", "train")
    picked = load_table("diabetes", "train", features=["bmi", "age"])
    assert picked.feature_names == ["bmi", "age"]
    columns = [full.feature_names.index("bmi"), full.feature_names.index("age")]
    np.testing.assert_array_equal(picked.X, full.X[:, columns])
    np.testing.assert_array_equal(picked.y, full.y)


def test_features_with_standardize_match_the_full_standardized_table():
    names = ["petal width (cm)", "sepal length (cm)"]
    full = load_table("iris", "test", standardize=True)
    picked = load_table("iris", "test", features=names, standardize=True)
    columns = [full.feature_names.index(n) for n in names]
    np.testing.assert_allclose(picked.X, full.X[:, columns], rtol=1e-6)


def test_unknown_feature_is_rejected():
    with pytest.raises(ValueError, match="cholesterol"):
        load_table("diabetes", features=["bmi", "cholesterol"])


def test_unknown_table_is_rejected():
    with pytest.raises(ValueError, match="titanic"):
        load_table("titanic")


@pytest.mark.parametrize("split", ["training", "valid", "", "TRAIN"])
def test_unknown_table_split_is_rejected(split):
    with pytest.raises(ValueError, match="split"):
        load_table("iris", split)


# ---------------------------------------------------------------- digit images


@pytest.mark.parametrize("split", data.SPLITS)
def test_digit_images(split):
    images, labels = load_digit_images(split)
    table = load_table("digits", split)
    assert images.shape == (len(table), 8, 8, 1)
    assert images.dtype == np.float32
    assert labels.dtype == np.int64
    assert images.min() >= 0.0 and images.max() <= 1.0
    np.testing.assert_array_equal(labels, table.y)
    np.testing.assert_allclose(images.reshape(len(images), 64) * 16, table.X)


def test_digit_images_use_the_full_range():
    images, labels = load_digit_images("all")
    assert images.max() == 1.0 and images.min() == 0.0
    assert set(np.unique(labels)) == set(range(10))


def test_digit_images_reject_unknown_split():
    with pytest.raises(ValueError):
        load_digit_images("everything")


# ---------------------------------------------------------------- photographs

GRAY_PHOTOS = {"camera", "horse", "brick", "grass", "gravel"}


def test_gray_photo_names_exist():
    assert GRAY_PHOTOS <= set(PHOTOS)


@pytest.mark.parametrize("name", list(PHOTOS))
def test_photo_dtype_range_and_channels(name):
    photo = load_photo(name)
    assert photo.dtype == np.float32
    assert photo.flags.c_contiguous
    assert photo.min() >= 0.0 and photo.max() <= 1.0
    assert photo.max() > photo.min()  # not a blank image
    if name in GRAY_PHOTOS:
        assert photo.ndim == 2
    else:
        assert photo.ndim == 3 and photo.shape[-1] == 3


@pytest.mark.parametrize("name", list(PHOTOS))
def test_photo_gray_drops_channels(name):
    photo = load_photo(name)
    gray = load_photo(name, gray=True)
    assert gray.shape == photo.shape[:2]
    assert gray.dtype == np.float32
    assert gray.min() >= 0.0 and gray.max() <= 1.0


@pytest.mark.parametrize("name", ["astronaut", "coffee", "china"])
def test_gray_of_a_colour_photo_is_its_luminance(name):
    photo = load_photo(name).astype(np.float64)
    luminance = photo @ [0.2125, 0.7154, 0.0721]  # ITU-R BT.709 weights
    np.testing.assert_allclose(load_photo(name, gray=True), luminance, atol=1e-5)


def test_gray_of_a_gray_photo_is_unchanged():
    np.testing.assert_array_equal(load_photo("camera", gray=True), load_photo("camera"))


@pytest.mark.parametrize("name", list(PHOTOS))
def test_photo_resize(name):
    photo = load_photo(name, size=(24, 40))
    channels = () if name in GRAY_PHOTOS else (3,)
    assert photo.shape == (24, 40, *channels)
    assert photo.dtype == np.float32
    assert photo.min() >= 0.0 and photo.max() <= 1.0


def test_photo_is_deterministic():
    assert load_photo("chelsea").tobytes() == load_photo("chelsea").tobytes()


def test_unknown_photo_is_rejected():
    with pytest.raises(ValueError, match="lena"):
        load_photo("lena")


# ---------------------------------------------------------------- textures


@pytest.mark.parametrize("split", PARTS)
def test_texture_shapes_and_labels(split):
    images, labels = load_textures(split, n_per_class=20, size=16)
    assert images.shape == (60, 16, 16, 1)
    assert images.dtype == np.float32
    assert labels.dtype == np.int64
    assert images.min() >= 0.0 and images.max() <= 1.0
    np.testing.assert_array_equal(labels, np.repeat([0, 1, 2], 20))


def test_texture_defaults():
    images, labels = load_textures()
    assert images.shape == (600, 32, 32, 1)
    np.testing.assert_array_equal(np.bincount(labels), [200, 200, 200])


def test_textures_are_deterministic():
    a, _ = load_textures("validation", n_per_class=10)
    b, _ = load_textures("validation", n_per_class=10)
    assert a.tobytes() == b.tobytes()


def test_texture_splits_share_no_crop():
    crops = {
        split: {image.tobytes() for image in load_textures(split, n_per_class=50, size=16)[0]}
        for split in PARTS
    }
    assert not crops["train"] & crops["test"]
    assert not crops["train"] & crops["validation"]
    assert not crops["validation"] & crops["test"]


def crop_columns(photo, crop):
    """Left columns of every place where ``crop`` occurs in ``photo``."""
    size = crop.shape[0]
    windows = np.lib.stride_tricks.sliding_window_view(photo, size, axis=1)
    candidates = np.argwhere((windows == crop[0]).all(axis=-1))
    return [c for r, c in candidates if np.array_equal(photo[r : r + size, c : c + size], crop)]


@pytest.mark.parametrize(
    "split, band", [("train", (0.0, 0.6)), ("validation", (0.6, 0.8)), ("test", (0.8, 1.0))]
)
def test_texture_crops_come_from_their_band(split, band):
    size = 16
    images, labels = load_textures(split, n_per_class=4, size=size)
    for label, name in enumerate(("brick", "grass", "gravel")):
        photo = load_photo(name)
        left, right = (int(f * photo.shape[1]) for f in band)
        for crop in images[labels == label, :, :, 0]:
            columns = crop_columns(photo, crop)
            assert columns, f"a {split} crop of {name} is not in the photo"
            assert all(left <= c and c + size <= right for c in columns), (name, columns)


@pytest.mark.parametrize("split", ["all", "everything"])
def test_textures_reject_split(split):
    with pytest.raises(ValueError):
        load_textures(split)


def test_textures_reject_a_crop_wider_than_the_band():
    with pytest.raises(ValueError, match="too large"):
        load_textures("validation", n_per_class=2, size=120)


# ---------------------------------------------------------------- faces


@pytest.mark.parametrize("split, rows", [("train", 120), ("validation", 40), ("test", 40),
                                         ("all", 200)])
def test_faces_shapes_and_balance(split, rows):
    images, labels = load_faces(split)
    assert images.shape == (rows, 25, 25, 1)
    assert images.dtype == np.float32
    assert labels.dtype == np.int64
    assert images.min() >= 0.0 and images.max() <= 1.0
    np.testing.assert_array_equal(np.bincount(labels, minlength=2), [rows // 2, rows // 2])


def test_face_splits_partition_all():
    parts = [load_faces(split) for split in PARTS]
    whole_images, whole_labels = load_faces("all")
    X = np.concatenate([p[0] for p in parts]).reshape(200, -1)
    y = np.concatenate([p[1] for p in parts])
    np.testing.assert_array_equal(
        sorted_rows(X, y), sorted_rows(whole_images.reshape(200, -1), whole_labels)
    )


def test_faces_are_deterministic():
    assert load_faces("test")[0].tobytes() == load_faces("test")[0].tobytes()


def test_faces_reject_unknown_split():
    with pytest.raises(ValueError):
        load_faces("holdout")


# ---------------------------------------------------------------- procedural images

# generator, loader, smallest size, classes, split sizes
PROCEDURAL = {
    "vehicles": (make_vehicles, load_vehicles, 16, VEHICLE_CLASSES,
                 {"train": 2000, "validation": 500, "test": 500}),
    "shapes": (make_shapes, load_shapes, 8, SHAPE_CLASSES,
               {"train": 1500, "validation": 300, "test": 300}),
}
KINDS = list(PROCEDURAL)


def object_pixels(kind, n, size, seed):
    """Images and the mask of their drawn object: for shapes, the pixels that differ from
    the (plain) background of the left-most column; for vehicles, the generator's own mask
    of the visible vehicle."""
    if kind == "vehicles":
        images, _, _, masks, _ = vehicles._make(n, size, seed, "both")
        return images, masks
    images, _ = make_shapes(n, size, seed)
    return images, np.abs(images - images[:, :, :1, :]).max(axis=-1) > 0.2


@pytest.mark.parametrize("kind", KINDS)
def test_generated_shapes_dtypes_and_range(kind):
    make, _, minimum, classes, _ = PROCEDURAL[kind]
    images, labels = make(50, size=2 * minimum, seed=3)
    assert images.shape == (50, 2 * minimum, 2 * minimum, 3)
    assert images.dtype == np.float32
    assert labels.shape == (50,)
    assert labels.dtype == np.int64
    assert images.min() >= 0.0 and images.max() <= 1.0
    assert set(np.unique(labels)) <= set(range(len(classes)))


@pytest.mark.parametrize("kind", KINDS)
def test_generate_zero_images(kind):
    make, _, minimum, _, _ = PROCEDURAL[kind]
    images, labels = make(0, size=minimum)
    assert images.shape == (0, minimum, minimum, 3)
    assert labels.shape == (0,)


@pytest.mark.parametrize("kind", KINDS)
def test_generation_is_deterministic(kind):
    make, _, minimum, _, _ = PROCEDURAL[kind]
    a_images, a_labels = make(40, size=minimum * 2, seed=11)
    b_images, b_labels = make(40, size=minimum * 2, seed=11)
    assert a_images.tobytes() == b_images.tobytes()
    assert a_labels.tobytes() == b_labels.tobytes()


@pytest.mark.parametrize("kind", KINDS)
def test_different_seeds_give_different_images(kind):
    make, _, minimum, _, _ = PROCEDURAL[kind]
    a, _ = make(20, size=minimum * 2, seed=1)
    b, _ = make(20, size=minimum * 2, seed=2)
    assert not np.array_equal(a, b)
    assert not any(np.array_equal(x, z) for x in a for z in b)


@pytest.mark.parametrize("kind", KINDS)
def test_every_chunk_is_drawn(kind):
    # 300 images span two drawing chunks of 256: the second must look like the first.
    images, mask = object_pixels(kind, 300, 32, 4)
    area = mask.sum(axis=(1, 2))
    first, second = area[:256].mean(), area[256:].mean()
    assert 0.7 < second / first < 1.4, (first, second)
    assert len({image.tobytes() for image in images}) == 300


# (n, size - smallest size): negative or fractional n, size too small or not an integer
BAD_ARGUMENTS = [(-1, 0), (-10, 0), (2.5, 0), (4, -1), (4, -5), (4, 0.5), (4, 1.5)]


@pytest.mark.parametrize("n, extra", BAD_ARGUMENTS)
@pytest.mark.parametrize("kind", KINDS)
def test_generation_rejects_bad_arguments(kind, n, extra):
    make, _, minimum, _, _ = PROCEDURAL[kind]
    with pytest.raises(ValueError):
        make(n, size=minimum + extra)


@pytest.mark.parametrize("kind", KINDS)
def test_generation_rejects_a_size_given_as_text(kind):
    make, _, minimum, _, _ = PROCEDURAL[kind]
    with pytest.raises(ValueError):
        make(4, size=str(minimum))


@pytest.mark.parametrize("kind", KINDS)
def test_smallest_size_is_accepted(kind):
    make, _, minimum, _, _ = PROCEDURAL[kind]
    images, _ = make(3, size=minimum)
    assert images.shape == (3, minimum, minimum, 3)


@pytest.mark.parametrize("kind", KINDS)
def test_fixed_split_sizes(kind):
    _, load, minimum, _, sizes = PROCEDURAL[kind]
    for split, rows in sizes.items():
        images, labels = load(split, size=minimum)
        assert images.shape == (rows, minimum, minimum, 3)
        assert labels.shape == (rows,)
        assert images.dtype == np.float32 and labels.dtype == np.int64


@pytest.mark.parametrize("kind", KINDS)
def test_all_split_is_train_validation_test(kind):
    _, load, minimum, _, _ = PROCEDURAL[kind]
    parts = [load(split, size=minimum) for split in PARTS]
    images, labels = load("all", size=minimum)
    np.testing.assert_array_equal(images, np.concatenate([p[0] for p in parts]))
    np.testing.assert_array_equal(labels, np.concatenate([p[1] for p in parts]))


@pytest.mark.parametrize("kind", KINDS)
def test_fixed_splits_are_deterministic_and_disjoint(kind):
    _, load, minimum, _, _ = PROCEDURAL[kind]
    seen = {}
    for split in PARTS:
        images, _ = load(split, size=minimum)
        again, _ = load(split, size=minimum)
        assert images.tobytes() == again.tobytes()
        seen[split] = {image.tobytes() for image in images}
    assert not seen["train"] & seen["validation"]
    assert not seen["train"] & seen["test"]
    assert not seen["validation"] & seen["test"]


@pytest.mark.parametrize("kind", KINDS)
def test_fixed_splits_have_every_class_roughly_balanced(kind):
    _, load, minimum, classes, _ = PROCEDURAL[kind]
    k = len(classes)
    for split in PARTS:
        _, labels = load(split, size=minimum)
        share = np.bincount(labels, minlength=k) / len(labels)
        assert np.all(np.abs(share - 1 / k) < 0.07), (split, share)


@pytest.mark.parametrize("kind", KINDS)
def test_loaders_reject_unknown_split(kind):
    _, load, minimum, _, _ = PROCEDURAL[kind]
    with pytest.raises(ValueError):
        load("training", size=minimum)


def compactness(mask):
    """Area over squared largest distance from the centroid: pi (circle), 2 (square), 1.3."""
    rows, cols = np.nonzero(mask)
    d2 = (rows - rows.mean()) ** 2 + (cols - cols.mean()) ** 2
    return len(rows) / d2.max()


def test_shape_labels_match_the_drawn_shape():
    images, labels = make_shapes(300, 32, seed=1)
    mask = np.abs(images - images[:, :1, :1, :]).max(axis=-1) > 0.2  # corners are background
    score = np.array([compactness(m) for m in mask])
    median = {name: np.median(score[labels == k]) for k, name in enumerate(SHAPE_CLASSES)}
    # Measured medians: circle 3.15, square 2.18, triangle 1.52.
    assert median["circle"] > 2.8
    assert 1.9 < median["square"] < 2.5
    assert median["triangle"] < 1.8


@pytest.mark.parametrize("kind", KINDS)
def test_generation_speed(kind):
    make, _, _, _, _ = PROCEDURAL[kind]
    start = time.perf_counter()
    images, _ = make(3000, 64)
    elapsed = time.perf_counter() - start
    print(f"make_{kind}(3000, 64): {elapsed:.2f} s")
    assert images.shape == (3000, 64, 64, 3)
    assert elapsed < 15.0


# --- synthetic tables -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(data.SYNTHETIC))
def test_synthetic_splits_are_fixed_disjoint_draws(name):
    train, again = data.load_synthetic(name, "train"), data.load_synthetic(name, "train")
    assert train.X.tobytes() == again.X.tobytes() and train.y.tobytes() == again.y.tobytes()
    test = data.load_synthetic(name, "test")
    assert not np.isin(test.X[:, 0], train.X[:, 0]).any(), "test rows repeat training rows"
    everything = data.load_synthetic(name, "all")
    assert len(everything) == sum(len(data.load_synthetic(name, s)) for s in data.SPLITS[:3])
    assert train.X.dtype == np.float32 and train.X.shape[1] == len(train.feature_names)


def test_synthetic_classes_are_balanced_and_labelled():
    for name, classes in [("spirals", 2), ("spirals3", 3), ("noisy_spirals", 2),
                           ("noisy_spirals3", 3)]:
        y = data.load_synthetic(name, "train").y
        assert y.dtype == np.int64
        counts = np.bincount(y)
        assert len(counts) == classes and counts.min() > 0.8 * len(y) / classes


def test_spiral_noise_scales_the_same_offsets_and_keeps_the_labels():
    """``noise`` only scales the offsets from the arms: the default draws stay as they were,
    and the noisy spirals are the same points four times farther from their arms."""
    (clean, y0), (default, y1), (noisy, y2) = (
        data.make_spirals(500, noise=noise, seed=9) for noise in (0.0, 0.25, 1.0))
    assert np.array_equal(y0, y1) and np.array_equal(y1, y2)
    assert np.allclose(noisy - clean, 4 * (default - clean), atol=1e-5)
    assert 0.09 < np.std(noisy - clean) < 0.11  # noise 1.0: offsets of standard deviation 0.1
    table = data.load_synthetic("noisy_spirals", "train")
    X, y = data.make_spirals(1000, noise=1.0, seed=341)
    assert np.array_equal(table.X, X) and np.array_equal(table.y, y)
    table = data.load_synthetic("noisy_spirals3", "validation")
    X, y = data.make_spirals(400, classes=3, noise=0.75, seed=352)
    assert np.array_equal(table.X, X) and np.array_equal(table.y, y)


def test_noisy_friedman_is_friedman_with_three_times_the_noise():
    """The same problem (same features, same signal) with noise of standard deviation 3, and
    only 150 training rows (exercise 4, Part 7)."""
    table = data.load_synthetic("noisy_friedman", "train")
    X, y = data.make_friedman(150, noise=3.0, seed=361)
    assert np.array_equal(table.X, X) and np.array_equal(table.y, y)
    valid = data.load_synthetic("noisy_friedman", "validation")
    assert valid.X.shape == (400, 10) and valid.task == "regression"
    X0, y0 = data.make_friedman(2000, noise=0.0, seed=7)
    X3, y3 = data.make_friedman(2000, noise=3.0, seed=7)
    assert np.array_equal(X0, X3)
    assert 2.8 < np.std(y3 - y0) < 3.2


def test_curve_is_the_documented_function_plus_small_noise():
    X, y = data.make_curve(2000, noise=0.0, seed=5)
    x = X[:, 0].astype(np.float64)
    assert np.allclose(y, np.sin(1.5 * x) + x**2 / 4, atol=1e-5)
    X1, y1 = data.make_curve(2000, seed=5)
    assert 0.1 < np.std(y1 - y) < 0.2


def test_generators_reject_bad_arguments():
    with pytest.raises(ValueError):
        data.make_spirals(10, classes=1)
    with pytest.raises(ValueError):
        data.make_curve(-1)
    with pytest.raises(ValueError):
        data.load_synthetic("nope")
    with pytest.raises(ValueError):
        data.load_synthetic("curve", "everything")


# --- cluttered backgrounds --------------------------------------------------------------------


def test_backgrounds_shape_dtype_range():
    images = data.clutter_backgrounds(np.random.default_rng(0), 40, 48)
    assert images.shape == (40, 48, 48, 3)
    assert images.dtype == np.float32
    assert images.min() >= 0.0 and images.max() <= 1.0
    assert data.clutter_backgrounds(np.random.default_rng(0), 0, 32).shape == (0, 32, 32, 3)


def test_backgrounds_depend_only_on_the_generator():
    a = data.clutter_backgrounds(np.random.default_rng(7), 30, 64)
    b = data.clutter_backgrounds(np.random.default_rng(7), 30, 64)
    c = data.clutter_backgrounds(np.random.default_rng(8), 30, 64)
    assert a.tobytes() == b.tobytes()
    assert not any(np.array_equal(x, z) for x in a for z in c)
    # The generator moves on: two calls in a row give different backgrounds.
    rng = np.random.default_rng(7)
    first, second = data.clutter_backgrounds(rng, 5, 32), data.clutter_backgrounds(rng, 5, 32)
    assert not np.array_equal(first, second)


def test_backgrounds_are_cluttered_and_varied():
    images = data.clutter_backgrounds(np.random.default_rng(1), 300, 64)
    # Busy: every background has texture and edges, not a plain colour.
    spread = images.std(axis=(1, 2)).max(axis=-1)
    edges = np.abs(np.diff(images, axis=2)).mean(axis=(1, 2, 3))
    assert np.percentile(spread, 5) > 0.03, np.percentile(spread, 5)
    assert np.median(edges) > 0.02, np.median(edges)
    # Varied: mean colours and brightness differ a lot from image to image.
    means = images.mean(axis=(1, 2))
    assert means.std(axis=0).min() > 0.08, means.std(axis=0)
    assert len({image.tobytes() for image in images}) == 300


def test_backgrounds_crop_every_bundled_photograph():
    from dlcourse.data import backgrounds

    assert set(backgrounds.BACKGROUND_PHOTOS) <= set(PHOTOS)
    photos = backgrounds._photos(backgrounds._short_side(64))
    assert len(photos) == len(backgrounds.BACKGROUND_PHOTOS)
    assert all(p.ndim == 3 and p.shape[-1] == 3 and p.dtype == np.float32 for p in photos)
    # Decoded once per process: a second call returns the very same arrays.
    assert backgrounds._photos(backgrounds._short_side(64)) is photos


@pytest.mark.parametrize(
    "rng, m, size",
    [(0, 4, 32), (None, 4, 32), (np.random.default_rng(0), -1, 32),
     (np.random.default_rng(0), 2.5, 32), (np.random.default_rng(0), 4, 4),
     (np.random.default_rng(0), 4, "32")],
)
def test_backgrounds_reject_bad_arguments(rng, m, size):
    with pytest.raises(ValueError):
        data.clutter_backgrounds(rng, m, size)


def test_backgrounds_are_fast():
    data.clutter_backgrounds(np.random.default_rng(0), 2, 64)  # decode the photographs
    start = time.process_time()
    images = data.clutter_backgrounds(np.random.default_rng(0), 2000, 64)
    elapsed = time.process_time() - start
    print(f"clutter_backgrounds(2000, 64): {elapsed:.2f} s of CPU")
    assert images.shape == (2000, 64, 64, 3)
    assert elapsed < 4.0  # measured: about 1 s


# --- car vs truck scenes ----------------------------------------------------------------------


def test_vehicle_classes_keep_their_names():
    assert VEHICLE_CLASSES == ("car", "truck")
    assert data.FACINGS == ("both", "left", "right")


@pytest.mark.parametrize("facing", ["both", "left", "right"])
def test_vehicles_with_boxes(facing):
    images, labels, boxes = make_vehicles(60, 48, seed=5, facing=facing, return_boxes=True)
    assert images.shape == (60, 48, 48, 3) and images.dtype == np.float32
    assert labels.shape == (60,) and labels.dtype == np.int64
    assert boxes.shape == (60, 4) and boxes.dtype == np.float32
    x_min, y_min, x_max, y_max = boxes.T
    assert np.all((0 <= x_min) & (x_min < x_max) & (x_max <= 48)), boxes
    assert np.all((0 <= y_min) & (y_min < y_max) & (y_max <= 48)), boxes
    np.testing.assert_array_equal(boxes, np.round(boxes))  # pixel edges


def test_boxes_are_the_extent_of_the_visible_vehicle():
    images, labels, boxes, masks, _ = vehicles._make(200, 64, 9, "both")
    assert masks.any(axis=(1, 2)).all(), "every vehicle is at least partly visible"
    for box, mask in zip(boxes, masks, strict=True):
        rows, cols = np.nonzero(mask)
        assert tuple(box) == (cols.min(), rows.min(), cols.max() + 1, rows.max() + 1)
    again_images, again_labels = make_vehicles(200, 64, seed=9)
    assert again_images.tobytes() == images.tobytes()
    assert again_labels.tobytes() == labels.tobytes()


def test_boxes_cover_what_changes_with_the_direction():
    # Facing left or right, the scenes are the same but for the vehicle: the pixels that
    # change must lie in the two boxes, and the boxes must contain many changed pixels.
    left, _, box_left = make_vehicles(100, 64, seed=3, facing="left", return_boxes=True)
    right, _, box_right = make_vehicles(100, 64, seed=3, facing="right", return_boxes=True)
    changed = np.abs(left - right).max(axis=-1) > 0.06
    yy, xx = np.mgrid[0:64, 0:64] + 0.5
    inside = np.zeros_like(changed)
    for boxes in (box_left, box_right):
        x0, y0, x1, y1 = (b[:, None, None] for b in boxes.T)
        inside |= (xx >= x0) & (xx <= x1) & (yy >= y0) & (yy <= y1)
    assert not (changed & ~inside).any()
    assert changed.sum(axis=(1, 2)).min() > 5


def test_facing_both_mixes_the_two_directions():
    both, labels_both = make_vehicles(80, 32, seed=4)
    left, labels_left = make_vehicles(80, 32, seed=4, facing="left")
    right, labels_right = make_vehicles(80, 32, seed=4, facing="right")
    np.testing.assert_array_equal(labels_both, labels_left)
    np.testing.assert_array_equal(labels_both, labels_right)
    same_left = [np.array_equal(b, x) for b, x in zip(both, left, strict=True)]
    same_right = [np.array_equal(b, x) for b, x in zip(both, right, strict=True)]
    assert all(a or b for a, b in zip(same_left, same_right, strict=True))
    assert 0.3 < np.mean(same_left) < 0.7
    assert not any(np.array_equal(a, b) for a, b in zip(left, right, strict=True))


def rear_is_left(masks, boxes):
    """For each vehicle, whether its tall part (cabin or cargo body, behind the front) is
    on the left half of its box: the top quarter of its rows leans to the rear."""
    result = []
    for mask, (x0, y0, x1, y1) in zip(masks, boxes, strict=True):
        top = mask[int(y0) : int(y0 + max(1, (y1 - y0) // 4))]
        cols = np.nonzero(top)[1]
        result.append(cols.mean() < (x0 + x1) / 2)
    return np.array(result)


def test_vehicles_face_the_way_they_are_asked():
    for facing, rear_left in (("right", True), ("left", False)):
        _, _, boxes, masks, _ = vehicles._make(200, 64, 2, facing)
        # Cut by the frame or hidden in part, a few vehicles may look otherwise.
        assert np.mean(rear_is_left(masks, boxes) == rear_left) > 0.85, facing


def test_vehicles_vary_in_scale_position_and_cut():
    _, labels, boxes = make_vehicles(500, 64, seed=6, return_boxes=True)
    width = boxes[:, 2] - boxes[:, 0]
    centre = (boxes[:, 0] + boxes[:, 2]) / 2
    assert width.min() < 0.4 * 64 and width.max() >= 0.95 * 64
    # Measured: 10 % of the centres lie left of 35 % of the width, 10 % right of 65 %.
    assert np.percentile(centre, 10) < 0.4 * 64 and np.percentile(centre, 90) > 0.6 * 64
    cut = (boxes[:, 0] == 0) | (boxes[:, 2] == 64)
    assert 0.05 < cut.mean() < 0.5, cut.mean()
    # Both classes span the same scales: size alone does not tell them apart.
    for k in (0, 1):
        assert np.percentile(width[labels == k], 10) < 0.5 * 64
        assert np.percentile(width[labels == k], 90) > 0.8 * 64


def test_trucks_are_taller_for_their_length_than_cars():
    _, labels, boxes, _, _ = vehicles._make(400, 64, 1, "both")
    whole = (boxes[:, 0] > 0) & (boxes[:, 2] < 64) & (boxes[:, 3] < 64)  # not cut by the frame
    ratio = (boxes[:, 3] - boxes[:, 1]) / (boxes[:, 2] - boxes[:, 0])
    car, truck = whole & (labels == 0), whole & (labels == 1)
    # Measured medians of height / length: cars 0.39, trucks 0.48.
    assert np.median(ratio[truck]) > np.median(ratio[car]) + 0.05


def test_vehicles_are_partly_hidden_but_never_mostly():
    _, _, _, visible, whole = vehicles._make(400, 64, 8, "both")
    assert np.all(visible <= whole)
    hidden = 1 - visible.sum(axis=(1, 2)) / whole.sum(axis=(1, 2))
    # Measured: 60 % of the vehicles lose more than 1 % of their pixels to a pole, a bush or
    # a sign in front of them, 10 % more than 14 %, none more than a third.
    assert 0.4 < np.mean(hidden > 0.01) < 0.8
    assert np.percentile(hidden, 90) > 0.08
    assert hidden.max() < 0.4


@pytest.mark.parametrize("facing", ["up", "Left", "", None, 1, ("left",)])
def test_vehicles_reject_bad_facing(facing):
    with pytest.raises(ValueError, match="facing"):
        make_vehicles(4, 32, facing=facing)
    with pytest.raises(ValueError, match="facing"):
        load_vehicles("validation", 16, facing=facing)


def test_load_vehicles_with_boxes_and_direction():
    images, labels, boxes = load_vehicles("validation", 16, facing="left", return_boxes=True)
    assert images.shape == (500, 16, 16, 3) and boxes.shape == (500, 4)
    plain, plain_labels = load_vehicles("validation", 16, facing="left")
    assert plain.tobytes() == images.tobytes() and plain_labels.tobytes() == labels.tobytes()
    everything = load_vehicles("all", 16, return_boxes=True)
    assert [len(a) for a in everything] == [3000, 3000, 3000]
    np.testing.assert_array_equal(everything[2][2000:2500], load_vehicles(
        "validation", 16, return_boxes=True)[2])


def test_vehicles_are_fast():
    make_vehicles(2, 64)  # decode the photographs
    start = time.process_time()
    images, _ = make_vehicles(2000, 64)
    elapsed = time.process_time() - start
    print(f"make_vehicles(2000, 64): {elapsed:.2f} s of CPU")
    assert elapsed < 4.0  # measured: about 1.7 s


# --- image folders ----------------------------------------------------------------------------


def loaded_arrays(dataset):
    batches = list(dataset.as_numpy_iterator())
    return np.concatenate([b[0] for b in batches]), np.concatenate([b[1] for b in batches])


def test_image_folder_round_trip(tmp_path):
    images, labels = make_vehicles(45, 32, seed=12)
    directory = data.save_image_folder(tmp_path / "scenes", images, labels, VEHICLE_CLASSES)
    assert sorted(p.name for p in directory.iterdir()) == ["car", "truck"]
    assert sum(1 for _ in directory.rglob("*.png")) == 45
    dataset = data.load_image_folder(directory, size=32, batch_size=8, shuffle=False)
    assert dataset.class_names == ["car", "truck"]
    got_images, got_labels = loaded_arrays(dataset)
    # Files are read class by class, each class in the order of the images.
    order = np.concatenate([np.flatnonzero(labels == 0), np.flatnonzero(labels == 1)])
    assert got_images.dtype == np.float32 and got_images.shape == (45, 32, 32, 3)
    assert np.abs(got_images - images[order]).max() <= 1 / 255 + 1e-6
    assert got_labels.shape == (45, 1)
    np.testing.assert_array_equal(got_labels[:, 0], labels[order])


def test_image_folder_with_three_classes_and_gray_images(tmp_path):
    images, labels = make_shapes(30, 16, seed=2)
    gray = images.mean(axis=-1)
    data.save_image_folder(tmp_path, gray, labels, SHAPE_CLASSES)
    dataset = data.load_image_folder(tmp_path, size=16, shuffle=False)
    assert dataset.class_names == sorted(SHAPE_CLASSES)
    got_images, got_labels = loaded_arrays(dataset)
    assert got_images.shape == (30, 16, 16, 3)  # gray files are read as RGB
    assert got_labels.dtype == np.int32 and got_labels.shape == (30,)
    names = np.array(SHAPE_CLASSES)[labels]
    order = np.concatenate([np.flatnonzero(names == n) for n in sorted(SHAPE_CLASSES)])
    np.testing.assert_array_equal(np.array(sorted(SHAPE_CLASSES))[got_labels], names[order])
    assert np.abs(got_images[..., 0] - gray[order]).max() <= 1 / 255 + 1e-6


def test_image_folder_resizes_shuffles_and_splits(tmp_path):
    images, labels = make_vehicles(40, 32, seed=1)
    data.save_image_folder(tmp_path, images, labels, VEHICLE_CLASSES)
    resized = data.load_image_folder(tmp_path, size=20, batch_size=64, seed=3)
    x, y = loaded_arrays(resized)
    assert x.shape == (40, 20, 20, 3) and 0 <= x.min() and x.max() <= 1
    train, validation = data.load_image_folder(
        tmp_path, size=32, validation_split=0.25, subset="both", seed=1
    )
    assert len(loaded_arrays(train)[0]) == 30 and len(loaded_arrays(validation)[0]) == 10
    alone = data.load_image_folder(tmp_path, size=32, validation_split=0.25,
                                   subset="validation", seed=1)
    assert alone.class_names == ["car", "truck"]
    assert len(loaded_arrays(alone)[0]) == 10


def test_image_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no folder"):
        data.load_image_folder(tmp_path / "missing")
    with pytest.raises(ValueError, match="no class folders"):
        data.load_image_folder(tmp_path)
    (tmp_path / "car").mkdir()
    (tmp_path / "truck").mkdir()
    (tmp_path / "truck" / "notes.txt").write_text("not an image")
    with pytest.raises(ValueError, match="no images"):
        data.load_image_folder(tmp_path)
    (tmp_path / "file.png").write_bytes(b"")
    with pytest.raises(NotADirectoryError):
        data.load_image_folder(tmp_path / "file.png")


@pytest.mark.parametrize(
    "images, labels, names",
    [
        (np.zeros((2, 8, 8, 3)), [0, 2], ["a", "b"]),  # label out of range
        (np.zeros((2, 8, 8, 3)), [0], ["a", "b"]),  # one label missing
        (np.zeros((2, 8, 8, 3)), [0.0, 1.0], ["a", "b"]),  # labels not integers
        (np.zeros((2, 8, 8, 2)), [0, 1], ["a", "b"]),  # two channels
        (np.full((2, 8, 8, 3), 2.0), [0, 1], ["a", "b"]),  # outside [0, 1]
        (np.zeros((2, 8, 8, 3)), [0, 1], ["a", "a"]),  # same name twice
        (np.zeros((2, 8, 8, 3)), [0, 1], ["a", "../b"]),  # not a folder name
        (np.zeros((2, 8, 8, 3)), [0, 1], "ab"),  # one string
    ],
)
def test_save_image_folder_rejects_bad_input(tmp_path, images, labels, names):
    with pytest.raises(ValueError):
        data.save_image_folder(tmp_path, images, np.asarray(labels), names)


def test_batches_cut_the_rows_into_shuffled_minibatches_a_new_order_every_epoch():
    X = np.arange(10, dtype="float32")[:, None]
    y = np.arange(10, dtype="float32")
    pipeline = data.batches(X, y, batch_size=4, seed=3)
    epochs = [[batch_y.numpy().tolist() for _, batch_y in pipeline] for _ in range(2)]
    for epoch in epochs:
        assert [len(b) for b in epoch] == [4, 4, 2]
        assert sorted(v for b in epoch for v in b) == list(range(10))
    assert epochs[0] != epochs[1], "a new order at every epoch"
    for x_batch, y_batch in pipeline:  # every row keeps its target
        assert np.array_equal(x_batch.numpy().ravel(), y_batch.numpy())
    ordered = [b.numpy().tolist() for _, b in data.batches(X, y, batch_size=4, shuffle=False)]
    assert ordered == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
