"""Tests of dlcourse.data.objects, the source task of the pretrained base: shapes, dtypes,
determinism, fixed splits, every class present, and bad inputs."""

import numpy as np
import pytest

from dlcourse.data import OBJECT_CLASSES, VEHICLE_CLASSES, load_objects, make_objects
from dlcourse.data.objects import SPLIT_SIZES

PARTS = ("train", "validation", "test")


def test_classes_are_ten_everyday_objects_without_vehicles():
    assert len(OBJECT_CLASSES) == len(set(OBJECT_CLASSES)) == 10
    assert not set(OBJECT_CLASSES) & {*VEHICLE_CLASSES, "bicycle", "bus", "van", "motorbike"}


@pytest.mark.parametrize("size", [16, 32, 64])
def test_shapes_dtypes_and_range(size):
    images, labels = make_objects(40, size=size, seed=3)
    assert images.shape == (40, size, size, 3)
    assert images.dtype == np.float32 and images.flags.c_contiguous
    assert labels.shape == (40,) and labels.dtype == np.int64
    assert images.min() >= 0.0 and images.max() <= 1.0
    assert set(np.unique(labels)) <= set(range(len(OBJECT_CLASSES)))


def test_zero_images():
    images, labels = make_objects(0)
    assert images.shape == (0, 64, 64, 3) and labels.shape == (0,)


def test_generation_is_deterministic():
    a = make_objects(30, size=32, seed=11)
    b = make_objects(30, size=32, seed=11)
    assert a[0].tobytes() == b[0].tobytes() and a[1].tobytes() == b[1].tobytes()


def test_different_seeds_give_different_images():
    a, _ = make_objects(20, size=32, seed=1)
    b, _ = make_objects(20, size=32, seed=2)
    assert not any(np.array_equal(x, z) for x in a for z in b)


def test_every_class_is_drawn_in_every_chunk():
    # 600 images span three drawing chunks of 256; every image is different.
    images, labels = make_objects(600, size=24, seed=4)
    for rows in (slice(0, 256), slice(256, 512), slice(512, 600)):
        assert set(labels[rows]) == set(range(len(OBJECT_CLASSES)))
    assert len({image.tobytes() for image in images}) == 600


def test_images_of_a_class_are_not_all_alike():
    # Many scales, positions, colours and backgrounds: no two images of a class are close.
    images, labels = make_objects(200, size=32, seed=5)
    flat = images.reshape(len(images), -1)
    for k in range(len(OBJECT_CLASSES)):
        members = flat[labels == k]
        distances = np.abs(members[:, None] - members[None]).mean(axis=-1)
        np.fill_diagonal(distances, np.inf)
        assert distances.min() > 0.05, OBJECT_CLASSES[k]


def test_the_object_is_what_changes_with_the_label():
    # The class mean images differ less than the classes do: colour or brightness alone does
    # not give the label away (a nearest-class-mean on pixels is far from perfect).
    images, labels = make_objects(2000, size=16, seed=6)
    flat = images.reshape(len(images), -1)
    train, test = slice(0, 1500), slice(1500, 2000)
    means = np.stack([flat[train][labels[train] == k].mean(axis=0)
                      for k in range(len(OBJECT_CLASSES))])
    predicted = np.argmin(((flat[test][:, None] - means[None]) ** 2).sum(axis=-1), axis=1)
    assert np.mean(predicted == labels[test]) < 0.35


@pytest.mark.parametrize("n, size", [(-1, 64), (2.5, 64), (4, 15), (4, 0), (4, 31.5), (4, "64")])
def test_bad_arguments_are_rejected(n, size):
    with pytest.raises(ValueError):
        make_objects(n, size=size)


def test_fixed_split_sizes_and_every_class_present():
    assert SPLIT_SIZES == {"train": 8000, "validation": 1000, "test": 1000}
    for split in ("validation", "test"):
        images, labels = load_objects(split, size=16)
        assert images.shape == (SPLIT_SIZES[split], 16, 16, 3)
        share = np.bincount(labels, minlength=len(OBJECT_CLASSES)) / len(labels)
        assert np.all(np.abs(share - 0.1) < 0.03), (split, share)


def test_fixed_splits_are_deterministic_and_disjoint():
    seen = {}
    for split in PARTS:
        images, _ = load_objects(split, size=16)
        seen[split] = {image.tobytes() for image in images}
        assert len(seen[split]) == SPLIT_SIZES[split]
    again, _ = load_objects("validation", size=16)
    assert {image.tobytes() for image in again} == seen["validation"]
    assert not seen["train"] & seen["validation"]
    assert not seen["train"] & seen["test"]
    assert not seen["validation"] & seen["test"]


def test_all_split_is_train_validation_test():
    parts = [load_objects(split, size=16) for split in PARTS]
    images, labels = load_objects("all", size=16)
    np.testing.assert_array_equal(images, np.concatenate([p[0] for p in parts]))
    np.testing.assert_array_equal(labels, np.concatenate([p[1] for p in parts]))


def test_unknown_split_is_rejected():
    with pytest.raises(ValueError, match="split"):
        load_objects("training")
