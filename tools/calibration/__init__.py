"""One module per assignment, named after it, defining ``SPEC`` for ``tools/calibrate.py``."""
