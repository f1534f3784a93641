"""Build the notebook that is graded: the instructor's notebook with the student's answers.

A submission is never run as it is. Only the code of its *answer* cells (nbgrader
``solution`` cells, found by ``grade_id``) and of the cells the student added before them is
taken; every other cell (setup, instructions, tests) comes from the instructor's source
notebook. Edited, deleted, duplicated or re-typed test cells and stripped metadata therefore
change nothing: at worst an answer is missing, and then it scores nothing.
"""

from dataclasses import dataclass

MISSING = 'raise NotImplementedError("this answer cell is missing from the submitted notebook")'


@dataclass
class Step:
    """One step of grading: ``kind`` is ``"student"`` (runs in the student's kernel),
    ``"instructor"`` (runs in the kernel and in the judge) or ``"test"`` (runs in the judge)."""

    kind: str
    source: str
    grade_id: str | None = None
    points: float = 0.0


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def answer_cells(student_nb, answer_ids, instructor_ids):
    """The student's code for each answer cell: its own source, preceded by the code cells
    the student added since the previous answer (helpers they wrote). For a duplicated
    ``grade_id`` the last copy counts, as in nbgrader."""
    answers, pending = {}, []
    for cell in student_nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        meta = _meta(cell)
        grade_id = meta.get("grade_id")
        source = _text(cell.get("source", ""))
        if grade_id in answer_ids:
            answers[grade_id] = [*pending, source]
            pending = []
        elif grade_id not in instructor_ids:
            pending.append(source)
    return answers


def steps(source_nb, student_nb):
    """The grading steps, in the order of the instructor's notebook."""
    answer_ids = {_meta(c).get("grade_id") for c in source_nb.cells
                  if _meta(c).get("solution") and not _meta(c).get("grade")}
    instructor_ids = {_meta(c).get("grade_id") for c in source_nb.cells} - answer_ids - {None}
    answers = answer_cells(student_nb, answer_ids, instructor_ids)
    plan = []
    for cell in source_nb.cells:
        if cell.cell_type != "code":
            continue
        meta = _meta(cell)
        if meta.get("grade"):
            plan.append(Step("test", cell.source, meta["grade_id"], float(meta.get("points", 0))))
        elif meta.get("grade_id") in answer_ids:
            plan += [Step("student", s, meta["grade_id"]) for s in
                     answers.get(meta["grade_id"], [MISSING])]
        else:
            plan.append(Step("instructor", cell.source, meta.get("grade_id")))
    return plan


def _text(source):
    return "".join(source) if isinstance(source, list) else str(source)
