"""Sphinx extension: the ``{solutions}`` directive, which publishes the reference solutions
only when the instructor says so.

One setting decides, in ``_config.yml`` (or the environment variable below)::

    sphinx:
      config:
        publish_solutions: false   # true: the Solutions page shows every answer

With ``false`` (the default) the page only says that solutions are not published. With
``true`` it shows, per exercise, the code of each answer cell of ``solutions/``; test cells,
and so hidden tests, are never shown.

A self-learner turns it on for one build without editing the file:
``make book PUBLISH_SOLUTIONS=1`` (the environment variable ``PUBLISH_SOLUTIONS``).
"""

import os
from pathlib import Path

import nbformat
from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def answer_cells(notebook_path):
    """``(grade_id, code)`` of each answer cell of a solution notebook, markers removed."""
    for cell in nbformat.read(notebook_path, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and not meta.get("grade"):
            lines = [line for line in cell.source.splitlines() if line.strip() not in _MARKERS]
            yield meta["grade_id"], "\n".join(lines)


class SolutionsDirective(SphinxDirective):
    def _self_learners(self):
        """Where a self-learner reads how to build a copy of the site with the solutions."""
        guide = addnodes.pending_xref("", refdomain="std", reftype="doc", refexplicit=True,
                                      reftarget="/guides/learners", refwarn=True)
        guide += nodes.inline(text="Running the notebooks")
        command = "make book PUBLISH_SOLUTIONS=1"
        return nodes.paragraph("", "", nodes.Text("Learning on your own? Build your own copy of"
                                                  " the site with them: "),
                               nodes.literal(command, command), nodes.Text(" ("), guide,
                               nodes.Text(" explains)."))

    def run(self):
        if not self.config.publish_solutions:
            return [nodes.paragraph(text="The reference solutions are not published for this"
                                         " course. Ask your instructor, or work through the"
                                         " exercise's visible checks and hints."),
                    self._self_learners()]
        root = Path(self.env.srcdir) / "solutions"
        result = []
        for notebook in sorted(root.glob("*/*.ipynb")):
            self.env.note_dependency(str(notebook))
            section = nodes.section(ids=[nodes.make_id(f"solutions-{notebook.parent.name}")])
            section += nodes.title(text=f"{notebook.parent.name}: {notebook.stem}")
            for grade_id, code in answer_cells(notebook):
                section += nodes.paragraph(text=f"Answer cell {grade_id}:")
                section += nodes.literal_block(code, code, language="python")
            result.append(section)
        return result


def publish_if_asked(app, config):
    # Set before the build compares its configuration with the last one, so that turning the
    # variable on or off rebuilds the Solutions page.
    if os.environ.get("PUBLISH_SOLUTIONS", "").lower() in ("1", "true", "yes"):
        config.publish_solutions = True


def setup(app):
    app.add_config_value("publish_solutions", False, "env")
    app.connect("config-inited", publish_if_asked)
    app.add_directive("solutions", SolutionsDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
