"""Sphinx extension: a note at the top of every exercise page that says, in words, how long
the exercise takes, how to open it (Colab, download, JupyterHub) and how to hand it in.

The exercise notebooks stay as nbgrader generates them: the note is added to the page only.
Its time is the exercise's column of the syllabus in ``index.md``, the one place where the
course's time estimates are written.
"""

import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

EXERCISE_PAGE = re.compile(r"exercises/ex(\d+)/")
# A syllabus row: | 1 | [A single neuron](...) | what you learn | 45 min | 45 min |
SYLLABUS_ROW = re.compile(r"^\| (\d+) \|.*\| (\d+) min \| (\d+) min \|\s*$", flags=re.M)


def syllabus_minutes(index_md):
    """``{chapter number: (minutes to read it, minutes for its exercise)}`` of the syllabus."""
    return {int(n): (int(read), int(exercise))
            for n, read, exercise in SYLLABUS_ROW.findall(Path(index_md).read_text())}


def _doc_link(text, target):
    """A link to another page of the book, resolved later like {doc}`text <target>`."""
    link = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget="/" + target,
                                 refexplicit=True, refwarn=True)
    link += nodes.inline(text, text)
    return link


def _paragraph(*parts):
    paragraph = nodes.paragraph()
    for part in parts:
        paragraph += nodes.Text(part) if isinstance(part, str) else part
    return paragraph


def _strong(text):
    return nodes.strong(text, text)


def _literal(text):
    return nodes.literal(text, text)


def exercise_note(number, minutes, chapter):
    note = nodes.admonition(classes=["note", "exercise-how-to"])
    note += nodes.title(text="Working on this exercise")
    note += _paragraph(_strong("Time:"), f" about {minutes} minutes, after ",
                       _doc_link(f"chapter {number}", chapter), ".")
    note += _paragraph(
        _strong("Open it"), " in Colab (the rocket button above; the first cell installs the"
        " course library), on your computer (the download button above gives the ",
        _literal(".ipynb"), " file; see ", _doc_link("Running the notebooks", "guides/learners"),
        ") or on your course's JupyterHub (nbgrader's Assignments tab, or ",
        _literal(f"nbgrader fetch_assignment ex{number:02d}"), ").")
    note += _paragraph(_strong("Hand it in"), " when every check cell passes, as ",
                       _doc_link("Submitting an exercise", "guides/students"), " explains.")
    return note


def add_exercise_note(app, doctree):
    match = EXERCISE_PAGE.match(app.env.docname)
    if not match:
        return
    number = int(match.group(1))
    index_md = Path(app.srcdir) / "index.md"
    app.env.note_dependency(str(index_md))
    _, minutes = syllabus_minutes(index_md)[number]
    chapter = next(doc for doc in sorted(app.env.found_docs)
                   if doc.startswith(f"chapters/{number:02d}_"))
    section = doctree.next_node(nodes.section)
    section.insert(1, exercise_note(number, minutes, chapter))  # right after the title


def setup(app):
    app.connect("doctree-read", add_exercise_note)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
