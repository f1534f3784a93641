"""The exercises, checked with real nbgrader commands in a throw-away course folder.

- ``exercises/`` is exactly what ``nbgrader generate_assignment`` makes from ``solutions/``;
- the reference solution autogrades to full marks;
- the untouched student version autogrades to zero, without crashing;
- plausible wrong answers get exactly the parts they earned.
"""

import filecmp
import importlib
from pathlib import Path

import nbformat
import pytest

from grader.course import (
    EXERCISES,
    assignments,
    fill_in,
    generate,
    make_course_dir,
    max_scores,
    nbgrader,
    scores,
    solution_sources,
    submit,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader")]

# Plausible mistakes per assignment: tests/wrong_answers/<assignment>.py.
WRONG_ANSWERS = {
    name: importlib.import_module(f"wrong_answers.{name}")
    for name in assignments()
    if (Path(__file__).parent / "wrong_answers" / f"{name}.py").exists()
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One course folder where every assignment was generated, submitted and autograded.

    Students: ``reference`` (the solution's code typed into the student version), ``stub``
    (the student version untouched) and ``wrong`` (the reference with the mistakes of
    ``tests/wrong_answers/`` swapped in).
    """
    course = make_course_dir(tmp_path_factory.mktemp("course"))
    for name in assignments():
        release = generate(name, course)
        notebooks = sorted(release.glob("*.ipynb"))
        reference = solution_sources(name)
        wrong = {**reference, **WRONG_ANSWERS[name].ANSWERS}
        for student, answers in [("reference", reference), ("stub", {}), ("wrong", wrong)]:
            submit(course, name, student, {nb.name: fill_in(nb, answers) for nb in notebooks})
        nbgrader(["autograde", name], course)
    return course


def test_every_assignment_has_wrong_answers_to_grade():
    assert sorted(WRONG_ANSWERS) == assignments()


@pytest.mark.parametrize("name", assignments())
def test_committed_exercises_equal_a_fresh_generation(graded, name):
    fresh = graded / "exercises" / name
    committed = EXERCISES / name
    comparison = filecmp.dircmp(fresh, committed)
    assert not comparison.left_only and not comparison.right_only, (
        f"files differ between a fresh generation and exercises/{name}: run `make exercises`"
    )
    for filename in comparison.common_files:
        assert (fresh / filename).read_bytes() == (committed / filename).read_bytes(), (
            f"exercises/{name}/{filename} is stale: run `make exercises`"
        )


@pytest.mark.parametrize("name", assignments())
def test_student_version_hides_solutions_and_hidden_tests(name):
    for path in (EXERCISES / name).glob("*.ipynb"):
        text = path.read_text()
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, f"{path.name} contains {marker!r}"
        stubs = [c for c in nbformat.read(path, as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("solution")]
        assert stubs and all("raise NotImplementedError()" in c.source for c in stubs)


@pytest.mark.parametrize("name", assignments())
def test_reference_solution_gets_full_marks(graded, name):
    got = scores(graded, name, "reference")
    maximum = max_scores(graded, name)
    assert got == maximum, f"reference solution lost points: {got} vs {maximum}"
    assert len(got) >= 4, "each exercise has at least four graded parts"


@pytest.mark.parametrize("name", assignments())
def test_untouched_stub_gets_zero(graded, name):
    got = scores(graded, name, "stub")
    assert got and set(got.values()) == {0.0}, got
    autograded = graded / "autograded" / "stub" / name
    assert list(autograded.glob("*.ipynb")), "the stub's autograded notebook is missing"


@pytest.mark.parametrize("name", assignments())
def test_wrong_answers_get_only_the_parts_they_earned(graded, name):
    expected = {part: float(points) for part, points in WRONG_ANSWERS[name].EXPECTED.items()}
    assert scores(graded, name, "wrong") == expected

