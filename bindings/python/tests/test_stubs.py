"""The type stubs (svcm/__init__.pyi, assembled from stubs/*.pyi into the
package beside py.typed) name exactly the package's public attributes, and
every public function and class has a docstring."""
import ast
import os
import unittest

import svcm


def stub_names(path):
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return {n for n in names if not n.startswith("_") or n == "__version__"}


class Stubs(unittest.TestCase):
    def test_stubs_match_module(self):
        path = os.path.join(os.path.dirname(svcm.__file__), "__init__.pyi")
        stubbed = stub_names(path)
        public = {n for n in dir(svcm) if not n.startswith("_")} | {"__version__"}
        self.assertEqual(sorted(public - stubbed), [], "in the module, missing from __init__.pyi")
        self.assertEqual(sorted(stubbed - public), [], "in __init__.pyi, missing from the module")

    def test_package_re_exports_the_extension(self):
        # import svcm gives every public name of the extension, svcm.__all__
        # lists them, and the package is marked typed (PEP 561).
        ext = svcm._svcm
        names = {n for n in dir(ext) if not n.startswith("_")}
        self.assertEqual(sorted(names - set(dir(svcm))), [])
        self.assertEqual(sorted(svcm.__all__), sorted(names))
        self.assertIs(svcm.__version__, ext.__version__)
        for name in names:
            self.assertIs(getattr(svcm, name), getattr(ext, name), name)
            module = getattr(getattr(svcm, name), "__module__", "svcm")
            self.assertEqual(module, "svcm", name)
        self.assertTrue(os.path.isfile(os.path.join(os.path.dirname(svcm.__file__), "py.typed")))
        # Private functions too: pickles by reference never name svcm._svcm.
        for name, obj in vars(ext).items():
            if callable(obj) and not name.startswith("__"):
                self.assertEqual(getattr(obj, "__module__", "svcm"), "svcm", name)
                self.assertIs(getattr(svcm, name), obj, name)

    def test_public_callables_have_docstrings(self):
        missing = []
        for name in dir(svcm):
            if name.startswith("_"):
                continue
            obj = getattr(svcm, name)
            if callable(obj) and not (obj.__doc__ or "").strip():
                missing.append(name)
        self.assertEqual(missing, [])


if __name__ == "__main__":
    unittest.main()
