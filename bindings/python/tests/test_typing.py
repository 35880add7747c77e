"""Type checkers read the package's types: mypy --strict accepts
typed_example.py and rejects typed_error.py with the expected messages,
against the svcm package this interpreter imports (the build tree's
through PYTHONPATH, or an installed one), found as an installed PEP 561
package (py.typed, __init__.pyi). typed_example.py also runs.

mypy reports nothing about an installed package's own stub, so the stub
is also checked as source (a copy, found through MYPYPATH): mypy --strict
must find no error in it. An error there is often a type silently turned
into Any for users (a name two fragments define differently, an unknown
import), which the example alone would not show.

Needs mypy for this interpreter (Debian: python3-mypy). Without it the mypy
tests are skipped, and run as a script (as meson test does) the file exits
77, which meson reports as SKIP, with the reason on stdout."""
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import types
import typing
import unittest

import svcm

HERE = os.path.dirname(os.path.abspath(__file__))
NO_MYPY = ("mypy is not installed for " + sys.executable +
           " (Debian: apt-get install python3-mypy); the mypy checks are skipped")


def _mypy_version():
    try:
        p = subprocess.run([sys.executable, "-m", "mypy", "--version"],
                           capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return p.stdout.strip() if p.returncode == 0 else None


TYPED_NUMPY = """\
import array
from typing import assert_type

import numpy as np

import svcm

instants = np.array([0, 86400, 3 * 86400], dtype=np.int64)
assert_type(svcm.days_since(instants, 4 * 86400), "array.array[float]")
r = np.array([5.0, 40.0, 400.0, 2.0])
f = np.array([12.0, 3.0, 1.0, 30.0])
m = np.array([900.0, 120.0, 15.0, 4000.0])
assert_type(svcm.segment(r, f, m), svcm.Segmentation)
model = svcm.BGNBD(0.24, 4.41, 0.79, 2.43)
assert_type(model.p_alive(np.array([2.0]), 30.0, 39.0), list[float])
"""

MYPY = _mypy_version()  # mypy's version line, or None without `python -m mypy`


def _run(args, env, cwd):
    p = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
                        "--show-absolute-path", "--no-color-output"] + args,
                       capture_output=True, text=True, env=env, cwd=cwd, timeout=600)
    return p.returncode, (p.stdout + p.stderr).strip()


def run_mypy(path):
    """mypy --strict on one file: (exit status, output)."""
    env = dict(os.environ)
    # The directory that holds the package under test comes first, so that
    # mypy resolves `import svcm` to it (as an installed package: through
    # its py.typed marker, like a user's mypy would).
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(svcm.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(
        [package_parent] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.pop("MYPYPATH", None)
    # mypy does not load the extension: no sanitizer runtime for it.
    env.pop("LD_PRELOAD", None)
    with tempfile.TemporaryDirectory(prefix="svcm-mypy-") as cache:
        return _run(["--cache-dir", cache, path], env, cache)


def run_mypy_on_stub():
    """mypy --strict on the package's stub checked as source: a copy of
    svcm/__init__.pyi as the package svcm of a MYPYPATH directory.
    Returns (exit status, output, path of the copy)."""
    stub = os.path.join(os.path.dirname(os.path.abspath(svcm.__file__)), "__init__.pyi")
    env = dict(os.environ)
    for name in ("PYTHONPATH", "LD_PRELOAD"):
        env.pop(name, None)
    with tempfile.TemporaryDirectory(prefix="svcm-mypy-") as tmp:
        src = os.path.join(tmp, "src")
        os.makedirs(os.path.join(src, "svcm"))
        copy = os.path.join(src, "svcm", "__init__.pyi")
        shutil.copyfile(stub, copy)
        env["MYPYPATH"] = src
        rc, out = _run(["--cache-dir", os.path.join(tmp, "cache"), "-p", "svcm"], env, tmp)
        # Name the lines in the stub file the package carries.
        return rc, out.replace(copy, stub), stub


class TypedExample(unittest.TestCase):
    def test_typed_example_runs(self):
        # The calls mypy checks are real: the example runs against the package.
        sys.path.insert(0, HERE)
        try:
            import typed_example
        finally:
            sys.path.remove(HERE)
        typed_example.main()

    def test_table_is_generic_at_run_time(self):
        # svcm.Table[Row] (generic in the stubs) also works when evaluated:
        # a types.GenericAlias, like list[int], usable in annotations that
        # are evaluated (typing.get_type_hints, pydantic, dataclasses).
        alias = svcm.Table[svcm.Staffing]
        self.assertIsInstance(alias, types.GenericAlias)
        self.assertIs(typing.get_origin(alias), svcm.Table)
        self.assertEqual(typing.get_args(alias), (svcm.Staffing,))
        self.assertEqual(repr(alias), "svcm.Table[svcm.Staffing]")

        def f(t: svcm.Table[svcm.Staffing]) -> None:
            pass
        self.assertEqual(typing.get_type_hints(f)["t"], alias)
        table = svcm.staffing_batch([100.0, 120.0], 180.0, 1800.0)
        self.assertIsInstance(table, svcm.Table)
        with self.assertRaises(TypeError):  # as for any GenericAlias
            isinstance(table, alias)


@unittest.skipIf(MYPY is None, NO_MYPY)
class Mypy(unittest.TestCase):
    maxDiff = None  # show all of mypy's output on a failure

    def test_typed_example_passes_mypy_strict(self):
        rc, out = run_mypy(os.path.join(HERE, "typed_example.py"))
        self.assertEqual((rc, out), (0, ""))

    def test_type_error_is_rejected(self):
        path = os.path.join(HERE, "typed_error.py")
        rc, out = run_mypy(path)
        self.assertEqual(rc, 1, out)
        lines = out.splitlines()
        self.assertEqual(len(lines), 3, out)
        self.assertEqual(lines[0],
            path + ':6: error: Incompatible types in assignment (expression has type "float", '
            'variable has type "int")  [assignment]')
        # The wording of these two depends on mypy's version (how it spells
        # array and the buffer types): their line, code and key part only.
        # Were the result or the parameter Any, mypy would accept the line.
        self.assertTrue(lines[1].startswith(path + ":7: error: Incompatible types in assignment "
                                            '(expression has type "array[float]"'), lines[1])
        self.assertTrue(lines[1].endswith("[assignment]"), lines[1])
        self.assertTrue(lines[2].startswith(path + ':8: error: Argument 1 to "days_since" has '
                                            'incompatible type "str"'), lines[2])
        self.assertTrue(lines[2].endswith("[arg-type]"), lines[2])

    @unittest.skipIf(importlib.util.find_spec("numpy") is None, "numpy is not installed")
    def test_numpy_arrays_are_buffers(self):
        # numpy arrays pass where the stubs take a buffer, with numpy's own
        # stubs of any version (before 1.26 they do not declare __buffer__)
        # and mypy's typeshed of any version (mypy 1.0's has no Buffer
        # protocol), and the result types hold.
        with tempfile.TemporaryDirectory(prefix="svcm-mypy-") as tmp:
            path = os.path.join(tmp, "typed_numpy.py")
            with open(path, "w") as f:
                f.write(TYPED_NUMPY)
            rc, out = run_mypy(path)
            self.assertEqual((rc, out), (0, ""))
            subprocess.run([sys.executable, path], check=True, timeout=120)

    def test_stub_passes_mypy_strict_as_source(self):
        rc, out, stub = run_mypy_on_stub()
        self.assertEqual((rc, out), (0, ""),
                         "mypy --strict finds errors in " + stub + " (fragments: "
                         "bindings/python/stubs/*.pyi, concatenated core first)")


if __name__ == "__main__":
    result = unittest.main(exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    if MYPY is None:
        print("SKIP: " + NO_MYPY)
        sys.exit(77)
