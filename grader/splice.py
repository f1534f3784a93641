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


def code_cells(nb):
    """``(grade_id, source)`` of each code cell of a notebook as read from JSON, whatever the
    types in it: a cell that is not an object is skipped, a ``grade_id`` that is not a
    string is None (no answer's), a source that is not text is empty."""
    cells = nb.get("cells") if isinstance(nb, dict) else None
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata")
        meta = meta.get("nbgrader") if isinstance(meta, dict) else None
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        yield (grade_id if isinstance(grade_id, str) else None), _text(cell.get("source"))


def answer_cells(student_nb, answer_ids, instructor_ids):
    """The student's code for each answer cell: its own source, preceded by the code cells
    the student added since the previous answer (helpers they wrote). For a duplicated
    ``grade_id`` the last copy counts, as in nbgrader."""
    answers, pending = {}, []
    for grade_id, source in code_cells(student_nb):
        if grade_id in answer_ids:
            answers[grade_id] = [*pending, source]
            pending = []
        elif grade_id not in instructor_ids:
            pending.append(source)
    return answers


def cell_ids(source_nb):
    """``(answer ids, instructor ids)`` of the instructor's notebook: the grade ids of the
    cells students fill in, and of every other cell of the instructor's."""
    answer_ids = {_meta(c).get("grade_id") for c in source_nb.cells
                  if _meta(c).get("solution") and not _meta(c).get("grade")}
    instructor_ids = {_meta(c).get("grade_id") for c in source_nb.cells} - answer_ids - {None}
    return answer_ids, instructor_ids


def answers(source_nb, student_nb):
    """``grade_id -> the student's code`` of each answer found (its cells, blank-line joined)."""
    found = answer_cells(student_nb, *cell_ids(source_nb))
    return {grade_id: "\n\n".join(sources) for grade_id, sources in found.items()}


def steps(source_nb, student_nb):
    """The grading steps, in the order of the instructor's notebook."""
    answer_ids, instructor_ids = cell_ids(source_nb)
    found = answer_cells(student_nb, answer_ids, instructor_ids)
    plan = []
    for cell in source_nb.cells:
        if cell.cell_type != "code":
            continue
        meta = _meta(cell)
        if meta.get("grade"):
            plan.append(Step("test", cell.source, meta["grade_id"], float(meta.get("points", 0))))
        elif meta.get("grade_id") in answer_ids:
            plan += [Step("student", s, meta["grade_id"]) for s in
                     found.get(meta["grade_id"], [MISSING])]
        else:
            plan.append(Step("instructor", cell.source, meta.get("grade_id")))
    return plan


def _text(source):
    if isinstance(source, list):
        return "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""
