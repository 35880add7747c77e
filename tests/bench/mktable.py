#!/usr/bin/env python3
"""Run every benchmark of a build and write tests/bench/README.md.

usage: python3 tests/bench/mktable.py BUILD_DIR [--suite NAME ...] [--out FILE]

The benchmarks are the `benchmark()` targets of the Meson build (`meson test
--benchmark`). Each prints its own figures, one per line, with its target or
anchor beside it; this script runs them one at a time (so that they do not
compete for the cores), reads what each printed from Meson's test log and
writes one table row per printed line, with the command that reproduces it.
Nothing here judges a figure: the table is a record of one run on one machine.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return '%s, %d cores, %s' % (cpu, os.cpu_count() or 1, platform.system())


def run(build, suites):
    cmd = ['meson', 'test', '-C', build, '--benchmark', '--num-processes', '1']
    for s in suites:
        cmd += ['--suite', s]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = os.path.join(build, 'meson-logs', 'testlog.json')
    rows = []
    with open(log, encoding='utf-8') as f:
        for line in f:
            t = json.loads(line)
            name = t['name']
            out = [ln.strip() for ln in (t.get('stdout') or '').splitlines() if ln.strip()]
            # Skip the unittest-style chatter some scripts print.
            out = [ln for ln in out if not ln.startswith(('---', 'Ran ', 'OK'))]
            if t.get('result') not in ('OK', 'EXPECTEDFAIL'):
                out.append('(%s)' % t.get('result'))
            rows.append((name, out))
    return proc.returncode, rows


def escape(s):
    return s.replace('|', '\\|')


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('build')
    ap.add_argument('--suite', action='append', default=[])
    ap.add_argument('--out', default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  'README.md'))
    a = ap.parse_args(argv)
    rc, rows = run(a.build, a.suite)
    lines = [
        '# Benchmarks',
        '',
        'Written by `python3 tests/bench/mktable.py %s` on %s (%s); do not edit by hand,'
        % (a.build, datetime.date.today().isoformat(), machine()),
        'run the script again. Each row is one line a benchmark printed; the figure and',
        'its target or anchor come from the same run. Reproduce one row with',
        '`meson test -C BUILD --benchmark --verbose NAME`. Timings are of an optimised',
        'build (`-Dbuildtype=release` or `debugoptimized`) on an otherwise idle machine.',
        '',
        '| benchmark | figure |',
        '|---|---|',
    ]
    for name, out in rows:
        if not out:
            lines.append('| `%s` | (printed nothing) |' % escape(name))
        for ln in out:
            lines.append('| `%s` | %s |' % (escape(name), escape(ln)))
    with open(a.out, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    print('wrote %s (%d benchmarks)' % (a.out, len(rows)))
    return rc


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
