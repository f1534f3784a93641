"""What graders hand out: per-student feedback pages and the class's grades as CSV.

Feedback is built from the grading records, never from the graded notebooks, so it shows
the scores, each part's result and message, the lines the visible checks printed and the
student's own answers, and no test source (visible or hidden).
"""

import csv
import html
from pathlib import Path

import nbformat

from grader.splice import answer_cells

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #ccc;
padding: .4rem .6rem; text-align: left; vertical-align: top; }
.ok { color: #16663a; } .lost { color: #a11; }
pre { background: #f6f6f6; padding: .6rem; overflow-x: auto; white-space: pre-wrap; }
"""


def feedback_page(record, answers):
    """One student's feedback for one assignment, as an HTML page."""
    e = html.escape
    title = f"{record['assignment']}: feedback for {record['student_id']}"
    rows = []
    for name, notebook in record["notebooks"].items():
        for grade_id, part in notebook["parts"].items():
            full = part["points"] >= part["max"]
            detail = e(part["message"] or "passed")
            if part.get("output"):
                detail += f"<pre>{e(part['output'])}</pre>"
            rows.append(
                f"<tr><td>{e(name)}</td><td>{e(grade_id)}</td>"
                f"<td class={'ok' if full else 'lost'}>{part['points']:g} / {part['max']:g}</td>"
                f"<td>{detail}</td></tr>"
            )
    notes = [nb["note"] for nb in record["notebooks"].values() if nb.get("note")]
    code = "".join(f"<h3>{e(gid)}</h3><pre>{e(src)}</pre>" for gid, src in answers.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>{_STYLE}</style></head><body>
<h1>{e(title)}</h1>
<p><strong>Score: {record['score']:g} / {record['max_score']:g}</strong>
 &middot; status: {e(record['status'])} &middot; graded {e(record.get('graded_at', ''))}</p>
{''.join(f'<p>{e(n)}</p>' for n in notes)}
<table><tr><th>notebook</th><th>part</th><th>points</th><th>result</th></tr>
{''.join(rows)}</table>
<h2>Your answers</h2>{code or '<p>(no answer cells found)</p>'}
</body></html>
"""


def write_feedback(course, assignment):
    """Write ``feedback/<student>/<assignment>/feedback.html`` for every graded submission;
    returns the pages written."""
    written = []
    sources = course.source_notebooks(assignment)
    cells = [c.metadata.get("nbgrader", {}) for path in sources
             for c in nbformat.read(path, as_version=4).cells]
    answer_ids = {m["grade_id"] for m in cells if m.get("solution") and not m.get("grade")}
    instructor_ids = {m.get("grade_id") for m in cells} - answer_ids - {None}
    for student, _, folder in course.submissions(assignment):
        record = course.record(student, assignment)
        if record is None:
            continue
        answers = {}
        for path in sorted(folder.glob("*.ipynb")):
            try:
                nb = nbformat.reads(path.read_text(errors="replace"), as_version=4)
            except Exception:
                continue
            found = answer_cells(nb, answer_ids, instructor_ids)
            answers.update({k: "\n\n".join(v) for k, v in found.items()})
        page = course.feedback / student / assignment / "feedback.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(feedback_page(record, answers))
        written.append(page)
    return written


COLUMNS = ["student_id", "assignment", "score", "max_score", "status", "graded_at"]


def export_csv(course, to=None):
    """One row per submission found (graded or not) in a CSV file; returns its path."""
    to = Path(to) if to else course.root / "grades.csv"
    with open(to, "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS)
        writer.writeheader()
        for student, assignment, _ in course.submissions():
            record = course.record(student, assignment) or {
                "score": "", "max_score": "", "status": "not graded", "graded_at": ""}
            writer.writerow({"student_id": student, "assignment": assignment,
                             **{k: record.get(k, "") for k in COLUMNS[2:]}})
    return to
