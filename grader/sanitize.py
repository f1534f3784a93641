"""Make student-derived data safe to show: in pages, in spreadsheets and in notebooks.

Everything a submission or its kernel produced is hostile: :func:`safe_text` turns any value
into a short printable string (for pages and reports), :func:`csv_cell` keeps a spreadsheet
from reading a cell as a formula, and :func:`clean_notebook` keeps only inert outputs of a
graded notebook and caps its size.
"""

import json
import re
import unicodedata

import nbformat
from nbformat.v4.nbjson import writes as _writes

_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(char):
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (os.fsdecode's surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 \
        else f"\\U{code:08x}"


def safe_text(value, limit=2000):
    """``value`` as printable text of at most ``limit`` characters (and a note saying how
    much was cut): the ``repr`` of a non-string, every character that is not printable
    (control and format characters, lone surrogates) but a newline or tab escaped."""
    if not isinstance(value, str):
        try:
            value = repr(value)
        except Exception:  # a hostile __repr__, or nesting too deep
            value = f"<unprintable {type(value).__name__}>"
    value = value.replace("\r\n", "\n")
    cut = len(value) - limit
    text = value[:limit]
    if not text.isprintable():
        text = "".join(c if c.isprintable() or c in "\n\t" else _escape(c) for c in text)
        cut = max(cut, 0) + max(len(text) - limit, 0)
        text = text[:limit]
    return f"{text} [cut: {cut} more characters]" if cut > 0 else text


_FORMULA = set("=+-@\t\r") | {unicodedata.lookup(f"FULLWIDTH {name}") for name in
                              ("EQUALS SIGN", "PLUS SIGN", "HYPHEN-MINUS", "COMMERCIAL AT")}


def csv_cell(value):
    """A CSV cell a spreadsheet shows as text: numbers stay numbers; text that a spreadsheet
    would read as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return, their
    full-width forms, also after leading spaces) gets a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = value if isinstance(value, str) else safe_text(value)
    risky = text[:1] in _FORMULA or text.lstrip()[:1] in _FORMULA
    return f"'{text}" if risky else text


# --- notebooks ------------------------------------------------------------------------------

INERT = ("text/plain", "image/png", "image/jpeg")
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")
_CELL_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Metadata kept: what says how to run the notebook and what the grader wrote, each with the
# string fields nbformat requires (anything else may carry widgets, trust or active content).
_METADATA = {"notebook": {"kernelspec": ("name", "display_name"), "language_info": ("name",)},
             "cell": {"grading": (), "grade_id": (), "nbgrader": ()}}


def _text(value, limit):
    """A notebook string field (a string, or a list of lines) as one UTF-8-safe string."""
    if isinstance(value, list):
        value = "".join(v for v in value if isinstance(v, str))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    elif not isinstance(value, str):
        return ""
    if len(value) > limit:
        value = f"{value[:limit]}\n[cut: {len(value) - limit} more characters]\n"
    return _SURROGATE.sub("\ufffd", value)


def _plain(value, limit, depth=0):
    """A JSON-plain, UTF-8-safe copy of metadata (anything else becomes None)."""
    if depth > 10:
        return None
    if isinstance(value, str):
        return _text(value, limit)
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, (list, tuple)):
        return [_plain(v, limit, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_text(k, limit): _plain(v, limit, depth + 1) for k, v in value.items()
                if isinstance(k, str)}
    return None


def _metadata(value, kind, limit):
    value = value if isinstance(value, dict) else {}
    kept = {}
    for key, required in _METADATA[kind].items():
        entry = _plain(value.get(key), limit)
        if entry is not None and all(isinstance(entry, dict) and isinstance(entry.get(field), str)
                                     for field in required):
            kept[key] = entry
    return kept


def _note(text):
    return nbformat.v4.new_output("stream", name="stderr", text=f"[{text}]\n")


def _output(output, limit, removed):
    """An inert copy of one output, or None (and what was removed added to ``removed``)."""
    if not isinstance(output, dict):
        removed.add("an output that is not an output")
        return None
    kind = output.get("output_type")
    if kind == "stream":
        name = "stderr" if output.get("name") == "stderr" else "stdout"
        return nbformat.v4.new_output("stream", name=name, text=_text(output.get("text"), limit))
    if kind == "error":
        trace = output.get("traceback")
        trace = [_text(line, limit) for line in trace] if isinstance(trace, list) else []
        return nbformat.v4.new_output("error", ename=_text(output.get("ename"), limit),
                                      evalue=_text(output.get("evalue"), limit), traceback=trace)
    if kind not in ("execute_result", "display_data"):
        removed.add(f"{safe_text(kind, 40)} output")
        return None
    data = output.get("data") if isinstance(output.get("data"), dict) else {}
    kept = {}
    for mime, value in data.items():
        value = _text(value, limit) if mime in INERT else None
        if value is None or (mime != "text/plain" and not _BASE64.fullmatch(value)):
            removed.add(safe_text(mime, 80))
        else:
            kept[mime] = value
    if not kept:
        return None
    if kind == "display_data":
        return nbformat.v4.new_output("display_data", data=kept)
    count = output.get("execution_count")
    count = count if isinstance(count, int) and not isinstance(count, bool) else None
    return nbformat.v4.new_output("execute_result", data=kept, execution_count=count)


def _cell(cell, limit, ids):
    """An inert copy of one cell: markdown without HTML, raw cells without a format, code
    cells with inert outputs only (and a note saying what was removed)."""
    cell = cell if isinstance(cell, dict) else {}
    kind = cell.get("cell_type")
    source = _text(cell.get("source"), limit)
    metadata = _metadata(cell.get("metadata"), "cell", limit)
    if kind == "markdown":
        new = nbformat.v4.new_markdown_cell(source.replace("<", "&lt;"), metadata=metadata)
    elif kind == "code":
        outputs = cell.get("outputs") if isinstance(cell.get("outputs"), list) else []
        removed = set()
        kept = [o for o in (_output(o, limit, removed) for o in outputs) if o is not None]
        if removed:
            kept.append(_note(f"not kept in the graded notebook: {', '.join(sorted(removed))}"))
        count = cell.get("execution_count")
        count = count if isinstance(count, int) and not isinstance(count, bool) else None
        new = nbformat.v4.new_code_cell(source, metadata=metadata, outputs=kept,
                                        execution_count=count)
    else:
        new = nbformat.v4.new_raw_cell(source, metadata=metadata)
    old_id = cell.get("id")
    if isinstance(old_id, str) and _CELL_ID.fullmatch(old_id) and old_id not in ids:
        new.id = old_id
    ids.add(new.id)
    return new


def _size(nb):
    return len(_writes(nb).encode())


def _bound(cell):
    """An upper bound of the bytes ``cell`` takes in a written notebook. (nbformat's writer
    indents, which runs Python's slow encoder: too slow to measure a 50 MB notebook with.)"""
    text = json.dumps(cell, ensure_ascii=False, separators=(",", ":"))
    # Every item written indented takes a newline and at most 8 spaces; every line of a
    # string becomes an item of its own ("line\n", + newline + indent).
    items = text.count(",") + text.count("[") + text.count("{") + 2
    return len(text.encode()) + 9 * items + text.count(":") + 12 * text.count("\\n")


def _shrink(cells, sizes, limit, cut):
    """``cut`` the largest of ``cells`` first until the notebook's bound is below ``limit``."""
    for cell in sorted(cells, key=lambda c: sizes[id(c)], reverse=True):
        if sum(sizes.values()) <= limit:
            return
        cut(cell)
        sizes[id(cell)] = _bound(cell)


def _fit(nb, limit):
    """Cut ``nb`` in place to at most ``limit`` bytes: outputs first, then the sources of
    the student's cells, the largest first, each replaced by a note saying what was cut."""
    sizes = {id(c): _bound(c) for c in nb.cells}
    sizes[None] = _size(nbformat.v4.new_notebook(metadata=nb.metadata))
    if sum(sizes.values()) <= limit:
        return
    shown = f"the graded notebook is limited to {limit // 1024} kB"

    def cut_outputs(cell):
        cell.outputs = [_note(f"{len(cell.outputs)} output(s) cut: {shown}")]

    def cut_source(cell):
        cell.source = f"# [source cut: {len(cell.source)} characters; {shown}]"

    _shrink([c for c in nb.cells if c.get("outputs")], sizes, limit, cut_outputs)
    students = [c for c in nb.cells if c.metadata.get("grading", "student") == "student"]
    _shrink(students, sizes, limit, cut_source)
    if _size(nb) > limit:  # the instructor's cells alone are too large: keep a note only
        nb.cells = [nbformat.v4.new_raw_cell(f"[every cell cut: {shown}]")]


def clean_notebook(nb, limit_bytes):
    """A copy of notebook ``nb`` that is safe to open: only inert outputs (streams, errors,
    plain text, PNG and JPEG images), no HTML, JavaScript, SVG, widgets or trust
    metadata (Jupyter treats it as untrusted), every string UTF-8-safe, and at most
    ``limit_bytes`` once written (outputs are cut first, then added cells' sources; where
    the instructor's cells alone are too large, one cell says so)."""
    nb = nb if isinstance(nb, dict) else {}
    cells = nb.get("cells") if isinstance(nb.get("cells"), list) else []
    ids = set()
    clean = nbformat.v4.new_notebook(
        metadata=_metadata(nb.get("metadata"), "notebook", limit_bytes),
        cells=[_cell(c, limit_bytes, ids) for c in cells])
    _fit(clean, limit_bytes)
    return clean

