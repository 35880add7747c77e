/* Shared declarations of the svcm CPython extension.
 *
 * The module is one extension with per-module state (multi-phase init, heap
 * types). Each engine lives in its own bindings/python/py_<engine>.c and
 * exposes `int svcmpy_init_<engine>(PyObject *module)`, called from module.c
 * at import; it adds its functions and types to the module and may keep a
 * tuple of its private objects (types) in state->engine[SVCMPY_<ENGINE>]. */
#ifndef SVCMPY_H
#define SVCMPY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdbool.h>

#include "svcm.h"

enum svcmpy_engine {
    SVCMPY_CORE,
    SVCMPY_FEEDBACK,
    SVCMPY_CALENDAR,
    SVCMPY_ERLANG,
    SVCMPY_SEGMENT,
    SVCMPY_LIFETIME,
    SVCMPY_PRIORITY,
    SVCMPY_PDCA,
    SVCMPY_TIME,
    SVCMPY_COLUMNS, /* svcm.Column and svcm.Table (columns.c) */
    SVCMPY_ENGINE_COUNT
};

/* Number of status codes (0 .. -(N-1)), counted from svcm/common.h's
 * SVCM_ERRORS list; module.c checks at compile time that every code but
 * SVCM_OK has its own exception class. */
#define SVCMPY_COUNT_CODE(name, value, msg) +1
#define SVCMPY_NCODES (0 SVCM_ERRORS(SVCMPY_COUNT_CODE))

typedef struct svcmpy_state {
    PyObject *error;                  /* svcm.Error */
    PyObject *by_code[SVCMPY_NCODES]; /* class for status -i; [0] = Error */
    PyObject *engine[SVCMPY_ENGINE_COUNT]; /* engine-private tuple, or NULL */
    PyObject *records;                /* tuple of the described record types */
} svcmpy_state;

extern PyModuleDef svcmpy_module_def;

/* State of the svcm module object. */
svcmpy_state *svcmpy_state_of(PyObject *module);
/* The svcm module a heap type (created with PyType_FromModuleAndSpec) belongs
 * to, as a borrowed reference; NULL with an exception set on failure. */
PyObject *svcmpy_module_of_type(PyTypeObject *tp);
/* Borrowed item i of engine e's private tuple (set by its init). */
PyObject *svcmpy_engine_item(PyObject *module, int engine, Py_ssize_t i);
/* Store a new reference to a tuple of engine e's private objects (steals). */
int svcmpy_engine_set(PyObject *module, int engine, PyObject *tuple);

/* Raise the svcm exception for status rc, using err's detail when given.
 * ENOMEM raises MemoryError. The exception carries attributes code, index
 * (None when no record is at fault) and field. Always returns NULL. */
PyObject *svcmpy_raise(PyObject *module, int rc, const svcm_error *err);
/* Same, from a heap type's method. */
PyObject *svcmpy_raise_type(PyTypeObject *tp, int rc, const svcm_error *err);
/* svcm.StateError (SVCM_ESTATE) with a message, for an object of type tp that
 * is not initialised or is in use by another thread. Returns NULL. */
PyObject *svcmpy_state_error(PyTypeObject *tp, const char *message);

/* A contiguous, aligned array read from any 1-D buffer-protocol object
 * (array.array, numpy arrays, bytes, memoryview, ctypes arrays) of any
 * single-number format, native or with a byte-order prefix ('<d', '>q',
 * '=i', '!h'), or from any sequence of numbers. Zero-copy when the buffer
 * already holds native elements of the output type contiguously at an
 * aligned address; anything else (strided, misaligned, another type or byte
 * order) is copied, so data may always be dereferenced as double/int64_t. */
typedef struct svcmpy_array {
    const void *data; /* elements, n of them */
    Py_ssize_t n;
    Py_buffer view;   /* held while has_view */
    int has_view;
    void *owned;      /* PyMem_Malloc'ed copy, or NULL */
} svcmpy_array;

/* Fill *out with doubles. Returns 0, or -1 with TypeError/ValueError set
 * (naming argname) for non-numeric items or multi-dimensional buffers.
 * NaN and infinities are passed through (the C API rejects them with the
 * record index). */
int svcmpy_doubles(PyObject *obj, svcmpy_array *out, const char *argname);
/* Fill *out with int64_t (instants, counts). Floats are accepted only when
 * integral. Returns 0 or -1 with an exception set. */
int svcmpy_int64s(PyObject *obj, svcmpy_array *out, const char *argname);
/* Release what svcmpy_doubles/svcmpy_int64s holds; safe on a zeroed or
 * already released array. */
void svcmpy_array_release(svcmpy_array *a);
/* Ask for transparent huge pages on a fresh, not yet written block of
 * `size` bytes (from PyMem_Malloc or svcmpy_column_alloc) when it is large
 * (4 MiB or more; Linux, where THP is given on request): the first writes
 * then fault it in 2 MiB at a time. Harmless to skip or to fail. */
void svcmpy_advise_huge(void *p, size_t size);

/* Big blocks (convert.c) for buffers that never leave the extension and
 * for large result columns: from 4 MiB up, svcmpy_big_take() gives a block
 * aligned to 2 MiB and rounded up to whole 2 MiB units (all of it gets
 * transparent huge pages), else NULL (the caller then uses malloc);
 * svcmpy_big_give() takes back a block it gave (true) or refuses any other
 * pointer (false), and keeps a few freed blocks (at most 12, 256 MiB in
 * all, marked MADV_FREE so the kernel may reclaim their pages) for the next
 * call: zeroing fresh pages was the largest cost of a 1 M-row call. No
 * Python state: safe without the GIL. */
void *svcmpy_big_take(size_t size);
bool svcmpy_big_give(void *p);

/* One user object as a number, keeping the user's exception: 0 with *out
 * set; 1 when obj is not a number (no __float__ or __index__, or complex;
 * for svcmpy_as_int64 no __index__: floats are the caller's choice) and 2
 * when it is out of range (an int too large for a double, or outside
 * int64): nothing is raised, the caller raises its own TypeError or
 * ValueError naming the argument; -1 when the object's own __float__ or
 * __index__ raised: that exception (KeyboardInterrupt, MemoryError, any)
 * is left set, to propagate as is. */
int svcmpy_as_double(PyObject *obj, double *out);
int svcmpy_as_int64(PyObject *obj, int64_t *out);

/* A tuple holding the items of any iterable, for loops that read items one
 * by one: reading an item may run Python code (__float__, __index__, a
 * row's __iter__) that shrinks a list under the loop, and a tuple cannot
 * shrink. Use instead of PySequence_Fast (whose result for a list is the
 * list itself). A non-iterable raises TypeError(msg). New reference or NULL. */
PyObject *svcmpy_snapshot(PyObject *obj, const char *msg);

/* A new Python list of n doubles, or NULL with an exception set. */
PyObject *svcmpy_list_from_doubles(const double *v, size_t n);
/* A (lo, hi) tuple. */
PyObject *svcmpy_interval(svcm_interval iv);

/* __reduce__ through the saved form, for pickle (every protocol), copy and
 * deepcopy: (type(self).load, (self.save(),)) with the first of the pairs
 * to_bytes/from_bytes, to_text/from_text, to_text/parse, save/load that the
 * type has. Add SVCMPY_REDUCE_METHOD to a saveable type's methods. */
PyObject *svcmpy_reduce(PyObject *self, PyObject *unused);
#define SVCMPY_REDUCE_METHOD                                                   \
    {"__reduce__", svcmpy_reduce, METH_NOARGS,                                 \
     "__reduce__() -> tuple\n\nPickle and copy support through the saved form."}

/* Columnar results (columns.c). A batch call returns an svcm.Table of
 * svcm.Column objects: typed read-only buffers (numpy and pandas wrap them
 * without copying), rows built as records only when indexed or iterated. */

/* n items of type code ('q' int64, 'd' double, 'B' uint8, 'b' int8, 'i'
 * int) for a column: PyMem_Malloc'ed, or NULL with MemoryError. */
void *svcmpy_column_alloc(char code, Py_ssize_t n);
/* A new svcm.Column that owns data (from svcmpy_column_alloc; freed with
 * the column, and on failure). New reference or NULL. */
PyObject *svcmpy_column_new(PyObject *module, char code, Py_ssize_t n, void *data);
/* The items of an svcm.Column (borrowed). */
const void *svcmpy_column_data(PyObject *col);
/* Record i of a table from its columns (in the order given to
 * svcmpy_table_new). New reference or NULL with an exception. */
typedef PyObject *(*svcmpy_row_fn)(PyObject *module, PyObject *const *cols, Py_ssize_t i);
/* A new svcm.Table of ncols columns named names[k] (static strings), each
 * of n items; steals every cols[k] (any of which may be NULL after a failed
 * svcmpy_column_new: then NULL is returned). New reference or NULL. */
PyObject *svcmpy_table_new(PyObject *module, const char *const *names, PyObject **cols,
                           int ncols, Py_ssize_t n, svcmpy_row_fn row);
/* A table described by its fields: one column per field of an array of C
 * records (the one description of a batch result: name, where the field
 * is, its C type and the column's type code), and a function that makes the
 * Python record of one C record (the records are copied and kept for it). */
enum svcmpy_ctype {
    SVCMPY_F64,
    SVCMPY_I64,
    SVCMPY_SIZE,
    SVCMPY_U32,
    SVCMPY_INT,
    SVCMPY_U8,
    /* Record fields only (records.c), never a column's type: */
    SVCMPY_U64,
    SVCMPY_BOOL,     /* bool (one byte) */
    SVCMPY_IBOOL,    /* int used as a truth value */
    SVCMPY_STR,      /* const char *, NULL -> None */
    SVCMPY_INTERVAL, /* svcm_interval -> (lo, hi) */
    SVCMPY_NAME,     /* int (or enum) -> str through a name function */
    SVCMPY_I64N,     /* int64_t, INT64_MAX -> None ("i64?") */
    SVCMPY_F64N      /* double, NaN -> None ("f64?") */
};
typedef struct svcmpy_field {
    const char *name;
    size_t offset;          /* offsetof(struct ..., field) */
    enum svcmpy_ctype ctype; /* the field's C type */
    char code;              /* the column's type code: 'd' 'q' 'i' 'B' 'b' */
} svcmpy_field;
typedef PyObject *(*svcmpy_record_fn)(PyObject *module, const void *record);
PyObject *svcmpy_table_from_records(PyObject *module, const void *records, size_t stride,
                                    Py_ssize_t n, const svcmpy_field *fields, int nfields,
                                    svcmpy_record_fn rec);
int svcmpy_init_columns(PyObject *module);

/* The described surface (bindings/api/<engine>.py, turned into gen_py.c by
 * bindings/gen/svcmgen.py; records.c is its runtime). A record field: where
 * it is in the C struct, its C type, and for SVCMPY_NAME the function that
 * names its value. */
typedef struct svcmpy_rfield {
    size_t offset;
    enum svcmpy_ctype ctype;
    const char *(*name_of)(int);
} svcmpy_rfield;
/* A new struct sequence of record type `index` (a described record) from
 * the C struct at rec. New reference, or NULL with an exception. */
PyObject *svcmpy_record(PyObject *module, int index, const void *rec,
                        const svcmpy_rfield *fields, int nfields);
/* A dict of the fields (names[i] -> field i) of the C struct at rec: the
 * described records shown as dicts (record(..., as_dict=True)). */
PyObject *svcmpy_record_dict(const void *rec, const svcmpy_rfield *fields,
                             const char *const *names, int nfields);
/* An array of codes (argument kind codes(a|b|...)): any integer array (read
 * as svcmpy_int64s), or a sequence (list, tuple, object array, pandas
 * Series of str) whose items are one of the names (read as its index) or
 * ints. ValueError naming name[i] for an unknown name, TypeError for another
 * item type; release with svcmpy_array_release. */
int svcmpy_codes(PyObject *obj, svcmpy_array *out, const char *name, const char *const *choices);
/* Input records (a described record as an argument kind): the C struct at
 * out (zeroed first) from the dict obj, names[i] -> field i; only f64 and
 * i64 fields. A missing key leaves 0; another type, an unknown key or a
 * value that is not a number is a TypeError naming what[index].field
 * (index < 0: what.field). */
int svcmpy_record_in(PyObject *obj, const svcmpy_rfield *fields, const char *const *names,
                     int nfields, void *out, const char *what, Py_ssize_t index);
/* A sequence of such dicts as a PyMem_Malloc'ed array of n structs of
 * `size` bytes (free it with PyMem_Free); NULL with an exception. */
void *svcmpy_records_in(PyObject *seq, const svcmpy_rfield *fields, const char *const *names,
                        int nfields, size_t size, const char *what, size_t *n);
/* Create the described record types (svcm.Name), add them to the module
 * and keep them in the module state. 0 or -1 with an exception. */
int svcmpy_records_init(PyObject *module, PyStructSequence_Desc *const *descs, int n);
/* An exception class of the description: status code, "svcm.Name", doc,
 * and the builtin class it also derives from (or NULL). */
typedef struct svcmpy_status {
    int code;
    const char *name;
    const char *doc;
    PyObject **base;
} svcmpy_status;
/* Generated argument conversions: a Python object to the C value of an
 * argument kind. 0, or -1 with TypeError (not a number / string) or the
 * svcm InvalidInput exception naming the field (out of the C type's
 * range). A name starting with '?' marks an argument that may be None: the
 * TypeError says "expected ... or None" and the field is the rest. */
int svcmpy_arg_f64(PyObject *module, PyObject *obj, const char *name, double *out);
int svcmpy_arg_i64(PyObject *module, PyObject *obj, const char *name, int64_t *out);
int svcmpy_arg_u32(PyObject *module, PyObject *obj, const char *name, uint32_t *out);
int svcmpy_arg_int(PyObject *module, PyObject *obj, const char *name, int *out);
int svcmpy_arg_size(PyObject *module, PyObject *obj, const char *name, size_t *out);
int svcmpy_arg_count(PyObject *module, PyObject *obj, const char *name, uint64_t *out);
/* One of the strings of choices (NULL-terminated) as its index; TypeError
 * for a non-str, ValueError listing the choices for another string. */
int svcmpy_arg_choice(PyObject *obj, const char *name, const char *const *choices, int *out);
int svcmpy_arg_bool(PyObject *module, PyObject *obj, const char *name, bool *out);
int svcmpy_arg_str(PyObject *module, PyObject *obj, const char *name, const char **out);
/* Broadcast arguments (kind f64v): up to 8, each a number or a 1-D
 * array-like; numbers repeat against the arrays, which must agree in
 * length. data[i] are n doubles each (n = 1 when all are numbers). With
 * want_out, out is n doubles for the result: svcmpy_bcast_result makes it a
 * float (all numbers) or an svcm.Column (taking the buffer). Zero the
 * struct first; release it on every path. */
#define SVCMPY_BCAST_MAX 8
typedef struct svcmpy_bcast {
    int k;
    Py_ssize_t n;
    int all_scalar;
    const double *data[SVCMPY_BCAST_MAX];
    svcmpy_array arr[SVCMPY_BCAST_MAX];
    double scalar[SVCMPY_BCAST_MAX];
    double *fill[SVCMPY_BCAST_MAX];
    double *out;
    double out1;
} svcmpy_bcast;
int svcmpy_bcast_get(svcmpy_bcast *c, int k, PyObject *const *objs, const char *const *names,
                     int want_out);
PyObject *svcmpy_bcast_result(PyObject *module, svcmpy_bcast *c);
void svcmpy_bcast_release(svcmpy_bcast *c);
/* Add described methods and properties (NULL-terminated arrays, static:
 * the type keeps pointers to them) to a heap type after its creation. */
int svcmpy_add_members(PyObject *type, PyMethodDef *methods, PyGetSetDef *getsets);
/* Classes the description manages whole (klass(..., free=...)): the object
 * holds the C handle; the generated code supplies the class's functions. */
typedef struct svcmpy_handle {
    PyObject_HEAD
    void *h;  /* NULL until initialised */
    int busy; /* set while a call runs without the GIL */
} svcmpy_handle;
typedef struct svcmpy_class {
    const char *name; /* "svcm.Name" */
    void (*free)(void *h);
    int (*merge)(void *dst, const void *src);   /* NULL: no merge() */
    const char *mismatch;                       /* message of SVCM_EMISMATCH */
    int (*save)(const void *h, unsigned char *buf, size_t cap, size_t *len); /* or NULL */
    int (*load)(const unsigned char *buf, size_t len, void **out, svcm_error *err);
    void (*repr)(const void *h, char *buf, size_t cap); /* NULL: "svcm.Name()" */
    uint64_t (*count)(const void *h);           /* len(); NULL: no len() */
    const char *save_name, *load_name;          /* "save", "load" or others */
    destructor dealloc;                         /* the type's tp_dealloc */
} svcmpy_class;
/* The handle, marked in use until svcmpy_handle_leave; NULL with StateError
 * when it is not initialised or in use by another thread. */
void *svcmpy_handle_enter(PyObject *op);
void svcmpy_handle_leave(PyObject *op);
/* The handle for a short call under the GIL (not marked), or NULL raised. */
void *svcmpy_handle_ready(PyObject *op);
/* Is obj an instance of the class c (or a subclass of it)? */
int svcmpy_handle_is(PyObject *obj, const svcmpy_class *c);
/* The handle of obj, an instance of c, for a call under the GIL: NULL with
 * TypeError naming `what` for another type, or StateError. */
void *svcmpy_handle_of(PyObject *obj, const svcmpy_class *c, const char *what);
/* Install a new handle h (the old one is freed); -1 (h freed) when busy. */
int svcmpy_handle_set(PyObject *op, void *h, const svcmpy_class *c);
void svcmpy_handle_dealloc(PyObject *op, const svcmpy_class *c);
PyObject *svcmpy_handle_merge(PyObject *op, PyObject *other, const svcmpy_class *c);
PyObject *svcmpy_handle_save(PyObject *op, const svcmpy_class *c);
PyObject *svcmpy_handle_load(PyObject *cls, PyObject *arg, const svcmpy_class *c);
PyObject *svcmpy_handle_repr(PyObject *op, const svcmpy_class *c);
Py_ssize_t svcmpy_handle_len(PyObject *op, const svcmpy_class *c);
/* A new svcm.<Name> (the module's type of class c) owning handle h; on
 * failure h is freed and NULL returned with an exception. */
PyObject *svcmpy_handle_wrap(PyObject *module, const svcmpy_class *c, void *h);
/* Raise the svcm exception of rc for field `field` with message msg. */
PyObject *svcmpy_raise_field(PyObject *module, int rc, const char *field, const char *msg);

/* The C accumulator inside an svcm.NPS, svcm.CSAT or svcm.CES
 * (py_feedback.c), borrowed while obj lives and the caller holds the GIL;
 * NULL with TypeError for another type, or with StateError when the object
 * is in use by another thread. */
const svcm_feedback *svcmpy_feedback_of(PyObject *module, PyObject *obj);

/* Engine initialisers, one per bindings/python/py_<engine>.c. */
int svcmpy_init_core(PyObject *module);
int svcmpy_init_time(PyObject *module);
int svcmpy_init_feedback(PyObject *module);
int svcmpy_init_sketch(PyObject *module);
int svcmpy_init_calendar(PyObject *module);
int svcmpy_init_erlang(PyObject *module);
int svcmpy_init_segment(PyObject *module);
int svcmpy_init_lifetime(PyObject *module);
int svcmpy_init_priority(PyObject *module);
int svcmpy_init_pdca(PyObject *module);

#endif /* SVCMPY_H */
