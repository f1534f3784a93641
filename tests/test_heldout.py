"""The held-out seeds: more than 32 bits of the secret survive into them, every generator a
hidden test draws from takes them, and the repository's secret file is private from the
moment it exists."""

import os
import stat

import numpy as np
import pytest

import dlcourse
from grader import heldout

GENERATORS = {  # what the exercises' hidden tests draw their private rows from
    "make_curve": (dlcourse.data.make_curve, 50),
    "make_friedman": (dlcourse.data.make_friedman, 50),
    "make_spirals": (dlcourse.data.make_spirals, 50),
    "make_vehicles": (dlcourse.data.make_vehicles, 4),
    "make_filter_pairs": (dlcourse.data.make_filter_pairs, 4),
}


@pytest.fixture
def secret(monkeypatch):
    monkeypatch.setattr(heldout, "_given", "a-course-secret")
    return "a-course-secret"


def test_seeds_keep_128_bits(secret):
    seeds = [heldout.fresh_seed(f"ex{i:02d}") for i in range(1, 15)]
    assert len(set(seeds)) == len(seeds)
    assert max(s.bit_length() for s in seeds) > 100


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_every_generator_takes_a_private_seed(secret, name):
    make, n = GENERATORS[name]
    private = make(n, seed=heldout.fresh_seed("ex01"))
    again = make(n, seed=heldout.fresh_seed("ex01"))
    public = make(n, seed=0)
    assert np.array_equal(private[0], again[0]), "a private seed must give the same rows"
    assert not np.array_equal(private[0], public[0])


def test_the_repository_secret_file_is_created_private(tmp_path, monkeypatch):
    monkeypatch.setattr(heldout, "SECRET_FILE", tmp_path / ".heldout-secret")
    monkeypatch.setattr(heldout, "_given", None)
    old = os.umask(0)  # a careless umask must not make it readable
    try:
        value = heldout.secret()
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / ".heldout-secret").stat().st_mode)
    assert mode == 0o600 and len(value) == 64
    assert heldout.secret() == value
