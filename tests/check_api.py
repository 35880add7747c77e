#!/usr/bin/env python3
"""Check that the public headers follow the 0.2 naming scheme (HACKING.md,
"API shape").

usage: check_api.py HEADER...

Each rule prints the offending declaration; the exit status is 1 when any
rule is broken. The rules:

  names     no 0.1 spellings: _validate, _get_stats, _info_get, _summary(),
            _to_text, _default, _policy_ (an engine's settings are options)
  init      svcm_X_options_init returns void and fills a svcm_X_options *
  new       svcm_X_new(..., const svcm_allocator *, svcm_X **out, svcm_error *)
  free      svcm_X_free(svcm_X *) returns void
  result    no typedef ends in _result (results are struct tags, so the
            accessor svcm_X_result can share the name); svcm_X_result takes
            const svcm_X * first and struct svcm_X_result * last
  save      binary writers svcm_X_save(const svcm_X *, unsigned char *buf,
            size_t cap, size_t *len); text writers svcm_X_format(const X *,
            char *buf, size_t cap, size_t *len)
  load      svcm_X_load(const unsigned char *, size_t, ..., svcm_error *) and
            svcm_X_parse(const char *, size_t, ..., svcm_error *); every
            parse has a format and every load a save
  check     validators are svcm_X_check(const X *, svcm_error *)
  error     a svcm_error * parameter comes last
  alloc     inputs come before the allocator, outputs after it
  enum      enum constants start with their type's name in capitals
            (svcm_status's SVCM_OK and SVCM_E* excepted)
"""
import pathlib
import re
import sys

OLD = [r'_validate$', r'_get_stats$', r'_info_get$', r'_summary$', r'_to_text$',
       r'_default$', r'_policy_']
# parsers of one value rather than of a saved object: they have no writer
VALUE_PARSERS = {'svcm_time_parse'}
# loaders of formats other programs write (TZif, RFC 8536, by zic)
EXTERNAL_LOADERS = {'svcm_zone_load'}


def strip(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    return re.sub(r'#[^\n]*(\\\n[^\n]*)*', ' ', text)


def split_params(s):
    out, depth, cur = [], 0, ''
    for ch in s:
        if ch == ',' and depth == 0:
            out.append(cur.strip())
            cur = ''
            continue
        depth += ch in '([{'
        depth -= ch in ')]}'
        cur += ch
    if cur.strip():
        out.append(cur.strip())
    return [] if out == ['void'] else out


def ptype(p):
    """The type of a parameter declaration, without its name."""
    p = re.sub(r'\[[^\]]*\]$', '*', p.strip())
    m = re.match(r'(.*?)([A-Za-z_][A-Za-z0-9_]*)$', p)
    return re.sub(r'\s+', ' ', m.group(1) if m else p).replace(' *', '*').strip()


def functions(text):
    pat = re.compile(r'SVCM_API\s+([^;{(]*?)\b(svcm_[a-z0-9_]+)\s*\(([^;]*?)\)\s*;', re.S)
    for m in pat.finditer(text):
        yield re.sub(r'\s+', ' ', m.group(1)).strip(), m.group(2), split_params(m.group(3))


def main():
    problems = []
    funcs, typedefs, enums = {}, set(), []
    for h in map(pathlib.Path, sys.argv[1:]):
        text = strip(h.read_text())
        for ret, name, params in functions(text):
            funcs[name] = (ret, [ptype(p) for p in params], h.name)
        typedefs.update(re.findall(r'\}\s*(svcm_[a-z0-9_]+)\s*;', text))
        typedefs.update(re.findall(r'typedef\s+[^;{}]*?\b(svcm_[a-z0-9_]+)\s*;', text))
        for m in re.finditer(r'typedef\s+enum\s+\w*\s*\{([^}]*)\}\s*(\w+)\s*;', text):
            enums.append((m.group(2), re.findall(r'\b(SVCM_[A-Z0-9_]+)\b\s*(?:=[^,]*)?,?',
                                                m.group(1))))
        for m in re.finditer(r'\benum\s+(\w+)\s*\{([^}]*)\}\s*;', text):
            enums.append((m.group(1), re.findall(r'\b(SVCM_[A-Z0-9_]+)\b', m.group(2))))

    def bad(rule, name, why):
        problems.append(f'{rule}: {name}: {why}')

    for name, (ret, params, _) in sorted(funcs.items()):
        for pat in OLD:
            if re.search(pat, name):
                bad('names', name, f'0.1 spelling ({pat.strip("$^")})')
        if 'svcm_error*' in params[:-1]:
            bad('error', name, 'svcm_error * is not the last parameter')
        if name.endswith('_options_init'):
            base = name[:-len('_init')]
            if ret != 'void' or not params or params[0] != base + '*':
                bad('init', name, f'want void {name}({base} *...)')
        if name.endswith('_new'):
            x = name[:-4]
            want = ['const svcm_allocator*', x + '**', 'svcm_error*']
            if params[-3:] != want:
                bad('new', name, f'last parameters {params[-3:]}, want {want}')
        if name.endswith('_free') and (ret != 'void' or params != [name[:-5] + '*']):
            bad('free', name, f'want void {name}({name[:-5]} *)')
        if name.endswith('_result') and name[:-len('_result')] in typedefs:
            x = name[:-len('_result')]
            if not params or params[0] != 'const ' + x + '*':
                bad('result', name, f'first parameter {params[:1]}, want const {x} *')
            if not params or params[-1] != f'struct {name}*':
                bad('result', name, f'last parameter {params[-1:]}, want struct {name} *')
        if name.endswith('_save') or name.endswith('_format'):
            buf = 'unsigned char*' if name.endswith('_save') else 'char*'
            if params[1:] != [buf, 'size_t', 'size_t*'] or not params[0].startswith('const '):
                bad('save', name, f'parameters {params}, want (const X *, {buf} buf, size_t cap, size_t *len)')
        if name.endswith('_load') or name.endswith('_parse'):
            buf = 'const unsigned char*' if name.endswith('_load') else 'const char*'
            if name.endswith('_parse') and params[:1] == ['const char*'] and len(params) == 2:
                pass  # name parsers: svcm_tier_parse(name, &out)
            elif name in VALUE_PARSERS:
                pass
            elif params[:2] != [buf, 'size_t'] or params[-1] != 'svcm_error*':
                bad('load', name, f'parameters {params}, want ({buf}, size_t, ..., svcm_error *)')
            else:
                twin = name.rsplit('_', 1)[0] + ('_save' if name.endswith('_load') else '_format')
                if twin not in funcs and name not in EXTERNAL_LOADERS:
                    bad('load', name, f'no writer {twin}')
        if name.endswith('_check') and params and params[-1] == 'svcm_error*' and len(params) == 2:
            if not params[0].startswith('const '):
                bad('check', name, 'a validator takes a const pointer')
        if 'const svcm_allocator*' in params:
            i = params.index('const svcm_allocator*')
            for p in params[1:i]:
                if p.endswith('*') and not p.startswith('const ') and p != 'svcm_error*':
                    bad('alloc', name, f'output {p} before the allocator')
            after = params[i + 1:]
            for k, p in enumerate(after):
                if p == 'size_t' and k and after[k - 1].endswith('*'):
                    continue  # the capacity of the output buffer before it
                if not p.endswith('*') or p.startswith('const '):
                    bad('alloc', name, f'input {p} after the allocator')
    for t in sorted(typedefs):
        if t.endswith('_result'):
            bad('result', t, 'a result is a struct tag, not a typedef')
    for ename, consts in enums:
        prefix = re.sub(r'_value$', '', ename).upper() + '_'
        if ename == 'svcm_status':
            continue
        for c in consts:
            if not c.startswith(prefix):
                bad('enum', c, f'does not start with {prefix}')
    for p in problems:
        print(p)
    print(f'{len(funcs)} functions, {len(typedefs)} typedefs, {len(enums)} enums checked; '
          f'{len(problems)} problems')
    if not funcs:
        return 1
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
