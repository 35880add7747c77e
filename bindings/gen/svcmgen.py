#!/usr/bin/env python3
"""svcmgen: the one description of svcm's binding surface, turned into C for
the Python extension, C for the Lua module and the Python type stubs.

Usage (meson runs it at build time; see bindings/gen/meson.build):
    svcmgen.py OUTDIR DESC.py [DESC.py ...]
writes OUTDIR/gen_py.c, gen_py.h, gen_lua.c, gen_lua.h and gen.pyi.

A description file (bindings/api/<engine>.py) is Python that calls:

    include("svcm/erlang.h")
    record("Staffing", "struct svcm_erlang_result", "doc", [
        ("agents", "u32", "field doc"),           # Python/Lua name, kind, doc
        ("asa", "f64", "field doc", "asa_s"),     # C member when it differs
    ])
    function("erlang_b", "doc",
             ["traffic_erlangs: f64", "agents: u32"], "f64",
             "rc = svcm_erlang_b(traffic_erlangs, agents, &out, &err);")
    status("EINVAL", "InvalidInput", "ValueError", "doc")   # exception class

Argument specs: "name: kind", "name: kind = C default", "name: kind?" (None
or absent keeps the default; `has_name` says whether it was given), and
"*" (what follows is keyword-only: a trailing options table in Lua). Kinds
of arguments: f64, i64, u32, int, size, bool, str, count (uint64), the
arrays f64s and i64s (the call also sees name_n), choice(a|b|...) (the
index of one of these strings), f64v (numbers or arrays that broadcast;
the call sees rows_n), a managed class's name (an instance; the call sees
its handle) and a record with f64/i64 fields, "Rec" or "Rec[]" (a dict /
table, or a sequence of them, read into the C struct). Kinds of record
fields: the scalar kinds plus u8, u64, ibool (an int used as a truth
value), interval, name:FUNC (an int or enum member shown as the string
FUNC(value)) and the optional i64? / f64? (None / absent at INT64_MAX /
NaN). A result is a kind, a record name, "Record[]" (a batch of rows),
"f64v", "f64s" (a list as long as the first array argument) or "none".

Also: klass/method/getter (methods and properties of a class through hooks;
with free=... the class is managed and its whole type generated, with
constructor(...)), record(..., as_dict=True), helper("C code") and
fast("name", ...) (constant-time calls that keep the GIL). HACKING.md,
"Bindings: the description", is the full reference.

The call is C shared by both languages: it sees every argument as a C local
of its name, `out` (the result, zeroed), `err` (svcm_error) and `rc`, and
must set rc; it runs without the GIL in Python, so it may not touch Python
objects. A function is then, in Python, name(args) with keywords, the
docstring "signature\\n\\ndoc", svcm exceptions for a failed rc; in Lua
svcm.name(args...) or svcm.name{name=value, ...}, returning nil, message,
code, detail for a failed rc (svcmlua_fail).

A record is, in Python, a struct sequence svcm.Name (a named tuple type in
the stubs) and a column description for svcm.Table (svcmpy_cols_Name); in
Lua a table with those keys. Hand-written binding code uses the generated
makers: svcmpy_rec_Name(module, &c_struct), svcmlua_rec_Name(L, &c_struct).
"""
import os
import re
import sys

# ---------------------------------------------------------------- the model
KINDS = {
    # kind: (C type, stub type, Python record ctype, Lua pusher, column code)
    "f64": ("double", "float", "SVCMPY_F64", "SVCMLUA_F64", "d"),
    "i64": ("int64_t", "int", "SVCMPY_I64", "SVCMLUA_I64", "q"),
    "u32": ("uint32_t", "int", "SVCMPY_U32", "SVCMLUA_U32", "q"),
    "int": ("int", "int", "SVCMPY_INT", "SVCMLUA_INT", "i"),
    "size": ("size_t", "int", "SVCMPY_SIZE", "SVCMLUA_SIZE", "q"),
    "u8": ("uint8_t", "int", "SVCMPY_U8", "SVCMLUA_U8", "B"),
    "u64": ("uint64_t", "int", "SVCMPY_U64", "SVCMLUA_U64", None),
    "bool": ("bool", "bool", "SVCMPY_BOOL", "SVCMLUA_BOOL", "B"),
    "ibool": ("int", "bool", "SVCMPY_IBOOL", "SVCMLUA_IBOOL", None),
    "str": ("const char *", "str", "SVCMPY_STR", "SVCMLUA_STR", None),
    "interval": ("svcm_interval", "tuple[float, float]", "SVCMPY_INTERVAL", "SVCMLUA_INTERVAL",
                 None),
}
# Argument-only kinds: count (uint64_t; negative raises in Lua, as every
# count argument does there), and arrays f64s / i64s (any sequence or 1-D
# buffer in Python, a sequence table in Lua): the call sees `name` (const
# double * / const int64_t *) and `name_n` (size_t).
# Optional record fields: None in Python (a key left out in Lua) when the
# value is INT64_MAX / NaN.
KINDS["i64?"] = ("int64_t", "int | None", "SVCMPY_I64N", "SVCMLUA_I64N", None)
KINDS["f64?"] = ("double", "float | None", "SVCMPY_F64N", "SVCMLUA_F64N", None)
KINDS["count"] = ("uint64_t", "int", "SVCMPY_U64", "SVCMLUA_U64", None)
KINDS["f64s"] = ("const double *", "Sequence[SupportsFloat] | _Buffer", None, None, None)
KINDS["i64s"] = ("const int64_t *", "Sequence[SupportsIndex] | _Buffer", None, None, None)
KINDS["choice"] = ("int", "str", None, None, None)
# f64v: a number or an array; the f64v arguments of a call broadcast against
# each other (numbers repeat, arrays agree in length) and the call sees each
# as const double * of `rows_n` rows. A result "f64v" is `out`, a double[rows_n]
# the call fills: a float when every f64v argument was a number, else an
# svcm.Column (Python) / a sequence table (Lua).
KINDS["f64v"] = ("const double *", "SupportsFloat | Sequence[SupportsFloat] | _Buffer", None,
                 None, None)
ARRAY_KINDS = {"f64s": "svcmpy_doubles", "i64s": "svcmpy_int64s", "codes": "svcmpy_codes"}
KINDS["codes"] = ("const int64_t *", "Sequence[str | int] | _Buffer", None, None, None)
ARG_KINDS = ("f64", "i64", "u32", "int", "size", "bool", "str", "count", "f64s", "i64s", "f64v")


class Record:
    def __init__(self, name, ctype, doc, fields, engine, as_dict=False):
        self.name, self.ctype, self.doc, self.engine = name, ctype, doc, engine
        # as_dict: a dict in Python (a TypedDict _Name in the stubs), for
        # results that are looked up by key; a table in Lua either way.
        self.as_dict = as_dict
        self.fields = []
        for f in fields:
            pyname, kind, fdoc = f[0], f[1], f[2]
            member = f[3] if len(f) > 3 else pyname
            if kind.startswith("name:"):
                kind, namefn = "name", kind[5:]
            else:
                namefn = None
                if kind not in KINDS:
                    sys.exit(f"svcmgen: record {name}: field {pyname}: unknown kind {kind}")
            self.fields.append((pyname, kind, fdoc, member, namefn))


class Arg:
    SPEC = re.compile(r"^(\w+)\s*:\s*(\w+(?:\[\])?|(?:choice|codes)\([^)]+\))(\?)?\s*(?:=\s*(.+))?$")

    def __init__(self, spec, kwonly, where):
        m = self.SPEC.match(spec.strip())
        # Besides ARG_KINDS and choice(): a described record (a dict / table
        # read into its C struct) or Record[] (a sequence of them; the call
        # sees name and name_n), checked against the records in Api.check.
        if not m:
            sys.exit(f"svcmgen: {where}: bad argument spec {spec!r}")
        self.name, self.kind = m.group(1), m.group(2)
        # choice(a|b|c): one of these strings, seen by the call as its index
        # (an int); anything else raises in both languages.
        self.choices = None
        if self.kind.startswith("choice("):
            self.choices = self.kind[7:-1].split("|")
            self.kind = "choice"
        # codes(a|b|c): an array of codes, each one of these names (its
        # index) or an integer; the call sees name (const int64_t *) and name_n.
        if self.kind.startswith("codes("):
            self.choices = self.kind[6:-1].split("|")
            self.kind = "codes"
        self.optional = m.group(3) is not None
        self.default = m.group(4)
        self.kwonly = kwonly

    @property
    def has_default(self):
        return self.optional or self.default is not None


class Function:
    def __init__(self, name, doc, args, ret, call, engine, locals_="", klass=None, getter=False,
                 fast=False, ctor=False):
        self.name, self.doc, self.ret, self.call, self.engine = name, doc, ret, call, engine
        # ctor: the constructor of a managed class; the call sets `out` to
        # the new handle (Python: __init__, Lua: the class table's __call).
        self.ctor = ctor
        # fast: the call takes constant, short time; Python keeps the GIL
        # (releasing and taking it again costs more than such a call).
        self.fast = fast or getter
        self.locals = locals_
        self.klass, self.getter = klass, getter
        # C identifier: function name, or Class_method.
        self.cname = f"{klass}_{name}" if klass else name
        self.args = []
        kwonly = False
        for spec in args:
            if spec.strip() == "*":
                kwonly = True
                continue
            self.args.append(Arg(spec, kwonly, name))
        seen_default = False
        for a in self.args:
            if a.kwonly:
                continue
            if seen_default and not a.has_default:
                sys.exit(f"svcmgen: {name}: {a.name} without a default follows one with it")
            seen_default = seen_default or a.has_default


class Api:
    def __init__(self):
        self.includes, self.records, self.functions, self.statuses = [], [], [], []
        self.record_by_name = {}
        self.classes = {}  # name -> (ctype, doc, stub lines, [members])
        # Managed classes: name -> {"free", "merge", "mismatch", "save", "load",
        # "repr", "ctor": Function}; the type itself is generated.
        self.managed = {}
        self.helpers = []  # C code put before everything generated (both languages)
        self.inputs = set()  # records that are argument kinds
        self.engine = None

    def namespace(self):
        def include(h):
            if h not in self.includes:
                self.includes.append(h)

        def record(name, ctype, doc, fields, as_dict=False):
            if name in self.record_by_name:
                sys.exit(f"svcmgen: record {name} described twice")
            r = Record(name, ctype, doc, fields, self.engine, as_dict)
            self.records.append(r)
            self.record_by_name[name] = r

        def function(name, doc, args, ret, call, locals="", fast=False):
            self.functions.append(Function(name, doc, args, ret, call, self.engine, locals,
                                           fast=fast))

        def status(code, pyname, base, doc):
            self.statuses.append((code, pyname, base, doc))

        def klass(name, ctype, doc, stub="", free=None, merge=None, mismatch=None, save=None,
                  load=None, repr=None, count=None, save_as="save", load_as="load",
                  lua_fields=False):
            if name in self.classes:
                sys.exit(f"svcmgen: class {name} described twice")
            self.classes[name] = (ctype, doc, stub, [])
            if free is not None:
                self.managed[name] = {"free": free, "merge": merge, "mismatch": mismatch,
                                      "save": save, "load": load, "repr": repr, "count": count,
                                      "save_as": save_as, "load_as": load_as, "ctor": None,
                                      "lua_fields": lua_fields}
            elif merge or save or load or repr:
                sys.exit(f"svcmgen: class {name}: merge/save/load/repr need free=")

        def constructor(cls, args, call, locals=""):
            if cls not in self.managed:
                sys.exit(f"svcmgen: constructor of {cls}: not a managed class (klass(free=...))")
            self.managed[cls]["ctor"] = Function("__init__", "", args, "none", call, self.engine,
                                                 locals, klass=cls, fast=True, ctor=True)

        def member(cls, fn):
            if cls not in self.classes:
                sys.exit(f"svcmgen: {fn.name}: class {cls} is not described (klass(...))")
            self.classes[cls][3].append(fn)

        def method(cls, name, doc, args, ret, call, locals="", fast=False):
            member(cls, Function(name, doc, args, ret, call, self.engine, locals, klass=cls,
                                 fast=fast))

        def getter(cls, name, ret, doc, call, locals=""):
            member(cls, Function(name, doc, [], ret, call, self.engine, locals, klass=cls,
                                 getter=True))

        def helper(code):
            self.helpers.append(code.strip("\n"))

        def fast(*names):
            """Mark functions described before as fast (see Function)."""
            for n in names:
                fns = [f for f in self.functions if f.name == n]
                if not fns:
                    sys.exit(f"svcmgen: fast({n!r}): no such function described before")
                for f in fns:
                    f.fast = True

        return {"include": include, "record": record, "function": function, "status": status,
                "helper": helper, "fast": fast,
                "klass": klass, "method": method, "getter": getter, "constructor": constructor}

    def load(self, path):
        self.engine = os.path.splitext(os.path.basename(path))[0]
        with open(path) as f:
            src = f.read()
        exec(compile(src, path, "exec"), self.namespace())

    def members(self):
        return [fn for c in self.classes.values() for fn in c[3]]

    def check(self):
        for fn in self.functions + self.members() + [m["ctor"] for m in self.managed.values()
                                                     if m["ctor"]]:
            for a in fn.args:
                if a.kind in ARG_KINDS or a.choices:
                    continue
                if a.kind in self.managed:
                    # An object of a managed class: the call sees its C
                    # handle; the GIL is kept so that no other thread can
                    # change or re-initialise it during the call.
                    if a.default is not None:
                        sys.exit(f"svcmgen: {fn.name}: {a.name}: an object has no default")
                    fn.fast = True
                    continue
                r = self.record_by_name.get(a.kind.removesuffix("[]"))
                if r is None:
                    sys.exit(f"svcmgen: {fn.name}: {a.name}: unknown argument kind {a.kind}")
                if a.optional or a.default is not None:
                    sys.exit(f"svcmgen: {fn.name}: {a.name}: a record argument has no default")
                if any(f[1] not in ("f64", "i64") for f in r.fields):
                    sys.exit(f"svcmgen: {fn.name}: {a.name}: input records have f64/i64 fields")
                self.inputs.add(r.name)
        for cls, m in self.managed.items():
            if m["ctor"] is None:
                sys.exit(f"svcmgen: managed class {cls} has no constructor(...)")
        for fn in self.functions + self.members():
            if fn.ret.endswith("[]"):
                if fn.ret[:-2] not in self.record_by_name or not (
                        vec_args(fn) or any(is_array(a) for a in fn.args)):
                    sys.exit(f"svcmgen: {fn.name}: {fn.ret} needs a record and array arguments")
            elif fn.ret == "f64s":
                if not any(is_array(a) for a in fn.args):
                    sys.exit(f"svcmgen: {fn.name}: an f64s result needs an array argument")
            elif fn.ret not in KINDS and fn.ret != "none" and fn.ret not in self.record_by_name:
                sys.exit(f"svcmgen: {fn.name}: unknown result {fn.ret}")


# ------------------------------------------------------------------ helpers
def cstr(s):
    """A C string literal of s (split into lines at its newlines)."""
    out = []
    lines = s.split("\n")
    for i, line in enumerate(lines):
        piece = line.replace("\\", "\\\\").replace('"', '\\"')
        if i < len(lines) - 1:
            piece += "\\n"
        out.append('"' + piece + '"')
    return "\n    ".join(out) if out else '""'


def rows_of(fn):
    """The C expression of the row count of a Record[] result: the
    broadcast rows, else the length of the first array argument."""
    if vec_args(fn):
        return "rows_n"
    return next(a.name for a in fn.args if is_array(a)) + "_n"


def is_array(a):
    """An array argument: f64s, i64s or Record[] (the call sees name_n)."""
    return a.kind in ARRAY_KINDS or a.kind.endswith("[]")


def stub_type(kind, api):
    if kind == "f64v_result":
        return "float | Column"
    if kind == "f64s_result":
        return "list[float]"
    if kind.endswith("[]"):
        return f"Table[{kind[:-2]}]"
    if kind in api.record_by_name:
        return "_" + kind if api.record_by_name[kind].as_dict else kind
    if kind == "none":
        return "None"
    return KINDS[kind][1]


def signature(fn, api, for_stub=False, types=None, ret=None):
    """fn's signature; types (argument name -> stub type) and ret override
    the described types (the overloads of f64v results)."""
    parts = []
    star = False
    for a in fn.args:
        if a.kwonly and not star:
            parts.append("*")
            star = True
        if a.kind in api.managed:
            t = a.kind
        elif a.kind.removesuffix("[]") in api.inputs:  # a record read from a dict
            t = "Sequence[dict[str, float]]" if a.kind.endswith("[]") else "dict[str, float]"
        else:
            t = (types or {}).get(a.name) or stub_type(a.kind, api)
        if a.choices:
            t = "Literal[" + ", ".join(repr(c) for c in a.choices) + "]"
            if a.kind == "codes":
                t = f"Sequence[{t} | int] | _Buffer"
        if a.optional:
            parts.append(f"{a.name}: {t} | None = None")
        elif a.default is not None:
            if for_stub:
                parts.append(f"{a.name}: {t} = ...")
            else:
                parts.append(f"{a.name}: {t} = {py_default(a)}")
        else:
            parts.append(f"{a.name}: {t}")
    if fn.klass and for_stub:
        parts.insert(0, "self")
    if fn.ctor and not for_stub:
        return f"{fn.klass}({', '.join(parts)})"
    rt = stub_type(fn.ret + "_result" if fn.ret in ("f64v", "f64s") else fn.ret, api)
    return f"{fn.name}({', '.join(parts)}) -> {ret or rt}"


def stub_defs(fn, api, indent=""):
    """The stub lines of a function or method. An f64v result gets
    overloads that do not overlap: every f64v argument a number -> float;
    else split by which f64v argument is the first array -> Column."""
    if fn.ret != "f64v":
        return [f"{indent}def {signature(fn, api, for_stub=True)}: ..."]
    vec = vec_args(fn)
    num, arr = "SupportsFloat", "Sequence[SupportsFloat] | _Buffer"
    out = [f"{indent}@overload",
           f"{indent}def {signature(fn, api, True, {a.name: num for a in vec}, 'float')}: ..."]
    for i in range(len(vec)):
        types = {a.name: num for a in vec[:i]}
        types[vec[i].name] = arr
        out += [f"{indent}@overload",
                f"{indent}def {signature(fn, api, True, types, 'Column')}: ..."]
    return out


def py_default(a):
    d = a.default.strip()
    d = {"NAN": "nan", "INFINITY": "inf", "-INFINITY": "-inf", "INT64_MAX": str(2**63 - 1),
         "UINT32_MAX": str(2**32 - 1)}.get(d, d)
    if a.choices:
        return repr(a.choices[int(d)])
    if a.kind == "bool":
        return {"1": "True", "0": "False", "true": "True", "false": "False"}.get(d, d)
    if a.kind == "str":
        return d if d.startswith('"') else repr(d)
    return d


def class_wrappers(cls, api):
    """C functions of a managed class over void pointers (both languages):
    free, merge, save, load and repr, calling the described C functions."""
    ctype, m = api.classes[cls][0], api.managed[cls]
    out = [f"static void gfree_{cls}(void *h) {{ {m['free']}(({ctype} *)h); }}"]
    if m["merge"]:
        out.append(f"static int gmerge_{cls}(void *d, const void *s)\n{{\n"
                   f"    return {m['merge']}(({ctype} *)d, (const {ctype} *)s);\n}}")
    if m["save"]:
        out.append(f"static int gsave_{cls}(const void *h, unsigned char *b, size_t cap, "
                   f"size_t *n)\n{{\n    return {m['save']}((const {ctype} *)h, b, cap, n);\n}}")
    if m["load"]:
        out.append(f"static int gload_{cls}(const unsigned char *b, size_t n, void **out, "
                   f"svcm_error *err)\n{{\n    {ctype} *h = NULL;\n"
                   f"    int rc = {m['load']}(b, n, NULL, &h, err);\n    *out = h;\n"
                   "    return rc;\n}")
    if m["count"]:
        out.append(f"static uint64_t gcount_{cls}(const void *h) "
                   f"{{ return {m['count']}((const {ctype} *)h); }}")
    if m["repr"]:
        out.append(f"static void grepr_{cls}(const void *h, char *buf, size_t cap)\n{{\n"
                   f"    const {ctype} *self = h;\n    " +
                   m["repr"].strip().replace("\n", "\n    ") + "\n}")
    return out


def class_table(cls, api, extra):
    """The initialiser of a managed class's svcmpy_class / svcmlua_class."""
    m = api.managed[cls]
    mis = cstr(m["mismatch"]) if m["mismatch"] else "NULL"
    fns = [f"gfree_{cls}", f"gmerge_{cls}" if m["merge"] else "NULL", mis,
           f"gsave_{cls}" if m["save"] else "NULL", f"gload_{cls}" if m["load"] else "NULL",
           f"grepr_{cls}" if m["repr"] else "NULL", f"gcount_{cls}" if m["count"] else "NULL",
           f"\"{m['save_as']}\"", f"\"{m['load_as']}\""] + extra
    return f"{{\"svcm.{cls}\", " + ", ".join(fns) + "}"


def py_methoddef(fn):
    """The PyMethodDef entry of a generated function or method."""
    return (f"    {{\"{fn.name}\", (PyCFunction)(void (*)(void))gpy_{fn.cname}, "
            f"METH_VARARGS | METH_KEYWORDS, gdoc_{fn.cname}}},")


def py_member_tables(cls, members, head=()):
    """gm_<cls> (head entries, then the methods) and gg_<cls> (the getters)."""
    out = [f"static PyMethodDef gm_{cls}[] = {{", *head]
    out += [py_methoddef(fn) for fn in members if not fn.getter]
    out.append("    {NULL, NULL, 0, NULL},\n};")
    out.append(f"static PyGetSetDef gg_{cls}[] = {{")
    out += [f"    {{\"{fn.name}\", gpy_{fn.cname}, NULL, gdoc_{fn.cname}, NULL}},"
            for fn in members if fn.getter]
    out.append("    {NULL, NULL, NULL, NULL, NULL},\n};")
    return out


def py_managed(cls, api, h, c):
    """A managed class: the whole type (constructor as __init__, dealloc,
    merge, save, load, __reduce__, repr) around svcmpy_handle."""
    ctype, doc, _stub, members = api.classes[cls]
    m = api.managed[cls]
    ctor = m["ctor"]
    ctor.doc = doc
    c.extend(class_wrappers(cls, api))
    c.append(f"static void gdealloc_{cls}(PyObject *op);")
    c.append(f"const svcmpy_class svcmpy_class_{cls} = "
             + class_table(cls, api, [f"gdealloc_{cls}"]) + ";")
    c.append(f"static void gdealloc_{cls}(PyObject *op) "
             f"{{ svcmpy_handle_dealloc(op, &svcmpy_class_{cls}); }}")
    c.append(f"{ctype} *svcmpy_enter_{cls}(PyObject *op) {{ return svcmpy_handle_enter(op); }}")
    c.append(f"void svcmpy_leave_{cls}(PyObject *op) {{ svcmpy_handle_leave(op); }}")
    c.extend(py_function(ctor, api))
    c.append(f"static int ginit_{cls}(PyObject *op, PyObject *args, PyObject *kw)\n{{\n"
             f"    PyObject *r = gpy_{cls}___init__(op, args, kw);\n"
             "    if (r == NULL)\n        return -1;\n    Py_DECREF(r);\n    return 0;\n}")
    c.append(f"static PyObject *grepr_py_{cls}(PyObject *op) "
             f"{{ return svcmpy_handle_repr(op, &svcmpy_class_{cls}); }}")
    methods = []
    if m["merge"]:
        c.append(f"static PyObject *gmerge_py_{cls}(PyObject *op, PyObject *o) "
                 f"{{ return svcmpy_handle_merge(op, o, &svcmpy_class_{cls}); }}")
        methods.append(f"    {{\"merge\", gmerge_py_{cls}, METH_O, \"merge(other) -> None\\n\\n"
                       f"Add another {cls} with the same options (else svcm.Mismatch).\"}},")
    if m["save"]:
        c.append(f"static PyObject *gsave_py_{cls}(PyObject *op, PyObject *u)\n{{\n"
                 f"    (void)u;\n    return svcmpy_handle_save(op, &svcmpy_class_{cls});\n}}")
        methods.append(f"    {{\"{m['save_as']}\", gsave_py_{cls}, METH_NOARGS, "
                       f"\"{m['save_as']}() -> bytes\\n\\nVersioned little-endian state.\"}},")
    if m["load"]:
        c.append(f"static PyObject *gload_py_{cls}(PyObject *t, PyObject *b) "
                 f"{{ return svcmpy_handle_load(t, b, &svcmpy_class_{cls}); }}")
        methods.append(f"    {{\"{m['load_as']}\", gload_py_{cls}, METH_O | METH_CLASS, "
                       f"\"{m['load_as']}(b) -> {cls}\\n\\nLoad state saved by {m['save_as']}() "
                       "(svcm.FormatError if malformed).\"},")
    if m["save"] and m["load"]:
        methods.append("    SVCMPY_REDUCE_METHOD,")
    c.extend(py_member_tables(cls, members, methods))
    if m["count"]:
        c.append(f"static Py_ssize_t glen_{cls}(PyObject *op) "
                 f"{{ return svcmpy_handle_len(op, &svcmpy_class_{cls}); }}")
    c.append(f"static PyType_Slot gslots_{cls}[] = {{\n"
             f"    {{Py_tp_doc, (void *)gdoc_{cls}___init__}},\n"
             f"    {{Py_tp_init, ginit_{cls}}},\n    {{Py_tp_dealloc, gdealloc_{cls}}},\n"
             f"    {{Py_tp_methods, gm_{cls}}},\n    {{Py_tp_getset, gg_{cls}}},\n"
             f"    {{Py_tp_repr, grepr_py_{cls}}},\n" +
             (f"    {{Py_sq_length, glen_{cls}}},\n" if m["count"] else "") +
             "    {0, NULL},\n};")
    c.append(f"static PyType_Spec gspec_{cls} = {{\"svcm.{cls}\", sizeof(svcmpy_handle), 0,\n"
             f"    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, gslots_{cls}}};")
    c.append(f"int svcmpy_add_{cls}(PyObject *module, PyMethodDef *methods, PyGetSetDef *getsets)"
             f"\n{{\n    PyObject *t = PyType_FromModuleAndSpec(module, &gspec_{cls}, NULL);\n"
             "    if (t == NULL)\n        return -1;\n"
             "    int rc = (methods != NULL || getsets != NULL) &&\n"
             "                     svcmpy_add_members(t, methods ? methods : gm_none_,\n"
             "                                        getsets ? getsets : gg_none_) < 0\n"
             "                 ? -1\n"
             f"                 : PyModule_AddObjectRef(module, \"{cls}\", t);\n"
             "    Py_DECREF(t);\n    return rc;\n}")
    h.append(f"/* svcm.{cls}, generated whole (a managed class). */")
    h.append(f"extern const svcmpy_class svcmpy_class_{cls};")
    h.append(f"/* The {ctype} of an svcm.{cls}, marked in use until svcmpy_leave_{cls}; NULL "
             "with an exception when it cannot be used. */")
    h.append(f"{ctype} *svcmpy_enter_{cls}(PyObject *op);")
    h.append(f"void svcmpy_leave_{cls}(PyObject *op);")
    h.append(f"/* A new svcm.{cls} owning h (freed, NULL with an exception, on failure). */")
    h.append(f"static inline PyObject *svcmpy_wrap_{cls}(PyObject *module, {ctype} *h)\n{{\n"
             f"    return svcmpy_handle_wrap(module, &svcmpy_class_{cls}, h);\n}}")
    h.append(f"/* Create svcm.{cls} with the hand-written methods and getsets (NULL-terminated "
             "static arrays, or NULL) and add it to the module. */")
    h.append(f"int svcmpy_add_{cls}(PyObject *module, PyMethodDef *methods, PyGetSetDef *getsets);")


# ----------------------------------------------------------------- Python
def gen_py(api, outdir):
    h = ["/* Generated by bindings/gen/svcmgen.py from bindings/api/<engine>.py: do not edit. */",
         "#ifndef SVCM_GEN_PY_H", "#define SVCM_GEN_PY_H", "#include \"svcmpy.h\""]
    c = ["/* Generated by bindings/gen/svcmgen.py from bindings/api/<engine>.py: do not edit. */",
         "#include \"svcmpy.h\"", "#include \"gen_py.h\"", "#include <stddef.h>",
         "#include <math.h>", "#include <stdbool.h>", "#include <stdio.h>", "#include <stdlib.h>",
         "#include <string.h>"]
    for inc in api.includes:
        c.append(f"#include \"{inc}\"")
    c.extend(api.helpers)
    h.append("enum svcmpy_gen_record {")
    for r in api.records:
        if not r.as_dict:
            h.append(f"    SVCMPY_REC_{r.name},")
    h.append("    SVCMPY_REC_COUNT\n};")
    # Records: struct sequence descriptions and the field tables.
    for r in api.records:
        if not r.as_dict:
            continue
        n = len(r.fields)
        c.append(f"static const svcmpy_rfield rk_{r.name}[] = {{")
        for pyname, kind, _doc, member, namefn in r.fields:
            ctype = "SVCMPY_NAME" if kind == "name" else KINDS[kind][2]
            c.append(f"    {{offsetof({r.ctype}, {member}), {ctype}, {namefn or 'NULL'}}},")
        c.append("};")
        names = ", ".join(f'"{f[0]}"' for f in r.fields)
        c.append(f"static const char *const rn_{r.name}[] = {{{names}}};")
        h.append(f"/* The dict of a {r.ctype}: new reference, or NULL with an exception. */")
        h.append(f"PyObject *svcmpy_rec_{r.name}(PyObject *module, const void *rec);")
        c.append(f"PyObject *svcmpy_rec_{r.name}(PyObject *module, const void *rec)\n{{\n"
                 f"    (void)module;\n"
                 f"    return svcmpy_record_dict(rec, rk_{r.name}, rn_{r.name}, {n});\n}}")
    for r in api.records:
        if r.as_dict:
            continue
        n = len(r.fields)
        c.append(f"static PyStructSequence_Field rf_{r.name}[] = {{")
        for f in r.fields:
            c.append(f"    {{\"{f[0]}\", {cstr(f[2])}}},")
        c.append("    {NULL, NULL},\n};")
        c.append(f"static PyStructSequence_Desc rd_{r.name} = {{\"svcm.{r.name}\", "
                 f"{cstr(r.doc)}, rf_{r.name}, {n}}};")
        c.append(f"static const svcmpy_rfield rk_{r.name}[] = {{")
        for pyname, kind, _doc, member, namefn in r.fields:
            ctype = "SVCMPY_NAME" if kind == "name" else KINDS[kind][2]
            fnp = namefn if namefn else "NULL"
            c.append(f"    {{offsetof({r.ctype}, {member}), {ctype}, {fnp}}},")
        c.append("};")
        if r.name in api.inputs:
            names = ", ".join(f'"{f[0]}"' for f in r.fields)
            c.append(f"static const char *const rn_{r.name}[] = {{{names}}};")
        cols = [f for f in r.fields if f[1] == "name" or KINDS[f[1]][4]]
        h.append(f"/* svcm.{r.name} of a {r.ctype}: new reference, or NULL with an "
                 "exception. */")
        h.append(f"PyObject *svcmpy_rec_{r.name}(PyObject *module, const void *rec);")
        c.append(f"PyObject *svcmpy_rec_{r.name}(PyObject *module, const void *rec)\n{{\n"
                 f"    return svcmpy_record(module, SVCMPY_REC_{r.name}, rec, rk_{r.name}, {n});\n}}")
        h.append(f"/* The columns of svcm.Table[{r.name}] (svcmpy_table_from_records). */")
        h.append(f"extern const svcmpy_field svcmpy_cols_{r.name}[];")
        h.append(f"#define SVCMPY_NCOLS_{r.name} {len(cols)}")
        c.append(f"const svcmpy_field svcmpy_cols_{r.name}[] = {{")
        for pyname, kind, _doc, member, namefn in cols:
            ctype = "SVCMPY_INT" if kind == "name" else KINDS[kind][2]
            code = "i" if kind == "name" else KINDS[kind][4]
            c.append(f"    {{\"{pyname}\", offsetof({r.ctype}, {member}), {ctype}, '{code}'}},")
        c.append("};")
    c.append("static PyStructSequence_Desc *const record_descs[] = {")
    for r in api.records:
        if not r.as_dict:
            c.append(f"    &rd_{r.name},")
    c.append("    NULL,\n};")
    # Functions, then methods and getters of the described classes: the
    # hand-written binding of each class provides svcmpy_enter_<Class> /
    # svcmpy_leave_<Class> and calls svcmpy_members_<Class>(type).
    for fn in api.functions + api.members():
        c.extend(py_function(fn, api))
    if api.managed:
        c.append("static PyMethodDef gm_none_[] = {{NULL, NULL, 0, NULL}};")
        c.append("static PyGetSetDef gg_none_[] = {{NULL, NULL, NULL, NULL, NULL}};")
    for cls, (ctype, _doc, _stub, members) in api.classes.items():
        if cls in api.managed:
            py_managed(cls, api, h, c)
            continue
        h.append(f"/* Hand-written: the {ctype} of an svcm.{cls}, marked in use until "
                 f"svcmpy_leave_{cls}; NULL with an exception when it cannot be used. */")
        h.append(f"{ctype} *svcmpy_enter_{cls}(PyObject *op);")
        h.append(f"void svcmpy_leave_{cls}(PyObject *op);")
        h.append(f"/* Add the described methods and properties of {cls} to its type. */")
        h.append(f"int svcmpy_members_{cls}(PyObject *type);")
        c.extend(py_member_tables(cls, members))
        c.append(f"int svcmpy_members_{cls}(PyObject *type)\n{{\n"
                 f"    return svcmpy_add_members(type, gm_{cls}, gg_{cls});\n}}")
    c.append("static PyMethodDef gen_methods[] = {")
    c.extend(py_methoddef(fn) for fn in api.functions)
    c.append("    {NULL, NULL, 0, NULL},\n};")
    # Status codes: exception classes.
    c.append("const svcmpy_status svcmpy_statuses[] = {")
    for code, pyname, base, doc in api.statuses:
        basep = f"&PyExc_{base}" if base else "NULL"
        c.append(f"    {{SVCM_{code}, \"svcm.{pyname}\", {cstr(doc)}, {basep}}},")
    c.append("};")
    h.append("/* Exception classes by status code (from the description). */")
    h.append("extern const svcmpy_status svcmpy_statuses[];")
    h.append(f"#define SVCMPY_NSTATUSES {len(api.statuses)}")
    c.append("int svcmpy_gen_init(PyObject *module)\n{\n"
             "    return svcmpy_records_init(module, record_descs, SVCMPY_REC_COUNT) < 0 ||\n"
             "                   PyModule_AddFunctions(module, gen_methods) < 0\n"
             "               ? -1\n               : 0;\n}")
    h.append("/* Record types and generated functions into the module. */")
    h.append("int svcmpy_gen_init(PyObject *module);")
    h.append("#endif")
    write(outdir, "gen_py.h", h)
    write(outdir, "gen_py.c", c)


def py_function(fn, api):
    doc = fn.doc if fn.getter else signature(fn, api) + chr(10) * 2 + fn.doc
    out = [f"PyDoc_STRVAR(gdoc_{fn.cname}, {cstr(doc)});"]
    if fn.getter:
        out += [f"static PyObject *gpy_{fn.cname}(PyObject *op, void *closure)", "{",
                "    (void)closure;", "    PyObject *result = NULL;"]
    elif fn.klass:
        out += [f"static PyObject *gpy_{fn.cname}(PyObject *op, PyObject *args, PyObject *kw)",
                "{"]
    else:
        out += [f"static PyObject *gpy_{fn.cname}(PyObject *module, PyObject *args, PyObject *kw)",
                "{"]
    if fn.klass:
        out.append("    PyObject *module = svcmpy_module_of_type(Py_TYPE(op));\n"
                   "    if (module == NULL)\n        return NULL;")
    if fn.getter:
        return out + py_call(fn, api, [], [])
    out.extend(py_args(fn))
    return out


def py_args(fn):
    out = []
    if vec_args(fn):
        out.append("    svcmpy_bcast bc;\n    memset(&bc, 0, sizeof bc);")
    if fn.ret.endswith("[]"):
        out.append(f"    {API.record_by_name[fn.ret[:-2]].ctype} *out = NULL;")
    elif fn.ret == "f64s":
        out.append("    double *out = NULL;")
    kwlist = ", ".join(f"\"{a.name}\"" for a in fn.args)
    out.append(f"    static char *kwlist[] = {{{kwlist + ', ' if kwlist else ''}NULL}};")
    out.append("    PyObject *result = NULL;")
    fmt, ptrs, convs, arrays = "", [], [], []
    opt_started = kw_started = False
    for a in fn.args:
        if a.kwonly and not kw_started:
            if not opt_started:
                fmt += "|"
                opt_started = True
            fmt += "$"
            kw_started = True
        elif a.has_default and not opt_started:
            fmt += "|"
            opt_started = True
        if a.kind in API.managed:
            fmt += "O"
            ptrs.append(f"&o_{a.name}")
            ctype = API.classes[a.kind][0]
            out.append(f"    PyObject *o_{a.name} = NULL;\n    {ctype} *{a.name} = NULL;")
            if a.optional:
                out.append(f"    int has_{a.name} = 0;")
            continue
        if a.kind.removesuffix("[]") in API.inputs:
            fmt += "O"
            ptrs.append(f"&o_{a.name}")
            out.extend(py_record_arg(a))
            convs.append(py_record_conv(a))
            if a.kind.endswith("[]"):
                arrays.append("RECORDS:" + a.name)
            continue
        ctype = KINDS[a.kind][0]
        if a.kind == "f64v":
            out.append(f"    {ctype}{a.name} = NULL;\n    PyObject *o_{a.name} = NULL;")
            fmt += "O"
            ptrs.append(f"&o_{a.name}")
            continue
        if a.kind in ARRAY_KINDS:
            out.append(f"    {ctype}{a.name} = NULL;\n    size_t {a.name}_n = 0;")
            out.append(f"    svcmpy_array a_{a.name} = {{0}};")
            arrays.append(a.name)
        else:
            init = a.default if a.default is not None else ("NULL" if a.kind == "str" else "0")
            out.append(f"    {ctype} {a.name} = {init};")
        if a.optional:
            out.append(f"    int has_{a.name} = 0;")
        # A keyword-only argument without a default is read as an object, so
        # that its absence can be told ("$" makes PyArg treat it as optional).
        req_kw = a.kwonly and not a.has_default
        if a.kind == "f64" and not a.optional and not req_kw:
            fmt += "d"
            ptrs.append(f"&{a.name}")
        elif a.kind == "str" and not a.optional and not req_kw:
            fmt += "s"
            ptrs.append(f"&{a.name}")
        elif a.kind == "bool" and not a.optional and not req_kw:
            out.append(f"    int b_{a.name} = {a.name};")
            fmt += "p"
            ptrs.append(f"&b_{a.name}")
            convs.append(f"    {a.name} = b_{a.name} != 0;")
        else:
            out.append(f"    PyObject *o_{a.name} = NULL;")
            fmt += "O"
            ptrs.append(f"&o_{a.name}")
            mark = "?" if a.optional else ""
            extra = f", ch_{a.name}" if a.kind == "codes" else ""
            if a.choices:
                out.append(f"    static const char *const ch_{a.name}[] = {{"
                           + ", ".join(f'\"{c}\"' for c in a.choices) + ", NULL};")
            if a.kind in ARRAY_KINDS:
                conv = (f"{ARRAY_KINDS[a.kind]}(o_{a.name}, &a_{a.name}, \"{a.name}\"{extra}) < 0)\n"
                        f"            goto done;\n        {a.name} = a_{a.name}.data;\n"
                        f"        {a.name}_n = (size_t)a_{a.name}.n;\n        if (0")
            else:
                conv = f"svcmpy_arg_{a.kind}(module, o_{a.name}, \"{mark}{a.name}\", &{a.name})"
            if a.kind == "choice":
                conv = (f"svcmpy_arg_choice(o_{a.name}, \"{mark}{a.name}\", ch_{a.name}, "
                        f"&{a.name})")
            guard = (f"o_{a.name} != NULL && o_{a.name} != Py_None" if a.optional
                     else f"o_{a.name} != NULL")
            set_has = f"\n        has_{a.name} = 1;" if a.optional else ""
            convs.append(f"    if ({guard}) {{\n        if ({conv} < 0)\n            goto done;"
                         f"{set_has}\n    }}")
    args_p = "".join(", " + p for p in ptrs)
    pyname = fn.klass if fn.ctor else fn.name
    out.append(f"    if (!PyArg_ParseTupleAndKeywords(args, kw, \"{fmt}:{pyname}\", kwlist{args_p}))")
    out.append("        return NULL;")
    for a in fn.args:
        if a.kwonly and not a.has_default:
            out.append(f"    if (o_{a.name} == NULL) {{\n        PyErr_SetString(PyExc_TypeError, "
                       f"\"{pyname}() missing required keyword-only argument: '{a.name}'\");\n"
                       "        return NULL;\n    }")
    return out + py_call(fn, API, convs, arrays)


def py_record_arg(a):
    r = API.record_by_name[a.kind.removesuffix("[]")]
    if a.kind.endswith("[]"):
        return [f"    PyObject *o_{a.name} = NULL;", f"    const {r.ctype} *{a.name} = NULL;",
                f"    void *ri_{a.name} = NULL;", f"    size_t {a.name}_n = 0;"]
    return [f"    PyObject *o_{a.name} = NULL;", f"    {r.ctype} {a.name};",
            f"    memset(&{a.name}, 0, sizeof {a.name});"]


def py_record_conv(a):
    """Reading a record argument (a dict, or a sequence of dicts)."""
    r = API.record_by_name[a.kind.removesuffix("[]")]
    n = len(r.fields)
    if a.kind.endswith("[]"):
        return (f"    ri_{a.name} = svcmpy_records_in(o_{a.name}, rk_{r.name}, rn_{r.name}, {n}, "
                f"sizeof *{a.name}, \"{a.name}\", &{a.name}_n);\n"
                f"    if (ri_{a.name} == NULL)\n        goto done;\n    {a.name} = ri_{a.name};")
    return (f"    if (svcmpy_record_in(o_{a.name}, rk_{r.name}, rn_{r.name}, {n}, &{a.name}, "
            f"\"{a.name}\", -1) < 0)\n        goto done;")


def vec_args(fn):
    return [a for a in fn.args if a.kind == "f64v"]


def py_call(fn, api, convs, arrays):
    out = list(convs)
    vec = vec_args(fn)
    if vec:
        objs = ", ".join(f"o_{a.name}" for a in vec)
        names = ", ".join(f'"{a.name}"' for a in vec)
        out.append(f"    PyObject *bc_objs[] = {{{objs}}};")
        out.append(f"    static const char *const bc_names[] = {{{names}}};")
        out.append(f"    if (svcmpy_bcast_get(&bc, {len(vec)}, bc_objs, bc_names, "
                   f"{1 if fn.ret == 'f64v' else 0}) < 0)\n        goto done;")
        for i, a in enumerate(vec):
            out.append(f"    {a.name} = bc.data[{i}];")
        out.append("    size_t rows_n = (size_t)bc.n;")
        convs = convs + ["goto done"]
    for a in fn.args:
        if a.kind in api.managed:
            get = (f"if (({a.name} = svcmpy_handle_of(o_{a.name}, &svcmpy_class_{a.kind}, "
                   f"\"{a.name}\")) == NULL)\n        goto done;")
            if a.optional:
                out.append(f"    if (o_{a.name} != NULL && o_{a.name} != Py_None) {{\n"
                           f"        has_{a.name} = 1;\n    " + get.replace("\n", "\n    ") +
                           "\n    }")
            else:
                out.append("    " + get)
            convs = convs + ["goto done"]
    out.extend(ret_decl(fn, api))
    if fn.locals:
        out.append("    " + fn.locals)
    out.append("    svcm_error err;\n    svcm_error_clear(&err);\n    int rc = SVCM_OK;")
    if fn.klass and not fn.ctor:
        ctype = api.classes[fn.klass][0]
        out.append(f"    {ctype} *self = svcmpy_enter_{fn.klass}(op);\n"
                   "    if (self == NULL)\n        goto done;")
    if fn.fast:
        out.append("    {")
    else:
        out.append("    Py_BEGIN_ALLOW_THREADS")
    out.append("    " + fn.call.strip().replace("\n", "\n    "))
    out.append("    }" if fn.fast else "    Py_END_ALLOW_THREADS")
    if fn.klass and not fn.ctor:
        out.append(f"    svcmpy_leave_{fn.klass}(op);")
    for a in fn.args:
        if a.optional:
            out.append(f"    (void)has_{a.name};")
    out.append("    if (rc != SVCM_OK)\n        svcmpy_raise(module, rc, &err);\n    else")
    out.append("        " + py_return(fn, api).replace("return ", "result = "))
    alloc = fn.ret.endswith("[]") or fn.ret == "f64s"
    if (fn.klass and not fn.ctor) or alloc or any("goto done" in c for c in convs):
        out.append("done:")
    if alloc:
        out.append("    PyMem_Free(out);")
    for n in arrays:
        if n.startswith("RECORDS:"):
            out.append(f"    PyMem_Free(ri_{n[8:]});")
        else:
            out.append(f"    svcmpy_array_release(&a_{n});")
    if vec:
        out.append("    svcmpy_bcast_release(&bc);")
    out.append("    return result;\n}")
    return out


def ret_decl(fn, api, lua=False):
    if fn.ctor:
        return [f"    {api.classes[fn.klass][0]} *out = NULL;"]
    if fn.ret == "none":
        return []
    if fn.ret.endswith("[]"):
        # A Record[] result: rows records the call fills (Python: freed at
        # the end, the table keeps a copy; Lua: a userdata on the stack).
        t = api.record_by_name[fn.ret[:-2]].ctype
        n = rows_of(fn)
        if lua:
            return [f"    {t} *out = lua_newuserdatauv(L, ({n} ? {n} : 1) * sizeof *out, 0);"]
        return [f"    out = PyMem_Malloc(({n} ? {n} : 1) * sizeof *out);",
                "    if (out == NULL) {\n        PyErr_NoMemory();\n        goto done;\n    }"]
    if fn.ret == "f64v":
        return ["    double *out = " + ("svcmlua_bcast_out(L, &bc);" if lua else "bc.out;")]
    if fn.ret == "f64s":
        # As many doubles as the first array argument has items.
        n = rows_of(fn)
        if lua:
            return [f"    double *out = lua_newuserdatauv(L, ({n} ? {n} : 1) * sizeof *out, 0);"]
        return [f"    out = PyMem_Malloc(({n} ? {n} : 1) * sizeof *out);",
                "    if (out == NULL) {\n        PyErr_NoMemory();\n        goto done;\n    }"]
    if fn.ret in api.record_by_name:
        r = api.record_by_name[fn.ret]
        return [f"    {r.ctype} out;", "    memset(&out, 0, sizeof out);"]
    ctype = KINDS[fn.ret][0]
    if fn.ret == "interval":
        return ["    svcm_interval out = {0.0, 0.0};"]
    return [f"    {ctype} out = 0;" if fn.ret != "str" else "    const char *out = NULL;"]


def py_return(fn, api):
    r = fn.ret
    if fn.ctor:
        return (f"return svcmpy_handle_set(op, out, &svcmpy_class_{fn.klass}) < 0 ? NULL : "
                "Py_NewRef(Py_None);")
    if r.endswith("[]"):
        n = r[:-2]
        return (f"return svcmpy_table_from_records(module, out, sizeof *out, "
                f"(Py_ssize_t){rows_of(fn)}, svcmpy_cols_{n}, SVCMPY_NCOLS_{n}, svcmpy_rec_{n});")
    if r == "f64v":
        return "return svcmpy_bcast_result(module, &bc);"
    if r == "f64s":
        return f"return svcmpy_list_from_doubles(out, {rows_of(fn)});"
    if r == "none":
        return "return Py_NewRef(Py_None);"
    if r in api.record_by_name:
        return f"return svcmpy_rec_{r}(module, &out);"
    return {
        "f64": "return PyFloat_FromDouble(out);",
        "i64": "return PyLong_FromLongLong((long long)out);",
        "u32": "return PyLong_FromUnsignedLong(out);",
        "int": "return PyLong_FromLong(out);",
        "size": "return PyLong_FromSize_t(out);",
        "u8": "return PyLong_FromLong(out);",
        "u64": "return PyLong_FromUnsignedLongLong(out);",
        "bool": "return PyBool_FromLong(out);",
        "ibool": "return PyBool_FromLong(out);",
        "str": "return PyUnicode_FromString(out ? out : \"\");",
        "interval": "return svcmpy_interval(out);",
    }[r]


# -------------------------------------------------------------------- Lua
def gen_lua(api, outdir):
    h = ["/* Generated by bindings/gen/svcmgen.py from bindings/api/<engine>.py: do not edit. */",
         "#ifndef SVCM_GEN_LUA_H", "#define SVCM_GEN_LUA_H", "#include \"svcmlua.h\""]
    c = ["/* Generated by bindings/gen/svcmgen.py from bindings/api/<engine>.py: do not edit. */",
         "#include \"svcmlua.h\"", "#include \"gen_lua.h\"", "#include <stddef.h>",
         "#include <math.h>", "#include <stdbool.h>", "#include <stdio.h>", "#include <stdlib.h>",
         "#include <string.h>"]
    for inc in api.includes:
        c.append(f"#include \"{inc}\"")
    c.extend(api.helpers)
    for r in api.records:
        c.append(f"static const svcmlua_field lf_{r.name}[] = {{")
        for pyname, kind, _doc, member, namefn in r.fields:
            ctype = "SVCMLUA_NAME" if kind == "name" else KINDS[kind][3]
            c.append(f"    {{\"{pyname}\", offsetof({r.ctype}, {member}), {ctype}, "
                     f"{namefn if namefn else 'NULL'}}},")
        c.append("};")
        h.append(f"/* Push the table of a {r.ctype}. */")
        h.append(f"void svcmlua_rec_{r.name}(lua_State *L, const void *rec);")
        c.append(f"void svcmlua_rec_{r.name}(lua_State *L, const void *rec)\n{{\n"
                 f"    svcmlua_push_record(L, rec, lf_{r.name}, {len(r.fields)});\n}}")
    for fn in api.functions + api.members():
        c.extend(lua_function(fn, api))
    for cls, (ctype, _doc, _stub, members) in api.classes.items():
        if cls in api.managed:
            lua_managed(cls, api, h, c)
            continue
        h.append(f"/* Hand-written: the {ctype} of the svcm.{cls} at idx (raises for another "
                 "type or a closed object). */")
        h.append(f"{ctype} *svcmlua_check_{cls}(lua_State *L, int idx);")
        h.append(f"/* Add the described methods of {cls} (getters are methods) to the table on "
                 "top of the stack. */")
        h.append(f"void svcmlua_members_{cls}(lua_State *L);")
        c.extend(lua_reg_table(f"glm_{cls}", members))
        c.append(f"void svcmlua_members_{cls}(lua_State *L)\n{{\n"
                 f"    luaL_setfuncs(L, glm_{cls}, 0);\n}}")
    c.extend(lua_reg_table("gen_funcs", api.functions))
    c.append("void svcmlua_gen_open(lua_State *L)\n{\n    luaL_setfuncs(L, gen_funcs, 0);\n}")
    h.append("/* Add the generated functions to the module table on top of the stack. */")
    h.append("void svcmlua_gen_open(lua_State *L);")
    h.append("#endif")
    write(outdir, "gen_lua.h", h)
    write(outdir, "gen_lua.c", c)


def lua_reg_table(name, fns):
    """A luaL_Reg table of generated functions."""
    return ([f"static const luaL_Reg {name}[] = {{"] +
            [f"    {{\"{fn.name}\", glua_{fn.cname}}}," for fn in fns] + ["    {NULL, NULL},\n};"])


def lua_managed(cls, api, h, c):
    """A managed class in Lua: the userdata's metatable and svcm.<cls>
    (constructor as __call of the class table, load, merge, save, close)."""
    ctype, _doc, _stub, members = api.classes[cls]
    c.extend(class_wrappers(cls, api))
    c.append(f"static svcmlua_class glc_{cls} = " + class_table(cls, api, ["NULL"]) + ";")
    c.append(f"{ctype} *svcmlua_check_{cls}(lua_State *L, int idx)\n{{\n"
             f"    return svcmlua_handle_check(L, idx, \"svcm.{cls}\");\n}}")
    c.extend(lua_function(api.managed[cls]["ctor"], api))
    # lua_fields: getters read as fields (obj.name), else as methods.
    fields = api.managed[cls]["lua_fields"]
    c.extend(lua_reg_table(f"glm_{cls}", [fn for fn in members if not (fields and fn.getter)]))
    c.extend(lua_reg_table(f"glf_{cls}", [fn for fn in members if fields and fn.getter]))
    c.append(f"void svcmlua_add_{cls}(lua_State *L, const luaL_Reg *methods)\n{{\n"
             f"    glc_{cls}.fields = glf_{cls};\n"
             f"    svcmlua_class_open(L, &glc_{cls}, glm_{cls}, methods, glua_{cls}___init__);\n}}")
    h.append(f"/* The {ctype} of the svcm.{cls} at idx (raises for another type or a closed "
             "object). */")
    h.append(f"{ctype} *svcmlua_check_{cls}(lua_State *L, int idx);")
    h.append(f"/* Register svcm.{cls} (generated whole) with the hand-written methods (or "
             "NULL) into the module table on top of the stack. */")
    h.append(f"void svcmlua_add_{cls}(lua_State *L, const luaL_Reg *methods);")


def lua_record_arg(a, api, p):
    """Reading a record argument in Lua (a table, or a sequence of them)."""
    r = api.record_by_name[a.kind.removesuffix("[]")]
    n = len(r.fields)
    if a.kind.endswith("[]"):
        out = [f"    const {r.ctype} *{a.name} = NULL;\n    size_t {a.name}_n = 0;"]
        read = (f"{a.name} = svcmlua_records_in(L, gen_idx_, lf_{r.name}, {n}, sizeof *{a.name}, "
                f"\"{a.name}\", &{a.name}_n);")
    else:
        out = [f"    {r.ctype} {a.name};\n    memset(&{a.name}, 0, sizeof {a.name});"]
        read = f"svcmlua_record_in(L, gen_idx_, lf_{r.name}, {n}, &{a.name}, \"{a.name}\", -1);"
    out.append(f"    gen_idx_ = svcmlua_arg(L, &gen_args_, {p}, \"{a.name}\", 0);")
    out.append(f"    if (gen_idx_ != 0)\n        {read}")
    return out


def lua_function(fn, api):
    npos = sum(1 for a in fn.args if not a.kwonly)
    nreq = sum(1 for a in fn.args if not a.kwonly and not a.has_default)
    names = ", ".join(f"\"{a.name}\"" for a in fn.args)
    base = 1 if fn.klass else 0
    first_array = int(bool(fn.args) and (fn.args[0].kind in ARRAY_KINDS or
                                         fn.args[0].kind == "f64v" or
                                         fn.args[0].kind[:-2] in api.inputs))
    out = [f"static int glua_{fn.cname}(lua_State *L)", "{"]
    if fn.klass and not fn.ctor:
        out.append(f"    {api.classes[fn.klass][0]} *self = svcmlua_check_{fn.klass}(L, 1);")
    out += [f"    static const char *const gen_names_[] = {{{names + ', ' if names else ''}NULL}};",
            "    svcmlua_args gen_args_;",
            f"    svcmlua_args_begin(L, &gen_args_, {base}, {nreq}, {npos}, gen_names_, {first_array});"]
    if fn.args:
        out.append("    int gen_idx_;")
    vec = vec_args(fn)
    if vec:
        out.append(f"    int bc_idx[{len(vec)}];\n    svcmlua_bcast bc;")
    pos = 0
    for a in fn.args:
        if not a.kwonly:
            pos += 1
        if a.kind.removesuffix("[]") in api.inputs:
            out.extend(lua_record_arg(a, api, 0 if a.kwonly else pos))
            continue
        if a.kind in api.classes:
            ctype = api.classes[a.kind][0]
            out.append(f"    {ctype} *{a.name} = NULL;")
            if a.optional:
                out.append(f"    int has_{a.name} = 0;")
            out.append(f"    gen_idx_ = svcmlua_arg(L, &gen_args_, {0 if a.kwonly else pos}, "
                       f"\"{a.name}\", {1 if a.optional else 0});")
            has = f"\n        has_{a.name} = 1;" if a.optional else ""
            out.append(f"    if (gen_idx_ != 0) {{\n        {a.name} = svcmlua_check_{a.kind}(L, gen_idx_);"
                       f"{has}\n    }}")
            continue
        ctype = KINDS[a.kind][0]
        if a.kind in ARRAY_KINDS or a.kind == "f64v":
            out.append(f"    {ctype}{a.name} = NULL;\n    size_t {a.name}_n = 0;")
        else:
            init = a.default if a.default is not None else ("NULL" if a.kind == "str" else "0")
            out.append(f"    {ctype} {a.name} = {init};")
        if a.optional:
            out.append(f"    int has_{a.name} = 0;")
        p = 0 if a.kwonly else pos
        out.append(f"    gen_idx_ = svcmlua_arg(L, &gen_args_, {p}, \"{a.name}\", {1 if a.has_default else 0});")
        if a.kind == "f64v":
            out.append(f"    bc_idx[{vec_args(fn).index(a)}] = gen_idx_;")
            continue
        if a.choices:
            out.append(f"    static const char *const ch_{a.name}[] = {{"
                       + ", ".join(f'\"{c}\"' for c in a.choices) + ", NULL};")
        if a.kind == "codes":
            conv = (f"(({a.name} = svcmlua_checkcodes(L, gen_idx_, \"{a.name}\", ch_{a.name}, "
                    f"&{a.name}_n)) == NULL ? -1 : 0)")
        elif a.kind in ARRAY_KINDS:
            fn_ = "svcmlua_checkdoubles" if a.kind == "f64s" else "svcmlua_checkint64s"
            conv = f"(({a.name} = {fn_}(L, gen_idx_, &{a.name}_n)) == NULL ? -1 : 0)"
        elif a.kind == "choice":
            conv = f"svcmlua_get_choice(L, gen_idx_, \"{a.name}\", ch_{a.name}, &{a.name})"
        else:
            conv = f"svcmlua_get_{a.kind}(L, gen_idx_, \"{a.name}\", &{a.name})"
        body = f"        if ({conv} < 0)\n            return svcmlua_range_fail(L, \"{a.name}\");"
        if a.optional:
            body += f"\n        has_{a.name} = 1;"
        out.append(f"    if (gen_idx_ != 0) {{\n{body}\n    }}")
    if vec:
        names = ", ".join(f'"{a.name}"' for a in vec)
        out.append(f"    static const char *const bc_names[] = {{{names}}};")
        out.append(f"    svcmlua_bcast_get(L, &bc, {len(vec)}, bc_idx, bc_names);")
        for i, a in enumerate(vec):
            out.append(f"    {a.name} = bc.data[{i}];\n    (void){a.name}_n;")
        out.append("    size_t rows_n = bc.n;")
    out.extend(ret_decl(fn, api, lua=True))
    if fn.ctor:
        # The box first, so that no Lua error can come between the handle's
        # creation and its owner.
        out.append(f"    void **slot_ = svcmlua_handle_new(L, \"svcm.{fn.klass}\");\n"
                   "    int box_ = lua_gettop(L);")
    if fn.locals:
        out.append("    " + fn.locals)
    out.append("    svcm_error err;\n    svcm_error_clear(&err);\n    int rc = SVCM_OK;")
    out.append("    " + fn.call.strip().replace("\n", "\n    "))
    for a in fn.args:
        if a.optional:
            out.append(f"    (void)has_{a.name};")
    out.append("    if (rc != SVCM_OK)\n        return svcmlua_fail(L, rc, &err);")
    r = fn.ret
    if fn.ctor:
        out.append("    *slot_ = out;\n    lua_pushvalue(L, box_);")
    elif r == "none" and fn.klass:
        out.append("    lua_settop(L, 1); /* the object, for chained calls */")
    elif r == "none":
        out.append("    lua_pushboolean(L, 1);")
    elif r in api.record_by_name:
        out.append(f"    svcmlua_rec_{r}(L, &out);")
    elif r == "f64v":
        out.append("    svcmlua_bcast_push(L, &bc, out);")
    elif r == "f64s":
        out.append(f"    svcmlua_pushdoubles(L, out, {rows_of(fn)});")
    elif r == "interval":
        # Two results, lo and hi, as Lua's multiple returns make natural.
        out.append("    lua_pushnumber(L, out.lo);\n    lua_pushnumber(L, out.hi);\n    return 2;\n}")
        return out
    elif r.endswith("[]"):
        n = rows_of(fn)
        out.append(f"    lua_createtable(L, {n} > INT32_MAX ? 0 : (int){n}, 0);")
        out.append(f"    for (size_t i_ = 0; i_ < {n}; i_++) {{\n"
                   f"        svcmlua_rec_{r[:-2]}(L, &out[i_]);\n"
                   f"        lua_rawseti(L, -2, (lua_Integer)(i_ + 1));\n    }}")
    else:
        out.append(f"    svcmlua_push_value(L, &out, {KINDS[r][3]}, NULL);")
    out.append("    return 1;\n}")
    return out


# ------------------------------------------------------------------ stubs
def gen_pyi(api, outdir):
    s = ["# Generated by bindings/gen/svcmgen.py from bindings/api/<engine>.py: do not edit.",
         "# Records and functions of the one description (see HACKING.md).",
         "from typing import Literal, NamedTuple, TypedDict, overload"]
    for r in api.records:
        s.append("")
        if r.as_dict:
            s.append(f"class _{r.name}(TypedDict):")
            s.append(f"    \"\"\"{r.doc}\"\"\"")
            for pyname, kind, doc, _m, _n in r.fields:
                t = "str" if kind == "name" else KINDS[kind][1]
                s.append(f"    {pyname}: {t}  # {doc}")
            continue
        s.append(f"class {r.name}(NamedTuple):")
        s.append(f"    \"\"\"{r.doc}\"\"\"")
        for pyname, kind, doc, _m, _n in r.fields:
            t = "str" if kind == "name" else KINDS[kind][1]
            # A field named like a tuple method hides it (mypy says so).
            hide = "  # type: ignore[assignment]" if pyname in ("count", "index") else ""
            s.append(f"    {pyname}: {t}{hide}  # {doc}")
    s.append("")
    for fn in api.functions:
        if fn.ret == "f64v":
            s.extend(stub_defs(fn, api))
            continue
        sig = signature(fn, api, for_stub=True)
        s.append(f"def {sig}:")
        s.append(f"    \"\"\"{fn.doc}\"\"\"")
    for cls, (_ctype, doc, stub, members) in api.classes.items():
        s.append("")
        s.append(f"class {cls}:")
        s.append(f"    \"\"\"{doc}\"\"\"")
        if cls in api.managed:
            m = api.managed[cls]
            s.append(f"    def {signature(m['ctor'], api, for_stub=True)}: ...")
            if m["merge"]:
                s.append(f"    def merge(self, other: {cls}, /) -> None: ...")
            if m["save"]:
                s.append(f"    def {m['save_as']}(self) -> bytes: ...")
            if m["load"]:
                s.append("    @classmethod")
                s.append(f"    def {m['load_as']}(cls, b: bytes | bytearray | memoryview, /) "
                         f"-> {cls}: ...")
            if m["count"]:
                s.append("    def __len__(self) -> int: ...")
            if m["save"] and m["load"]:
                s.append("    def __reduce__(self) -> tuple[object, ...]: ...")
        for line in stub.strip("\n").split("\n"):
            if line.strip():
                s.append("    " + line)
        for fn in members:
            if fn.getter:
                s.append("    @property")
                s.append(f"    def {fn.name}(self) -> {stub_type(fn.ret, api)}: ...")
            else:
                s.extend(stub_defs(fn, api, "    "))
    write(outdir, "gen.pyi", s)


def write(outdir, name, lines):
    path = os.path.join(outdir, name)
    text = "\n".join(lines) + "\n"
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path, "w") as f:
        f.write(text)


API = None


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__.split("\n\n")[1])
    outdir = argv[1]
    api = Api()
    for path in argv[2:]:
        api.load(path)
    api.check()
    global API
    API = api
    gen_py(api, outdir)
    gen_lua(api, outdir)
    gen_pyi(api, outdir)


if __name__ == "__main__":
    main(sys.argv)
