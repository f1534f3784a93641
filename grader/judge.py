"""The judge: runs an assignment's test cells in a clean process, on data from the student.

Started by :mod:`grader.grade` for each submission (``python -m grader.judge``), sandboxed,
and driven over its stdin / stdout with one JSON message per line:

- first ``{"op": "secret", "value": ...}``: the held-out secret (only ever on this pipe);
- ``{"op": "run", "source": ...}``: an instructor cell (the setup); it runs here too, so
  the tests use the instructor's data and helpers, not the student's copies of them;
- ``{"op": "test", "source": ..., "points": ...}``: a test cell (visible and hidden tests).

Whatever a cell needs that the student's code defines, the judge asks for
(``{"op": "fetch", "names": [...]}``) and gets as data (see :mod:`grader.codec`), exactly
those names, parsed here from the kernel's raw answer (written by code the student
controls, so treated as hostile); a student function is called remotely
(``{"op": "call", ...}``). Nothing the student's kernel does can
reach this process's modules, so monkeypatching, input transformers and objects that
always compare equal do not change a verdict. The answer to a test is
``{"op": "result", "points": ..., "message": ..., "output": ...}`` with nbgrader's rules:
an exception scores 0, a number as the cell's last expression is partial credit, anything
else full marks. ``"visible"`` says whether the visible checks (the lines above
``### BEGIN HIDDEN TESTS``) passed, so the tests of the course can prove that a visible ✔
and the grade agree.
"""

import ast
import base64
import builtins
import contextlib
import inspect
import io
import json
import os
import re
import sys
import traceback

import numpy as np
from IPython.core.inputtransformer2 import TransformerManager

from grader.codec import Opaque, decode, encode, rebuild_keras

_FORBIDDEN_CLASSES = {"Lambda", "TFOpLambda", "function"}
_NOT_LOSSES = {"get", "serialize", "deserialize"}  # functions of keras.losses, not losses
HIDDEN_MARKER = "### BEGIN HIDDEN TESTS"
_TYPE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,80}")


class StudentError(Exception):
    """What a student function raised when the judge called it."""


class Channel:
    """JSON lines to the grading process over the judge's original stdout and its stdin."""

    def __init__(self):
        self.out = os.fdopen(os.dup(1), "w", buffering=1)
        os.dup2(2, 1)  # anything else written to stdout goes to stderr, not to the protocol

    def send(self, message):
        self.out.write(json.dumps(message) + "\n")

    def ask(self, message):
        self.send(message)
        line = sys.stdin.readline()
        if not line:
            raise SystemExit(0)
        return json.loads(line)


class RemoteFunction:
    """A student function, called in the student's kernel with data in and data out."""

    def __init__(self, channel, name):
        self.channel, self.name, self.__name__ = channel, name, name

    def __call__(self, *args, **kwargs):
        answer = self.channel.ask(
            {"op": "call", "name": self.name, "args": encode(list(args)), "kwargs": encode(kwargs)}
        )
        result = parse_answer(answer)
        if isinstance(result, dict) and "ok" in result:
            return decode_untrusted(result["ok"])
        if isinstance(result, dict) and "raised" in result:
            # Only the exception's type: its text could carry the test's inputs out.
            raised = result["raised"]
            kind = raised if isinstance(raised, str) and _TYPE_NAME.fullmatch(raised) else None
            raise StudentError(f"{self.name}(...) raised {kind or 'an exception'}")
        raise StudentError(f"{self.name}(...) gave no result: {_reason(answer, result)}")

    def __repr__(self):
        return f"<student function {self.name}>"


def parse_answer(answer):
    """The kernel's answer (``{"raw64": its bytes in base64}`` from the grading process)
    parsed, or None."""
    raw = answer.get("raw64") if isinstance(answer, dict) else None
    if not isinstance(raw, str):
        return None
    try:
        return json.loads(base64.b64decode(raw))
    except (ValueError, RecursionError):
        return None


def _reason(answer, parsed):
    """Why the kernel's answer (parsed as ``parsed``) gives no value."""
    error = answer.get("error") if isinstance(answer, dict) else None
    if error:
        return str(error)[:200]
    return "its answer was not readable" if parsed is None else "its answer was not a result"


def decode_untrusted(data, remote=None):
    """:func:`grader.codec.decode` on data written by code the student controls: whatever
    it holds, the result is a value or an :class:`Opaque` placeholder, never an error."""
    try:
        return decode(data, remote)
    except Exception as error:  # noqa: BLE001  (hostile data: any failure is "unreadable")
        return Opaque(f"unreadable data ({type(error).__name__})")


def _keras_loss_or_metric(config):
    """Whether ``config`` names one of Keras' own loss or metric functions. Keras writes a
    loss or metric given as a function (``loss=keras.losses.binary_crossentropy``) as
    ``{"module": "builtins", "class_name": "function", "config": "<name>"}`` and finds it
    again by name; only names of ``keras.losses`` and ``keras.metrics`` functions pass."""
    import keras

    name = config.get("config")
    kind = (config.get("module"), config.get("class_name"), config.get("registered_name"))
    if kind != ("builtins", "function", "function") or not isinstance(name, str):
        return False
    if name in _NOT_LOSSES or not name.isidentifier():
        return False
    for namespace in (keras.losses, keras.metrics):
        function = getattr(namespace, name, None)
        if (inspect.isfunction(function)
                and str(getattr(function, "__module__", "")).startswith("keras.")):
            return True
    return False


def check_keras_config(config):
    """Refuse configurations that could run code when deserialized (only Keras' own
    classes and loss or metric functions, no Lambda layers, no custom registered objects)."""
    if isinstance(config, dict):
        if _keras_loss_or_metric(config):
            return
        module = config.get("module")
        if module is not None and not (module == "keras" or str(module).startswith("keras.")):
            raise ValueError(f"refusing a Keras object from module {module!r}")
        if config.get("class_name") in _FORBIDDEN_CLASSES:
            raise ValueError(f"refusing a {config['class_name']} object")
        if ">" in str(config.get("registered_name") or ""):
            raise ValueError(f"refusing the custom object {config['registered_name']!r}")
        for value in config.values():
            check_keras_config(value)
    elif isinstance(config, list):
        for value in config:
            check_keras_config(value)


def rebuild(data):
    """A Keras object (model, layer, optimizer, loss, history, early stopping) from data a
    kernel sent, once its configuration passed :func:`check_keras_config`."""
    if data["t"] not in ("history", "early_stopping"):  # those two carry plain data only
        check_keras_config(data["config"])
    return rebuild_keras(data)


def free_names(source):
    """Names a cell reads without defining them itself (builtins excluded)."""
    loaded, defined = set(), set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else defined).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.alias):
            defined.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            defined.add(node.name)
    return sorted(n for n in loaded - defined - set(dir(builtins)) if not n.startswith("__"))


class Judge:
    def __init__(self, channel):
        self.channel = channel
        # get_ipython: magics in instructor cells (a %pip fallback) are not run here.
        self.namespace = {"__name__": "__main__", "get_ipython": lambda: None}

    def _value(self, name, data):
        if not isinstance(data, dict):
            return Opaque(f"{name} could not be read")
        if data.get("t") == "function":
            return RemoteFunction(self.channel, name)
        if data.get("t") in ("keras", "history", "early_stopping"):
            try:
                return rebuild(data)
            except Exception as error:
                return Opaque(f"{name} could not be rebuilt: {type(error).__name__}: {error}")
        return decode_untrusted(
            data, remote=lambda d: Opaque("a function or Keras object inside a value"))

    def _fetch(self, source, namespace):
        """Fetch, fresh from the kernel, what the cell needs and the instructor's cells did
        not define: exactly those names, whatever else the kernel's answer holds."""
        wanted = [n for n in free_names(source) if n not in self.namespace]
        if not wanted:
            return
        answer = self.channel.ask({"op": "fetch", "names": wanted})
        values = parse_answer(answer)
        if not isinstance(values, dict):
            reason = _reason(answer, values)
            values = {name: {"t": "error", "message": reason} for name in wanted}
        for name in wanted:
            data = values.get(name)
            if not (isinstance(data, dict) and data.get("t") == "missing"):
                namespace[name] = self._value(name, data)

    def run(self, source, namespace):
        """Run a cell in ``namespace``; returns its printed output and its last expression."""
        source = TransformerManager().transform_cell(source)
        self._fetch(source, namespace)
        tree = ast.parse(source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(tree, "<cell>", "exec"), namespace)
            value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace) \
                if last else None
        return output.getvalue(), value

    def instructor(self, source):
        """An instructor cell: what it defines stays for the following cells."""
        self.run(source, self.namespace)

    def test(self, source, points):
        try:
            # A copy: a test's own variables never hide the student's later values.
            output, value = self.run(source, dict(self.namespace))
        except BaseException as error:  # noqa: B036  (a failed test, whatever it raised)
            return {"points": 0.0, "message": _describe(error), "output": "",
                    "visible": _failed_below_the_marker(source, error)}
        number = type(value) in (int, float) or (hasattr(value, "dtype") and np.ndim(value) == 0)
        if number:
            partial = float(value)
            return {"points": min(max(partial, 0.0), points), "message": "partial credit",
                    "output": output, "visible": True}
        return {"points": float(points), "message": "", "output": output, "visible": True}


def _failed_below_the_marker(source, error):
    """Whether ``error`` came from a line below the hidden-tests marker (the visible checks
    above it passed)."""
    lines = source.splitlines()
    marker = next((i + 1 for i, line in enumerate(lines) if line.strip() == HIDDEN_MARKER), None)
    if marker is None or isinstance(error, SyntaxError):
        return False
    # The cell's outermost frame: the top-level statement that was running.
    cell_lines = [lineno for frame, lineno in traceback.walk_tb(error.__traceback__)
                  if frame.f_code.co_filename == "<cell>"]
    return bool(cell_lines) and cell_lines[0] > marker


def _describe(error, limit=1000):
    """``Type: message``, cut to ``limit`` characters: a message may quote student values,
    which must not become a channel for large amounts of data."""
    text = str(error).strip()
    name = type(error).__name__
    return (f"{name}: {text}" if text else name)[:limit]


def main():
    import dlcourse  # noqa: F401  (quiets TensorFlow before any cell imports it)
    from grader import heldout

    first = json.loads(sys.stdin.readline() or "{}")
    if first.get("op") == "secret":  # the held-out secret: only ever on this pipe
        heldout.use(first["value"])
    channel = Channel()
    judge = Judge(channel)
    channel.send({"op": "ready"})
    for line in sys.stdin:
        message = json.loads(line)
        if message["op"] == "run":
            try:
                judge.instructor(message["source"])
                channel.send({"op": "ran"})
            except BaseException as error:  # noqa: B036
                channel.send({"op": "ran", "error": _describe(error)})
        elif message["op"] == "test":
            channel.send({"op": "result", **judge.test(message["source"], message["points"])})
        else:
            break


if __name__ == "__main__":
    main()
