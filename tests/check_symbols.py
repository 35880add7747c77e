#!/usr/bin/env python3
"""Check that the public API, the version script and the exports agree.

usage: check_symbols.py MAP_FILE SHARED_LIB HEADER...

1. every function declared with SVCM_API in the headers is listed in the map;
2. every name in the map is declared SVCM_API;
3. the shared library exports (dynamic, defined, svcm_*) exactly those names.
"""
import pathlib
import re
import subprocess
import sys


def declared(headers):
    names = set()
    pat = re.compile(r'SVCM_API\b[^;{(]*?\b(svcm_[a-z0-9_]+)\s*\(', re.S)
    for h in map(pathlib.Path, headers):
        text = re.sub(r'/\*.*?\*/', '', h.read_text(), flags=re.S)
        text = re.sub(r'#define[^\n]*(\\\n[^\n]*)*', '', text)
        names.update(pat.findall(text))
    return names


def mapped(map_file):
    text = pathlib.Path(map_file).read_text()
    body = text.split('global:', 1)[1].split('local:', 1)[0]
    return set(re.findall(r'(svcm_[a-z0-9_]+)\s*;', body))


def exported(lib):
    out = subprocess.run(['nm', '-D', '--defined-only', lib], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'TtWDdBbRr':
            names.add(parts[2].split('@')[0])
    return names


def main():
    map_file, lib, headers = sys.argv[1], sys.argv[2], sys.argv[3:]
    d, m, e = declared(headers), mapped(map_file), exported(lib)
    problems = []
    for name in sorted(d - m):
        problems.append(f'declared SVCM_API but missing from the map: {name}')
    for name in sorted(m - d):
        problems.append(f'in the map but not declared SVCM_API: {name}')
    for name in sorted(d - e):
        problems.append(f'declared but not exported by the library: {name}')
    for name in sorted(e - d):
        problems.append(f'exported but not part of the public API: {name}')
    for p in problems:
        print(p)
    print(f'{len(d)} public functions, {len(m)} in the map, {len(e)} exported')
    if not d:
        print('no SVCM_API declarations found')
        return 1
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
