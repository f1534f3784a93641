"""Every data set of the course: offline, deterministic, with fixed splits.

Several families, all returning ``float32`` features (images in ``[0, 1]``, channels last):

- tables bundled in scikit-learn: :func:`load_table` (``diabetes``, ``breast_cancer``,
  ``wine``, ``iris``, ``digits``), and :func:`load_digit_images` for the 8x8 digits as images;
- real photographs bundled in scikit-image and scikit-learn: :func:`load_photo`,
  :func:`load_textures` (crops of brick, grass and gravel), :func:`load_faces`
  (small face / non-face set), and :func:`clutter_backgrounds`, cluttered backgrounds cut
  from them for the procedural images; :func:`photo_crops` (random gray crops, from a
  seed) and :func:`make_filter_pairs` (crops and the same crops through a 3x3 filter);
- tabular problems drawn from a seed: :func:`load_synthetic` (``curve``, ``friedman``,
  ``noisy_friedman``, ``spirals``, ``spirals3``, ``noisy_spirals``, ``noisy_spirals3``) and
  their generators :func:`make_curve`, :func:`make_friedman`, :func:`make_spirals`, from
  which fresh rows can always be drawn;
- procedural images drawn from a seed: :func:`make_vehicles` / :func:`load_vehicles`
  (cars and trucks in cluttered, partly hidden, unevenly lit scenes, with their bounding
  boxes and a choice of direction) and :func:`make_shapes` / :func:`load_shapes`
  (circles, squares, triangles), and :func:`make_objects` / :func:`load_objects` (ten
  classes of everyday objects in cluttered scenes, the source task of the pretrained base);
- :func:`batches` turns the rows of a table into a ``tf.data`` pipeline of shuffled
  minibatches, the fast way to ``fit`` small tables many times;
- folders of image files, one sub-folder per class (your own photographs, or generated
  images saved with :func:`save_image_folder`): :func:`load_image_folder`, through
  ``keras.utils.image_dataset_from_directory``.

``split`` is always one of ``"train"``, ``"validation"``, ``"test"`` or ``"all"``; the same
call returns the same bytes on every machine.
"""

from dlcourse.data.backgrounds import clutter_backgrounds
from dlcourse.data.folders import load_image_folder, save_image_folder
from dlcourse.data.objects import OBJECT_CLASSES, load_objects, make_objects
from dlcourse.data.photos import (
    PHOTOS,
    load_faces,
    load_photo,
    load_textures,
    make_filter_pairs,
    photo_crops,
)
from dlcourse.data.pipelines import batches
from dlcourse.data.shapes import SHAPE_CLASSES, load_shapes, make_shapes
from dlcourse.data.splits import SPLITS
from dlcourse.data.synthetic import (
    SYNTHETIC,
    load_synthetic,
    make_curve,
    make_friedman,
    make_spirals,
)
from dlcourse.data.tables import TABLES, Table, load_digit_images, load_table
from dlcourse.data.vehicles import FACINGS, VEHICLE_CLASSES, load_vehicles, make_vehicles

__all__ = [
    "FACINGS",
    "OBJECT_CLASSES",
    "PHOTOS",
    "SHAPE_CLASSES",
    "SPLITS",
    "SYNTHETIC",
    "TABLES",
    "VEHICLE_CLASSES",
    "Table",
    "batches",
    "clutter_backgrounds",
    "load_digit_images",
    "load_faces",
    "load_image_folder",
    "load_objects",
    "load_photo",
    "load_shapes",
    "load_synthetic",
    "load_table",
    "load_textures",
    "load_vehicles",
    "make_curve",
    "make_filter_pairs",
    "make_friedman",
    "make_objects",
    "make_shapes",
    "make_spirals",
    "make_vehicles",
    "save_image_folder",
    "photo_crops",
]
