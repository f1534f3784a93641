"""``dlcourse.one_thread()`` puts TensorFlow on one CPU thread, or says clearly why it cannot.

Each case runs in a fresh Python: TensorFlow's threads are fixed for the life of a process.
"""

import subprocess
import sys

import pytest


def run(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)


@pytest.mark.slow
def test_one_thread_sets_both_pools_and_may_be_called_again():
    result = run(
        "import dlcourse, tensorflow as tf\n"
        "dlcourse.seed(0)\n"  # seeding first, as the chapters do, is allowed
        "dlcourse.one_thread()\n"
        "tf.constant(1.0) + 1.0\n"  # TensorFlow has started ...
        "dlcourse.one_thread()\n"  # ... and a re-run of the cell still works
        "print(tf.config.threading.get_intra_op_parallelism_threads(),"
        " tf.config.threading.get_inter_op_parallelism_threads())\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "1"]


@pytest.mark.slow
def test_one_thread_after_tensorflow_started_says_to_restart_the_kernel():
    result = run("import dlcourse, tensorflow as tf\ntf.constant(1.0) + 1.0\n"
                 "dlcourse.one_thread()\n")
    assert result.returncode != 0
    assert "restart the kernel" in result.stderr
