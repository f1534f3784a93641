"""Seeds of the private held-out data that decides trained-result grades.

Hidden tests that judge a trained model draw *fresh* rows from a ``dlcourse`` generator
(``make_curve``, ``make_spirals`` ...) with a seed from :func:`fresh_seed`. The seed comes
from a secret that only the instructor's machine holds: the course's secret, which the
grading pipeline hands to the judge over its input pipe (:func:`use`), otherwise the
git-ignored file ``.heldout-secret`` at the repository root, made private on first use.
Students can draw as many rows as they like from the public generators, but never these
ones, and the grading sandbox sees neither the secret nor this package.
"""

import hashlib
import os
import secrets
from pathlib import Path

SECRET_FILE = Path(__file__).resolve().parents[1] / ".heldout-secret"
_given = None


def use(secret):
    """Take ``secret`` as the held-out secret of this process (the judge's, from its pipe)."""
    global _given
    _given = str(secret)


def secret():
    """The held-out secret: the one given to :func:`use`, or the repository's secret file."""
    if _given:
        return _given
    try:  # created private: never readable by others, not even for a moment
        fd = os.open(SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32) + "\n")
    except FileExistsError:
        pass
    return SECRET_FILE.read_text().strip()


def fresh_seed(name):
    """A private seed (128 bits) for the held-out set called ``name`` (e.g. ``"ex02"``)."""
    digest = hashlib.sha256(f"{secret()}:{name}".encode()).digest()
    return int.from_bytes(digest[:16], "little")
