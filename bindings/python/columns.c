/* Columnar results of the batch calls: svcm.Column, one read-only typed
 * buffer (numpy.asarray, memoryview and pandas wrap it without copying),
 * and svcm.Table, named columns of equal length whose rows are built as
 * records only when asked for (indexing, iteration). */
#include "svcmpy.h"

#include <string.h>

typedef struct {
    PyObject_HEAD
    void *data;           /* PyMem_Malloc'ed, owned */
    Py_ssize_t n;         /* items */
    Py_ssize_t itemsize;  /* bytes per item */
    char fmt[2];          /* struct-module code: q d B b i */
} column;

typedef struct {
    PyObject_HEAD
    PyObject *module;     /* the svcm module, for the row builder */
    PyObject *names;      /* tuple of str */
    PyObject *cols;       /* tuple of svcm.Column, same order */
    Py_ssize_t n;
    svcmpy_row_fn row;    /* rows from the columns, or NULL */
    svcmpy_record_fn rec; /* rows from the C records in raw, or NULL */
    void *raw;            /* PyMem copy of the n C records (rec only) */
    size_t stride;
} table;

enum { COLUMN_TYPE, TABLE_TYPE, NTYPES };

static Py_ssize_t itemsize_of(char code)
{
    switch (code) {
    case 'q':
        return (Py_ssize_t)sizeof(int64_t);
    case 'd':
        return (Py_ssize_t)sizeof(double);
    case 'i':
        return (Py_ssize_t)sizeof(int);
    case 'B':
    case 'b':
        return 1;
    default:
        return 0;
    }
}

PyObject *svcmpy_column_new(PyObject *module, char code, Py_ssize_t n, void *data)
{
    Py_ssize_t size = itemsize_of(code);
    PyObject *tp = svcmpy_engine_item(module, SVCMPY_COLUMNS, COLUMN_TYPE);
    if (size == 0 || n < 0 || tp == NULL) {
        PyMem_Free(data);
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_SystemError, "svcm: bad column type");
        return NULL;
    }
    column *c = PyObject_New(column, (PyTypeObject *)tp);
    if (c == NULL) {
        PyMem_Free(data);
        return NULL;
    }
    c->data = data;
    c->n = n;
    c->itemsize = size;
    c->fmt[0] = code;
    c->fmt[1] = '\0';
    return (PyObject *)c;
}

void *svcmpy_column_alloc(char code, Py_ssize_t n)
{
    Py_ssize_t size = itemsize_of(code);
    if (size == 0 || n < 0 || n > PY_SSIZE_T_MAX / size) {
        PyErr_NoMemory();
        return NULL;
    }
    void *p = PyMem_Malloc(n > 0 ? (size_t)(n * size) : 1);
    if (p == NULL)
        PyErr_NoMemory();
    return p;
}

const void *svcmpy_column_data(PyObject *col) { return ((column *)col)->data; }

static void column_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyMem_Free(((column *)self)->data);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static int column_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    column *c = (column *)self;
    if (flags & PyBUF_WRITABLE) {
        PyErr_SetString(PyExc_BufferError, "svcm.Column is read-only");
        view->obj = NULL;
        return -1;
    }
    view->buf = c->data;
    view->obj = Py_NewRef(self);
    view->len = c->n * c->itemsize;
    view->readonly = 1;
    view->itemsize = c->itemsize;
    view->format = (flags & PyBUF_FORMAT) ? c->fmt : NULL;
    view->ndim = 1;
    view->shape = (flags & PyBUF_ND) ? &c->n : NULL;
    view->strides = (flags & PyBUF_STRIDES) ? &c->itemsize : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    return 0;
}

static Py_ssize_t column_len(PyObject *self) { return ((column *)self)->n; }

static PyObject *column_item(PyObject *self, Py_ssize_t i)
{
    column *c = (column *)self;
    if (i < 0 || i >= c->n) {
        PyErr_SetString(PyExc_IndexError, "svcm.Column index out of range");
        return NULL;
    }
    switch (c->fmt[0]) {
    case 'q':
        return PyLong_FromLongLong((long long)((const int64_t *)c->data)[i]);
    case 'd':
        return PyFloat_FromDouble(((const double *)c->data)[i]);
    case 'i':
        return PyLong_FromLong(((const int *)c->data)[i]);
    case 'b':
        return PyLong_FromLong(((const signed char *)c->data)[i]);
    default:
        return PyLong_FromLong(((const unsigned char *)c->data)[i]);
    }
}

static PyObject *column_tolist(PyObject *self, PyObject *unused)
{
    (void)unused;
    column *c = (column *)self;
    PyObject *list = PyList_New(c->n);
    for (Py_ssize_t i = 0; list != NULL && i < c->n; i++) {
        PyObject *x = column_item(self, i);
        if (x == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, x);
    }
    return list;
}

static PyObject *column_repr(PyObject *self)
{
    column *c = (column *)self;
    return PyUnicode_FromFormat("svcm.Column('%s', n=%zd)", c->fmt, c->n);
}

static PyObject *column_format(PyObject *self, void *unused)
{
    (void)unused;
    return PyUnicode_FromString(((column *)self)->fmt);
}

/* == and != only: two columns are equal when they hold the same type code
 * and the same items (compared as bytes); against a list or tuple, their
 * items are compared with the column's as numbers. */
static PyObject *column_richcompare(PyObject *self, PyObject *other, int op)
{
    if (op != Py_EQ && op != Py_NE)
        Py_RETURN_NOTIMPLEMENTED;
    int eq;
    if (Py_TYPE(other) == Py_TYPE(self)) {
        column *a = (column *)self, *b = (column *)other;
        eq = a->fmt[0] == b->fmt[0] && a->n == b->n &&
             (a->n == 0 || memcmp(a->data, b->data, (size_t)(a->n * a->itemsize)) == 0);
    } else if (PyList_Check(other) || PyTuple_Check(other)) {
        PyObject *mine = column_tolist(self, NULL);
        if (mine == NULL)
            return NULL;
        PyObject *theirs = PyList_Check(other) ? Py_NewRef(other) : PySequence_List(other);
        eq = theirs ? PyObject_RichCompareBool(mine, theirs, Py_EQ) : -1;
        Py_DECREF(mine);
        Py_XDECREF(theirs);
        if (eq < 0)
            return NULL;
    } else {
        Py_RETURN_NOTIMPLEMENTED;
    }
    return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static PyMethodDef column_methods[] = {
    {"tolist", column_tolist, METH_NOARGS, "tolist() -> list\n\nThe items as a list."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef column_getset[] = {
    {"typecode", column_format, NULL,
     "The struct-module code of the items: 'q' int64, 'd' float64, 'B' uint8, 'b' int8, "
     "'i' C int.",
     NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(column_doc,
    "A read-only column of numbers returned by a batch call.\n\n"
    "It exports the buffer protocol (format in .typecode), so memoryview(col),\n"
    "numpy.asarray(col) and pandas wrap it without copying; len(), indexing,\n"
    "iteration and tolist() give Python numbers.");

static PyType_Slot column_slots[] = {
    {Py_tp_dealloc, (void *)column_dealloc},
    {Py_tp_repr, (void *)column_repr},
    {Py_tp_richcompare, (void *)column_richcompare},
    {Py_tp_methods, column_methods},
    {Py_tp_getset, column_getset},
    {Py_tp_doc, (void *)column_doc},
    {Py_bf_getbuffer, (void *)column_getbuffer},
    {Py_sq_length, (void *)column_len},
    {Py_sq_item, (void *)column_item},
    {0, NULL},
};

static PyType_Spec column_spec = {
    .name = "svcm.Column",
    .basicsize = sizeof(column),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = column_slots,
};

/* ------------------------------------------------------------------ Table */

PyObject *svcmpy_table_new(PyObject *module, const char *const *names, PyObject **cols,
                           int ncols, Py_ssize_t n, svcmpy_row_fn row)
{
    PyObject *tp = svcmpy_engine_item(module, SVCMPY_COLUMNS, TABLE_TYPE);
    PyObject *nt = PyTuple_New(ncols), *ct = PyTuple_New(ncols);
    for (int k = 0; k < ncols; k++) {
        if (ct != NULL)
            PyTuple_SET_ITEM(ct, k, cols[k]); /* stolen, even when NULL */
        else
            Py_XDECREF(cols[k]);
    }
    table *t = NULL;
    if (tp == NULL || nt == NULL || ct == NULL)
        goto fail;
    for (int k = 0; k < ncols; k++) {
        PyObject *s = PyUnicode_InternFromString(names[k]);
        if (s == NULL || PyTuple_GET_ITEM(ct, k) == NULL) {
            Py_XDECREF(s);
            goto fail;
        }
        PyTuple_SET_ITEM(nt, k, s);
    }
    t = PyObject_GC_New(table, (PyTypeObject *)tp);
    if (t == NULL)
        goto fail;
    t->module = Py_NewRef(module);
    t->names = nt;
    t->cols = ct;
    t->n = n;
    t->row = row;
    t->rec = NULL;
    t->raw = NULL;
    t->stride = 0;
    PyObject_GC_Track(t);
    return (PyObject *)t;
fail:
    Py_XDECREF(nt);
    Py_XDECREF(ct);
    return NULL;
}

/* The value of field f of the record at p, converted to the column type. */
static void field_store(const svcmpy_field *f, const char *p, void *dst, size_t i)
{
    const char *q = p + f->offset;
    double d = 0.0;
    int64_t v = 0;
    switch (f->ctype) {
    case SVCMPY_F64:
        memcpy(&d, q, sizeof d);
        break;
    case SVCMPY_I64: {
        int64_t x;
        memcpy(&x, q, sizeof x);
        v = x;
        break;
    }
    case SVCMPY_SIZE: {
        size_t x;
        memcpy(&x, q, sizeof x);
        v = (int64_t)x;
        break;
    }
    case SVCMPY_U32: {
        uint32_t x;
        memcpy(&x, q, sizeof x);
        v = x;
        break;
    }
    case SVCMPY_INT: {
        int x;
        memcpy(&x, q, sizeof x);
        v = x;
        break;
    }
    default: { /* SVCMPY_U8 */
        uint8_t x;
        memcpy(&x, q, sizeof x);
        v = x;
        break;
    }
    }
    if (f->ctype != SVCMPY_F64)
        d = (double)v;
    switch (f->code) {
    case 'd':
        ((double *)dst)[i] = d;
        break;
    case 'q':
        ((int64_t *)dst)[i] = v;
        break;
    case 'i':
        ((int *)dst)[i] = (int)v;
        break;
    case 'b':
        ((signed char *)dst)[i] = (signed char)v;
        break;
    default:
        ((unsigned char *)dst)[i] = (unsigned char)v;
        break;
    }
}

PyObject *svcmpy_table_from_records(PyObject *module, const void *records, size_t stride,
                                    Py_ssize_t n, const svcmpy_field *fields, int nfields,
                                    svcmpy_record_fn rec)
{
    enum { MAXF = 32 };
    if (nfields < 1 || nfields > MAXF || n < 0) {
        PyErr_SetString(PyExc_SystemError, "svcm: bad table description");
        return NULL;
    }
    void *raw = PyMem_Malloc(n > 0 ? (size_t)n * stride : 1);
    if (raw == NULL)
        return PyErr_NoMemory();
    if (n > 0)
        memcpy(raw, records, (size_t)n * stride);
    PyObject *cols[MAXF];
    const char *names[MAXF];
    for (int k = 0; k < nfields; k++) {
        names[k] = fields[k].name;
        void *data = svcmpy_column_alloc(fields[k].code, n);
        if (data != NULL)
            for (Py_ssize_t i = 0; i < n; i++)
                field_store(&fields[k], (const char *)records + (size_t)i * stride, data,
                            (size_t)i);
        cols[k] = data ? svcmpy_column_new(module, fields[k].code, n, data) : NULL;
    }
    PyObject *t = svcmpy_table_new(module, names, cols, nfields, n, NULL);
    if (t == NULL) {
        PyMem_Free(raw);
        return NULL;
    }
    table *tt = (table *)t;
    tt->rec = rec;
    tt->raw = raw;
    tt->stride = stride;
    return t;
}

static int table_traverse(PyObject *self, visitproc visit, void *arg)
{
    table *t = (table *)self;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(t->module);
    Py_VISIT(t->names);
    Py_VISIT(t->cols);
    return 0;
}

static int table_clear(PyObject *self)
{
    table *t = (table *)self;
    Py_CLEAR(t->module);
    Py_CLEAR(t->names);
    Py_CLEAR(t->cols);
    return 0;
}

static void table_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    table_clear(self);
    PyMem_Free(((table *)self)->raw);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static Py_ssize_t table_len(PyObject *self) { return ((table *)self)->n; }

static PyObject *table_item(PyObject *self, Py_ssize_t i)
{
    table *t = (table *)self;
    if (i < 0 || i >= t->n) {
        PyErr_SetString(PyExc_IndexError, "svcm.Table index out of range");
        return NULL;
    }
    if (t->rec != NULL)
        return t->rec(t->module, (const char *)t->raw + (size_t)i * t->stride);
    return t->row(t->module, &PyTuple_GET_ITEM(t->cols, 0), i);
}

static PyObject *table_getattro(PyObject *self, PyObject *name)
{
    table *t = (table *)self;
    if (t->names != NULL && PyUnicode_Check(name)) {
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(t->names); k++) {
            int eq = PyUnicode_Compare(PyTuple_GET_ITEM(t->names, k), name);
            if (eq == 0)
                return Py_NewRef(PyTuple_GET_ITEM(t->cols, k));
            if (eq == -1 && PyErr_Occurred())
                return NULL;
        }
    }
    return PyObject_GenericGetAttr(self, name);
}

static PyObject *table_columns(PyObject *self, void *unused)
{
    (void)unused;
    return Py_NewRef(((table *)self)->names);
}

static PyObject *table_to_dict(PyObject *self, PyObject *unused)
{
    (void)unused;
    table *t = (table *)self;
    PyObject *d = PyDict_New();
    for (Py_ssize_t k = 0; d != NULL && k < PyTuple_GET_SIZE(t->names); k++)
        if (PyDict_SetItem(d, PyTuple_GET_ITEM(t->names, k), PyTuple_GET_ITEM(t->cols, k)) < 0)
            Py_CLEAR(d);
    return d;
}

static PyObject *table_repr(PyObject *self)
{
    table *t = (table *)self;
    return PyUnicode_FromFormat("svcm.Table(n=%zd, columns=%R)", t->n, t->names);
}

/* == and != only: tables are equal when their names and columns are; a
 * table equals a list or tuple of the same records (its rows). */
static PyObject *table_richcompare(PyObject *self, PyObject *other, int op)
{
    if (op != Py_EQ && op != Py_NE)
        Py_RETURN_NOTIMPLEMENTED;
    table *t = (table *)self;
    int eq;
    if (Py_TYPE(other) == Py_TYPE(self)) {
        table *u = (table *)other;
        eq = t->n == u->n ? PyObject_RichCompareBool(t->names, u->names, Py_EQ) : 0;
        if (eq > 0)
            eq = PyObject_RichCompareBool(t->cols, u->cols, Py_EQ);
    } else if (PyList_Check(other) || PyTuple_Check(other)) {
        PyObject *rows = PySequence_List(self);
        if (rows == NULL)
            return NULL;
        PyObject *theirs = PyList_Check(other) ? Py_NewRef(other) : PySequence_List(other);
        eq = theirs ? PyObject_RichCompareBool(rows, theirs, Py_EQ) : -1;
        Py_DECREF(rows);
        Py_XDECREF(theirs);
    } else {
        Py_RETURN_NOTIMPLEMENTED;
    }
    if (eq < 0)
        return NULL;
    return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static PyMethodDef table_methods[] = {
    {"to_dict", table_to_dict, METH_NOARGS,
     "to_dict() -> dict[str, Column]\n\nThe columns by name (for pandas.DataFrame after\n"
     "numpy.asarray, or any dict-of-columns consumer)."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef table_getset[] = {
    {"columns", table_columns, NULL, "The column names, in order (tuple of str).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(table_doc,
    "The result of a batch call as named columns of equal length.\n\n"
    "Each column is an attribute holding an svcm.Column (a typed buffer);\n"
    ".columns lists the names and to_dict() maps them. len(t) is the number of\n"
    "rows; t[i] and iteration build the record of row i, for small results.");

static PyType_Slot table_slots[] = {
    {Py_tp_dealloc, (void *)table_dealloc},
    {Py_tp_traverse, (void *)table_traverse},
    {Py_tp_clear, (void *)table_clear},
    {Py_tp_repr, (void *)table_repr},
    {Py_tp_richcompare, (void *)table_richcompare},
    {Py_tp_getattro, (void *)table_getattro},
    {Py_tp_methods, table_methods},
    {Py_tp_getset, table_getset},
    {Py_tp_doc, (void *)table_doc},
    {Py_sq_length, (void *)table_len},
    {Py_sq_item, (void *)table_item},
    {0, NULL},
};

static PyType_Spec table_spec = {
    .name = "svcm.Table",
    .basicsize = sizeof(table),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE |
             Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = table_slots,
};

int svcmpy_init_columns(PyObject *module)
{
    PyObject *col = PyType_FromModuleAndSpec(module, &column_spec, NULL);
    PyObject *tab = col ? PyType_FromModuleAndSpec(module, &table_spec, NULL) : NULL;
    if (tab == NULL || PyModule_AddObjectRef(module, "Column", col) < 0 ||
        PyModule_AddObjectRef(module, "Table", tab) < 0) {
        Py_XDECREF(col);
        Py_XDECREF(tab);
        return -1;
    }
    PyObject *types = PyTuple_Pack(NTYPES, col, tab);
    Py_DECREF(col);
    Py_DECREF(tab);
    if (types == NULL)
        return -1;
    return svcmpy_engine_set(module, SVCMPY_COLUMNS, types);
}
