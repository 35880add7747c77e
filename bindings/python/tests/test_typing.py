"""Type checkers read the package's types: mypy --strict accepts
typed_example.py and rejects typed_error.py with the expected message,
against the svcm package this interpreter imports (the build tree's
through PYTHONPATH, or an installed one), found as an installed PEP 561
package (py.typed, __init__.pyi). typed_example.py also runs.

Needs mypy for this interpreter (Debian: python3-mypy). Without it the mypy
tests are skipped, and run as a script (as meson test does) the file exits
77, which meson reports as SKIP, with the reason on stdout."""
import os
import subprocess
import sys
import tempfile
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


MYPY = _mypy_version()  # mypy's version line, or None without `python -m mypy`


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
        p = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
             "--show-absolute-path", "--no-color-output", "--cache-dir", cache, path],
            capture_output=True, text=True, env=env, cwd=cache, timeout=600)
    return p.returncode, (p.stdout + p.stderr).strip()


class TypedExample(unittest.TestCase):
    def test_typed_example_runs(self):
        # The calls mypy checks are real: the example runs against the package.
        sys.path.insert(0, HERE)
        try:
            import typed_example
        finally:
            sys.path.remove(HERE)
        typed_example.main()


@unittest.skipIf(MYPY is None, NO_MYPY)
class Mypy(unittest.TestCase):
    def test_typed_example_passes_mypy_strict(self):
        rc, out = run_mypy(os.path.join(HERE, "typed_example.py"))
        self.assertEqual((rc, out), (0, ""))

    def test_type_error_is_rejected(self):
        path = os.path.join(HERE, "typed_error.py")
        rc, out = run_mypy(path)
        self.assertEqual(rc, 1, out)
        self.assertEqual(out.splitlines(), [
            path + ':5: error: Incompatible types in assignment (expression has type "float", '
            'variable has type "int")  [assignment]'])


if __name__ == "__main__":
    result = unittest.main(exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    if MYPY is None:
        print("SKIP: " + NO_MYPY)
        sys.exit(77)
