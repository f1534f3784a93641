"""Sphinx extension: the ``{zh}`` role, which marks Chinese words as Chinese.

``{zh}`激活函数``` becomes ``<span lang="zh">激活函数</span>``, so that browsers choose
Chinese glyph shapes and a Chinese font (``_static/course.css`` lists one for every common
system) and screen readers pronounce the words in Chinese.
"""

from docutils import nodes


class foreign(nodes.inline):
    """Inline text in another language than the page's (``node["lang"]``)."""


def visit_foreign(translator, node):
    translator.body.append(translator.starttag(node, "span", "", lang=node["lang"]))


def depart_foreign(translator, node):
    translator.body.append("</span>")


def zh_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [foreign(rawtext, text, lang="zh")], []


def setup(app):
    app.add_node(foreign, html=(visit_foreign, depart_foreign))
    app.add_role("zh", zh_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
