#!/usr/bin/env python3
"""The project stands alone: no file of it may name a path outside the tree.

Development machines keep a `shared` folder beside the repository; users and
CI clones do not have it, so a test, benchmark or example that reads it
(a parent-directory path into `shared`) passes here and fails everywhere
else. This check reads every
tracked file (`git ls-files`, or every file under the source root when the
tree is an export without .git) and fails naming each file and line that
refers to the folder beside the repository.

usage: check_standalone.py SOURCE_ROOT
"""
import os
import re
import subprocess
import sys

# The parent directory followed by `shared`, with either separator, or a
# path join that spells it from a ".." part and a "shared" part.
PATTERNS = [
    re.compile(r"\.\.[/\\]+shared\b"),
    re.compile(r"""['"]\.\.['"]\s*[,/]\s*['"]shared['"]"""),
]
SKIP_DIRS = {".git", "subprojects"}


def tracked_files(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True,
                             capture_output=True).stdout
        names = [n for n in out.decode("utf-8", "surrogateescape").split("\0") if n]
        if names:
            return names
    except (OSError, subprocess.CalledProcessError):
        pass
    names = []
    for top, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith("build")]
        for f in files:
            names.append(os.path.relpath(os.path.join(top, f), root))
    return names


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    bad = []
    names = tracked_files(root)
    for name in names:
        try:
            with open(os.path.join(root, name), "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except (IsADirectoryError, FileNotFoundError):
            continue
        for no, line in enumerate(text.splitlines(), 1):
            if any(p.search(line) for p in PATTERNS):
                bad.append(f"{name}:{no}: {line.strip()}")
    if bad:
        print("these files name the folder beside the repository, which a clone does not have;")
        print("copy the data into tests/data/ and point there:")
        print("\n".join(bad))
        return 1
    print(f"{len(names)} files checked, none names a path outside the tree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
