"""The type stubs (svcm.pyi, assembled beside the module) name exactly the
module's public attributes, and every public function and class has a
docstring."""
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
        path = os.path.join(os.path.dirname(svcm.__file__), "svcm.pyi")
        stubbed = stub_names(path)
        public = {n for n in dir(svcm) if not n.startswith("_")} | {"__version__"}
        self.assertEqual(sorted(public - stubbed), [], "in the module, missing from svcm.pyi")
        self.assertEqual(sorted(stubbed - public), [], "in svcm.pyi, missing from the module")

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
