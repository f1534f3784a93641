"""The manifest both training tools write next to the weights they ship
(`tools/pretrain_base.py`, `tools/train_vehicle_convnet.py`): one JSON layout, and the
environment that produced the weights."""

import json
import os
import platform
import re

import numpy as np

from dlcourse.quiet import onednn_enabled


def environment():
    """The versions, the oneDNN setting and the cores the weights were trained with."""
    import keras
    import tensorflow as tf

    return {
        "python": platform.python_version(),
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "numpy": np.__version__,
        "onednn": onednn_enabled(),
        "cpu_cores": os.cpu_count(),
    }


def dumps(manifest):
    """The manifest as indented JSON, each list of numbers or strings on one line."""
    text = json.dumps(manifest, indent=2)
    return re.sub(r"\[\s+([^\[\]{}]*?)\s+\]",
                  lambda match: "[" + re.sub(r",\s+", ", ", match.group(1)) + "]", text) + "\n"
