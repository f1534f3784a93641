"""Seeds of the private held-out data that decides trained-result grades.

Hidden tests that judge a trained model draw *fresh* rows from a ``dlcourse`` generator
(``make_curve``, ``make_spirals`` ...) with a seed from :func:`fresh_seed`. The seed comes
from a secret that only the instructor's machine holds: ``$GRADER_HELDOUT_SECRET`` when the
grading pipeline sets it (it keeps one per course folder), otherwise the git-ignored file
``.heldout-secret`` at the repository root, made on first use. Students can draw as many
rows as they like from the public generators, but never these ones, and the grading
sandbox sees neither the secret nor this package.
"""

import hashlib
import os
import secrets
from pathlib import Path

SECRET_ENV = "GRADER_HELDOUT_SECRET"
SECRET_FILE = Path(__file__).resolve().parents[1] / ".heldout-secret"


def secret():
    """The held-out secret: ``$GRADER_HELDOUT_SECRET`` or the repository's secret file."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    if not SECRET_FILE.exists():
        SECRET_FILE.write_text(secrets.token_hex(16) + "\n")
    return SECRET_FILE.read_text().strip()


def fresh_seed(name):
    """A private seed for the held-out set called ``name`` (for example ``"ex02"``)."""
    digest = hashlib.sha256(f"{secret()}:{name}".encode()).digest()
    return int.from_bytes(digest[:4], "little")
