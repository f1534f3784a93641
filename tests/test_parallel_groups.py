"""The suite's parallel run keeps each ``xdist_group`` on one worker (``make test`` runs
``pytest -n 2 --dist loadgroup``); otherwise every worker builds the grading fixtures and the
whole class is graded twice, with nothing failing."""

import pytest


@pytest.mark.xdist_group("grading")
def test_a_grouped_test_carries_its_group(request):
    if not request.config.getoption("loadgroup", False):
        pytest.skip("not run with --dist loadgroup: nothing to group")
    # pytest-xdist routes a test by the "@group" it appends to the node id; with pytest 9.2
    # that append has no effect (pytest-xdist issue 1386): hence pytest<9.2 in the lock.
    assert request.node.nodeid.endswith("@grading"), request.node.nodeid
