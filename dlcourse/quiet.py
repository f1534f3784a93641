"""Import TensorFlow without its start-up lines reaching the notebook.

TensorFlow reads ``TF_CPP_MIN_LOG_LEVEL`` from the environment the process *started* with:
setting it from Python, as a notebook must, is too late for the lines printed while its
libraries load (the oneDNN notice among them). So the first import of TensorFlow runs with
the process's standard error (file descriptor 2, where C++ writes) pointed at a temporary
file; afterwards every line that is not a known start-up notice is written back, so a real
error is never hidden. Later log lines obey ``TF_CPP_MIN_LOG_LEVEL`` as usual.
"""

import contextlib
import os
import re
import sys
import tempfile

# What TensorFlow 2.x prints while loading on a CPU machine, and nothing else.
STARTUP_NOTICE = re.compile(
    r"absl::InitializeLog|oneDNN custom operations|cpu_feature_guard\.cc"
    r"|TF_ENABLE_ONEDNN_OPTS|rebuild TensorFlow with the appropriate compiler flags"
    r"|Unable to register cu(DNN|FFT|BLAS) factory|computation placer already registered"
    r"|cuda_(dnn|fft|blas)\.cc|Could not find cuda drivers|external/local_xla"
)


@contextlib.contextmanager
def startup_notices_dropped():
    """Point file descriptor 2 at a temporary file; on exit, write back to ``sys.stderr``
    every line that is not a start-up notice."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            kept = [line for line in captured.read().decode(errors="replace").splitlines()
                    if line.strip() and not STARTUP_NOTICE.search(line)]
            if kept:
                print("\n".join(kept), file=sys.stderr)


def import_tensorflow():
    """Import ``tensorflow`` once, keeping its start-up notices off standard error."""
    if "tensorflow" not in sys.modules:
        with startup_notices_dropped():
            import tensorflow  # noqa: F401
    return sys.modules["tensorflow"]


def onednn_enabled():
    """Whether TensorFlow runs with oneDNN's optimisations (on unless switched off)."""
    return os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1").strip().lower() not in ("0", "false")
