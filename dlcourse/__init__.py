"""The learner library of *Deep Learning with Keras*.

Import it first in every notebook::

    import dlcourse

Importing it imports TensorFlow without its start-up log lines (they would otherwise arrive
on stderr, clutter the pages and cost points in nbgrader; see :mod:`dlcourse.quiet`), with
oneDNN on, and gives:

- :mod:`dlcourse.data`: every data set of the course, offline and deterministic;
- :mod:`dlcourse.plots`: learning curves, image grids, kernels and feature maps, shown
  sharp in a notebook (:func:`dlcourse.plots.show_crisp_figures`);
- :mod:`dlcourse.checks`: the friendly self-checks used by the exercises;
- :mod:`dlcourse.pretrained`: the course's pretrained convolutional base;
- :func:`seed`: one call that seeds Python, NumPy and Keras;
- :func:`one_thread`: TensorFlow on one CPU thread, faster for small dense networks.
"""

import os

# TF_CPP_MIN_LOG_LEVEL=2 hides TensorFlow's C++ INFO and WARNING lines, the oneDNN notice
# among them (it is an INFO line, even though it is printed before absl logging starts).
# oneDNN itself stays on: switching it off (TF_ENABLE_ONEDNN_OPTS=0) makes convnets about
# 4x slower on a CPU. The variables must be set before TensorFlow is imported, so this
# module sets them before importing anything heavy. Kernels started from this process
# (nbgrader, the book build, benchmarks) inherit them.
QUIET_TENSORFLOW = {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "KERAS_BACKEND": "tensorflow",
}
for _name, _value in QUIET_TENSORFLOW.items():
    os.environ.setdefault(_name, _value)

from dlcourse.quiet import import_tensorflow  # noqa: E402  (after the environment is set)

import_tensorflow()  # the lines TensorFlow prints while it loads cannot be hidden later

from dlcourse import checks, data, plots, pretrained  # noqa: E402

# The website's code column holds 85 characters of its code font at desktop width
# (tests/test_code_width.py measures it in Chromium). Keras prints model.summary() as wide
# as the terminal minus 4 (shutil.get_terminal_size reads $COLUMNS), so its tables fit too.
TEXT_COLUMNS = 85
os.environ["COLUMNS"] = str(TEXT_COLUMNS + 4)

plots.show_crisp_figures()  # sharp figures that fit the column, with their fonts recorded

__version__ = "0.1.0"
__all__ = ["QUIET_TENSORFLOW", "TEXT_COLUMNS", "checks", "data", "plots", "pretrained",
           "one_thread", "seed"]


def seed(value: int = 0) -> None:
    """Seed Python's ``random``, NumPy and Keras (and its backend) in one call.

    With the same seed, the same code and the same machine, training gives the same
    numbers every run.
    """
    import keras

    keras.utils.set_random_seed(int(value))


def one_thread() -> None:
    """Run TensorFlow's operations on one CPU thread, for the small networks of Part I.

    A dense layer of a few hundred units on 32 rows is too little work to share: handing it
    between two cores costs more than it saves. On the course's 2-core machine, chapter 4
    runs about a third faster on one thread, and prints exactly the same numbers. Convnets
    (Part II) have enough work for every core: they do not call this.

    Call it before the first model is built: TensorFlow fixes its threads when it runs its
    first operation.
    """
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)  # within one operation
        tf.config.threading.set_inter_op_parallelism_threads(1)  # between operations
    except RuntimeError as error:  # TensorFlow has started with other settings
        raise RuntimeError(
            "dlcourse.one_thread() must run before TensorFlow's first operation: restart "
            "the kernel and call it right after `import dlcourse`"
        ) from error
