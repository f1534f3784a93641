"""Sphinx extension: every inline script once per page.

Sphinx 7 (the line Jupyter Book 1 requires) writes an inline script (``add_js_file(None,
body=...)``) twice when an extension adds it after the HTML builder has started: the builder
keeps it under the name ``None``, then adds it again from the registry under the name ``""``,
and the two do not compare equal. sphinx-thebe's ``const THEBE_JS_URL = ...`` is such a script,
so every page raised "Identifier 'THEBE_JS_URL' has already been declared". Sphinx fixed it
upstream in 2025 (sphinx-doc/sphinx#13402) by naming such scripts ``""`` from the start; this
does the same.
"""


def name_inline_scripts_alike(app):
    add_js_file = getattr(app.builder, "add_js_file", None)
    if add_js_file is not None:
        app.builder.add_js_file = lambda filename, **kwargs: add_js_file(filename or "",
                                                                         **kwargs)


def setup(app):
    # Before any other extension's builder-inited handler adds its scripts.
    app.connect("builder-inited", name_inline_scripts_alike, priority=0)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
