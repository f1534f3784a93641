"""Rewrap the code cells of notebooks that run off the website's code column.

Usage: ``python tools/wrap_code.py [--check] NOTEBOOK...``

Only the cells with a line longer than ``dlcourse.TEXT_COLUMNS`` characters change: each
is formatted by ruff (pinned in ``requirements.lock``) at that line length, the other cells
stay as they are. Ruff does not split strings or comments, so then a comment line is
wrapped, a trailing comment moves above its line, and a string alone on its line is cut at
a space into two adjacent strings. The lines still too long are listed (exit status 1), to
be rewritten by hand. ``--check`` only lists the long lines. Run
``tools/normalize_notebooks.py`` on the same notebooks afterwards.
"""

import io
import json
import re
import subprocess
import sys
import tempfile
import textwrap
import tokenize
from pathlib import Path

import nbformat

WIDTH = 85  # dlcourse.TEXT_COLUMNS (not imported: that would start TensorFlow)
RUFF = Path(sys.executable).with_name("ruff")


def long_lines(nb, width=WIDTH):
    """``(cell index, line number, line)`` of every code line longer than ``width``."""
    return [(i, k, line) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for k, line in enumerate(cell.source.splitlines(), start=1) if len(line) > width]


def _ruff_format(sources, width):
    """The cell sources formatted by ruff at ``width`` (a notebook, so magics parse)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["language_info"] = {"name": "python"}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "cells.ipynb")
        path.write_text(nbformat.writes(nb))
        subprocess.run([str(RUFF), "format", "--quiet", "--no-cache", "--isolated",
                        f"--line-length={width}", str(path)], check=True)
        return [cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                for cell in json.loads(path.read_text())["cells"]]


def _tokens(source):
    """The tokens of a cell, or ``[]`` when it does not tokenize (magics, say)."""
    try:
        return list(tokenize.generate_tokens(io.StringIO(source + "\n").readline))
    except (tokenize.TokenError, SyntaxError):
        return []


def _comment_lines(indent, text, width):
    return [f"{indent}# {part}" for part in textwrap.wrap(text, width - len(indent) - 2)]


def _cut(body, room, is_f):
    """Where to cut a string's body: after the last space within ``room`` characters that
    is outside an f-string's braces, or ``None``."""
    depth, best = 0, None
    for k, char in enumerate(body[:room]):
        depth += (char == "{") - (char == "}") if is_f else 0
        if char == " " and depth == 0 and 0 < k:
            best = k + 1
    return best


def _literal(prefix, quote, part):
    """A string literal of ``part``; an f prefix only where ``part`` has braces."""
    if "{" not in part:
        prefix = prefix.replace("f", "").replace("F", "")
    return f"{prefix}{quote}{part}{quote}"


def _split_long_lines(source, width):
    """``source`` with its long comment and lone-string lines split (see the module)."""
    tokens = _tokens(source)
    if not tokens:
        return source
    depth_at, depth = {}, 0  # bracket depth at the start of each line
    for token in tokens:
        depth_at.setdefault(token.start[0], depth)
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
    out = []
    for number, line in enumerate(source.split("\n"), start=1):
        indent = line[:len(line) - len(line.lstrip())]
        on_line = [t for t in tokens if t.start[0] == number and t.type not in (
            tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)]
        if len(line) <= width or not on_line:
            out.append(line)
            continue
        first, last = on_line[0], on_line[-1]
        if first.type == tokenize.COMMENT:
            out += _comment_lines(indent, first.string.lstrip("#").strip(), width)
            continue
        if last.type == tokenize.COMMENT and not re.match(r"#\s*(noqa|type:)", last.string):
            code = line[:last.start[1]].rstrip()
            if len(code) <= width:
                out += _comment_lines(indent, last.string.lstrip("#").strip(), width)
                out.append(code)
                continue
        strings = [t for t in on_line if t.type == tokenize.STRING or
                   t.type == getattr(tokenize, "FSTRING_START", -1)]
        match = re.fullmatch(r"(\s*)(\w+\s*=\s*)?([rfRF]{0,2})(\"\"\"|\"|')(.*)\4([,)\]]*)",
                             line)
        if match and strings and len(strings) == 1:
            _, key, prefix, quote, body, tail = match.groups()
            key = key or ""
            head = len(indent) + len(key) + len(prefix) + len(quote)
            cut = _cut(body, width - head - len(quote), "f" in prefix.lower())
            if cut:
                first_part, rest = body[:cut], body[cut:]
                if quote == '"""':
                    out += [f"{indent}{key}{prefix}{quote}{first_part.rstrip()}",
                            f"{indent}{rest}{quote}{tail}"]
                    continue
                parts = [_literal(prefix, quote, first_part), _literal(prefix, quote, rest)]
                inner = indent + " " * len(key)
                if depth_at.get(number, 0) > 0:
                    out += [f"{indent}{key}{parts[0]}", f"{inner}{parts[1]}{tail}"]
                else:
                    out += [f"{indent}{key}(", f"{indent}    {parts[0]}",
                            f"{indent}    {parts[1]}", f"{indent}){tail}"]
                continue
        out.append(line)
    return "\n".join(out)


def wrap(path, width=WIDTH):
    """Rewrap ``path`` in place; the long lines left."""
    nb = nbformat.read(path, as_version=4)
    cells = sorted({i for i, _, _ in long_lines(nb, width)})
    if cells:
        # Comments first, so that ruff does not leave one behind a closing bracket.
        formatted = _ruff_format([_split_long_lines(nb.cells[i].source, width)
                                  for i in cells], width)
        for i, source in zip(cells, formatted, strict=True):
            nb.cells[i].source = _split_long_lines(source.rstrip("\n"), width)
        nbformat.write(nb, path)
    return long_lines(nb, width)


def main(argv):
    check = "--check" in argv
    left = 0
    for name in (a for a in argv if a != "--check"):
        path = Path(name)
        lines = long_lines(nbformat.read(path, as_version=4)) if check else wrap(path)
        for i, k, line in lines:
            print(f"{path}: cell {i}, line {k} ({len(line)} > {WIDTH}): {line.strip()}")
        left += len(lines)
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
