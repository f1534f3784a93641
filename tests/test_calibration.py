"""Trained-result thresholds are calibrated, safe, and stated to the student."""

import nbformat
import pytest

from conftest import ROOT
from grader.course import assignments
from tools.calibrate import SPECS, environment, report


def test_every_assignment_has_a_calibration_spec():
    assert sorted(SPECS) == assignments(), "add tools/calibration/<assignment>.py"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_calibrated_over_at_least_20_seeds_with_the_current_thresholds(name):
    result = report(name)
    assert result["seeds"] >= 20
    for metric, (direction, threshold) in SPECS[name]["thresholds"].items():
        summary = result["metrics"][metric]
        assert (summary["direction"], summary["threshold"]) == (direction, threshold), (
            f"{name} {metric}: the threshold changed since calibration: run `make calibrate`"
        )
        assert len(summary["values"]) == result["seeds"]


@pytest.mark.parametrize("name", sorted(SPECS))
def test_thresholds_sit_clearly_beyond_the_worst_seed(name):
    for metric, summary in report(name)["metrics"].items():
        values = summary["values"]
        worst = max(values) if summary["direction"] == "below" else min(values)
        spread = max(values) - min(values)
        # "Clearly": beyond the worst seed by 5 % of its value and by the whole seed spread.
        required = max(0.05 * abs(worst), spread)
        margin = (summary["threshold"] - worst) * (1 if summary["direction"] == "below" else -1)
        assert margin >= required, f"{name} {metric}: margin {margin:.3f} < {required:.3f}"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_notebook_states_and_tests_each_threshold(name):
    nb = nbformat.read(ROOT / SPECS[name]["notebook"], as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    tests = "\n".join(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade"))
    for direction, threshold in SPECS[name]["thresholds"].values():
        stated = f"{direction} {threshold:g}"
        assert stated in text, f"the notebook should tell the student: {stated!r}"
        assert f"{threshold:g}" in tests, f"the tests should use the threshold {threshold:g}"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_calibrated_in_the_environment_that_grades(name):
    """Figures change with oneDNN and with the versions: the report must match them."""
    assert report(name).get("environment") == environment(), (
        f"{name} was calibrated in another environment: run `make calibrate`"
    )


@pytest.mark.parametrize("name", sorted(SPECS))
def test_thresholds_sit_between_the_worst_seed_and_the_best_baseline(name):
    result = report(name)
    assert result.get("baselines"), f"{name}: record baselines ('baseline: ...' metrics)"
    for metric, summary in result["metrics"].items():
        threshold, above = summary["threshold"], summary["direction"] == "above"
        for what, baseline in result["baselines"].items():
            best = baseline["max"] if above else baseline["min"]
            # A baseline fails the threshold by at least 2.5 % of it: only training passes.
            gap = (threshold - best) if above else (best - threshold)
            assert gap >= 0.025 * abs(threshold), (
                f"{name} {metric}: the baseline {what!r} reaches {best:.3f} against the"
                f" threshold {threshold:g}"
            )


@pytest.mark.parametrize("name", [n for n in sorted(SPECS) if report(n).get("reference points")])
def test_reference_points_meet_every_threshold(name):
    """A reference point is another correct answer (exercise 1's least-squares line: the best
    a linear unit can do), so no threshold may reject it."""
    result = report(name)
    for metric, summary in result["metrics"].items():
        for what, point in result["reference points"].items():
            worst = point["max"] if summary["direction"] == "below" else point["min"]
            passes = worst < summary["threshold"] if summary["direction"] == "below" else (
                worst > summary["threshold"])
            assert passes, f"{name} {metric}: {what!r} ({worst:.3f}) fails {summary['threshold']:g}"
