"""The suite's parallel run keeps each ``xdist_group`` on one worker (``make test`` runs
``pytest -n 2 --dist loadgroup``); otherwise every worker that runs a test of a grading module
builds that module's graded class again, with nothing failing. Each grading module has a group
of its own, so that two of them can grade at once, one per worker."""

import pytest


@pytest.mark.xdist_group("a-group")
def test_a_grouped_test_carries_its_group(request):
    if not request.config.getoption("loadgroup", False):
        pytest.skip("not run with --dist loadgroup: nothing to group")
    # pytest-xdist routes a test by the "@group" it appends to the node id; with pytest 9.2
    # that append has no effect (pytest-xdist issue 1386): hence pytest<9.2 in the lock.
    assert request.node.nodeid.endswith("@a-group"), request.node.nodeid
