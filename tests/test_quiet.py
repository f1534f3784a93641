"""TensorFlow is quiet in notebooks and oneDNN stays on.

The course's kernels inherit ``TF_CPP_MIN_LOG_LEVEL`` from the Makefile, but a learner's
Jupyter, Colab or a grading sandbox may not: a fresh kernel with none of TensorFlow's
variables, importing ``dlcourse`` and then TensorFlow, must print nothing at all.
"""

import os

import nbformat
import pytest
from nbclient import NotebookClient

from dlcourse.quiet import STARTUP_NOTICE, startup_notices_dropped

TF_VARIABLES = ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")


@pytest.mark.slow
def test_a_fresh_kernel_importing_dlcourse_then_tensorflow_prints_nothing(monkeypatch):
    for name in TF_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import dlcourse\nimport tensorflow as tf\nimport keras"),
        # Running a convolution is where later notices (CPU features) would appear.
        nbformat.v4.new_code_cell(
            "import numpy as np\n"
            "model = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(4, 3),"
            " keras.layers.MaxPooling2D(), keras.layers.Flatten(), keras.layers.Dense(1)])\n"
            "model.compile('adam', 'mse')\n"
            "model.fit(np.zeros((8, 16, 16, 3)), np.zeros(8), verbose=0)\n"
            "_ = model.predict(np.zeros((2, 16, 16, 3)), verbose=0)"
        ),
        nbformat.v4.new_code_cell("import os; os.environ.get('TF_ENABLE_ONEDNN_OPTS', 'unset')"),
    ]
    NotebookClient(nb, timeout=180, kernel_name="python3").execute()
    printed = [o for cell in nb.cells[:2] for o in cell.outputs]
    assert printed == [], printed
    assert nb.cells[2].outputs[0]["data"]["text/plain"] == "'unset'", "oneDNN must stay on"


def test_a_real_error_while_loading_is_not_hidden(capfd):
    """Only the known notices are dropped: other lines written to fd 2 reach stderr."""
    with startup_notices_dropped():
        os.write(2, b"I0000 port.cc:153] oneDNN custom operations are on.\n")
        os.write(2, b"ImportError: something went wrong\n")
    err = capfd.readouterr().err
    assert "something went wrong" in err
    assert "oneDNN custom operations" not in err


def test_the_notice_pattern_knows_the_onednn_and_cpu_lines():
    for line in [
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
        "I0000 00:00:1796113567.533780    2009 port.cc:153] oneDNN custom operations are on.",
        "I0000 00:00:1796113573.664778    2025 cpu_feature_guard.cc:227] This TensorFlow binary",
    ]:
        assert STARTUP_NOTICE.search(line), line
    assert not STARTUP_NOTICE.search("ImportError: libcudart.so.12: cannot open shared object")


def test_grading_kernels_keep_onednn_on_whatever_the_grader_has_set(monkeypatch):
    """Thresholds are calibrated with oneDNN on; kernels must grade with the same setting."""
    from grader.sandbox import sandbox_env

    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "0")
    assert "TF_ENABLE_ONEDNN_OPTS" not in sandbox_env(os.getcwd())
