/* Columnar results of the batch calls: svcm.Column, one read-only typed
 * buffer (numpy.asarray, memoryview and pandas wrap it without copying),
 * and svcm.Table, named columns of equal length whose rows are built as
 * records only when asked for (indexing, iteration).
 *
 * Both pickle and copy. A Column reduces to (Column._from_bytes, (typecode,
 * little-endian bytes of the items)); a Table to (Table._from_rows, (names,
 * columns, rows)), its rows as records, because the C function that builds
 * a row is not picklable: a loaded Table serves its rows from that tuple.
 * The restoring callables are class methods, so a pickle names svcm.Column
 * and svcm.Table, not the private extension module. */
#include "svcmpy.h"

#include <string.h>

/* A column's block: from svcmpy_column_alloc() (PyMem), or for the large
 * result columns of prioritize() and classify() from svcmpy_big_take()
 * (convert.c), which takes it back for reuse. */

static void column_block_free(void *data)
{
    if (!svcmpy_big_give(data))
        PyMem_Free(data);
}

typedef struct {
    PyObject_HEAD
    void *data;           /* owned: freed by column_block_free() */
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
    PyObject *rows;       /* tuple of the n records of a loaded table, or NULL */
} table;

/* The columns engine tuple: the two types, and array.array (for == with an
 * array of the same values). */
enum { COLUMN_TYPE, TABLE_TYPE, ARRAY_TYPE, NTYPES };

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
        column_block_free(data);
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_SystemError, "svcm: bad column type");
        return NULL;
    }
    column *c = PyObject_New(column, (PyTypeObject *)tp);
    if (c == NULL) {
        column_block_free(data);
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
    column_block_free(((column *)self)->data);
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

/* Item i of an integer column (any type code but 'd') as int64. */
static int64_t column_i64(const column *c, Py_ssize_t i)
{
    switch (c->fmt[0]) {
    case 'q':
        return ((const int64_t *)c->data)[i];
    case 'i':
        return ((const int *)c->data)[i];
    case 'b':
        return ((const signed char *)c->data)[i];
    default:
        return ((const unsigned char *)c->data)[i];
    }
}

/* Index or slice: col[i] (negative i counts from the end) is a number;
 * col[a:b:c] is a new Column of the same type code holding a copy of the
 * selected items (as array.array slicing gives an array). */
static PyObject *column_subscript(PyObject *self, PyObject *key)
{
    column *c = (column *)self;
    if (PyIndex_Check(key)) {
        Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
        if (i == -1 && PyErr_Occurred())
            return NULL;
        if (i < 0)
            i += c->n;
        return column_item(self, i);
    }
    if (!PySlice_Check(key)) {
        PyErr_Format(PyExc_TypeError, "svcm.Column indices must be integers or slices, not %.200s",
                     Py_TYPE(key)->tp_name);
        return NULL;
    }
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0)
        return NULL;
    Py_ssize_t len = PySlice_AdjustIndices(c->n, &start, &stop, step);
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    if (module == NULL)
        return NULL;
    char *data = svcmpy_column_alloc(c->fmt[0], len);
    if (data == NULL)
        return NULL;
    const char *src = (const char *)c->data;
    size_t size = (size_t)c->itemsize;
    if (step == 1) {
        if (len > 0)
            memcpy(data, src + (size_t)start * size, (size_t)len * size);
    } else {
        for (Py_ssize_t k = 0, i = start; k < len; k++, i += step)
            memcpy(data + (size_t)k * size, src + (size_t)i * size, size);
    }
    return svcmpy_column_new(module, c->fmt[0], len, data);
}

/* Whether item i equals x: 1, 0, or -1 with an exception. kind says how
 * x was read by search_kind(): 0 compare as Python objects, 1 as int64 v,
 * 2 as double d, 3 never equal (an int beyond int64 against integers). */
static int column_item_equals(column *c, Py_ssize_t i, PyObject *x, int kind, int64_t v, double d)
{
    switch (kind) {
    case 1:
        return column_i64(c, i) == v;
    case 2:
        return ((const double *)c->data)[i] == d;
    case 3:
        return 0;
    default: {
        PyObject *item = column_item((PyObject *)c, i);
        if (item == NULL)
            return -1;
        int eq = PyObject_RichCompareBool(item, x, Py_EQ);
        Py_DECREF(item);
        return eq;
    }
    }
}

/* How count() and index() compare items with x: a plain int against an
 * integer column and a plain float against a 'd' column are compared in C
 * (the same answers as Python's ==); anything else item by item. */
static int search_kind(const column *c, PyObject *x, int64_t *v, double *d)
{
    if (c->fmt[0] != 'd' && PyLong_CheckExact(x)) {
        int overflow = 0;
        long long ll = PyLong_AsLongLongAndOverflow(x, &overflow);
        if (ll == -1 && PyErr_Occurred())
            return -1;
        if (overflow)
            return 3;
        *v = (int64_t)ll;
        return 1;
    }
    if (c->fmt[0] == 'd' && PyFloat_CheckExact(x)) {
        *d = PyFloat_AS_DOUBLE(x);
        return 2;
    }
    return 0;
}

static PyObject *column_count(PyObject *self, PyObject *x)
{
    column *c = (column *)self;
    int64_t v = 0;
    double d = 0.0;
    int kind = search_kind(c, x, &v, &d);
    if (kind < 0)
        return NULL;
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < c->n; i++) {
        int eq = column_item_equals(c, i, x, kind, v, d);
        if (eq < 0)
            return NULL;
        k += eq;
    }
    return PyLong_FromSsize_t(k);
}

static PyObject *column_index(PyObject *self, PyObject *args)
{
    column *c = (column *)self;
    PyObject *x;
    Py_ssize_t start = 0, stop = PY_SSIZE_T_MAX;
    if (!PyArg_ParseTuple(args, "O|nn:index", &x, &start, &stop))
        return NULL;
    if (start < 0) {
        start += c->n;
        if (start < 0)
            start = 0;
    }
    if (stop < 0) {
        stop += c->n;
        if (stop < 0)
            stop = 0;
    }
    if (stop > c->n)
        stop = c->n;
    int64_t v = 0;
    double d = 0.0;
    int kind = search_kind(c, x, &v, &d);
    if (kind < 0)
        return NULL;
    for (Py_ssize_t i = start; i < stop; i++) {
        int eq = column_item_equals(c, i, x, kind, v, d);
        if (eq < 0)
            return NULL;
        if (eq)
            return PyLong_FromSsize_t(i);
    }
    PyErr_SetString(PyExc_ValueError, "svcm.Column.index(x): x not in column");
    return NULL;
}

static int host_is_little_endian(void)
{
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

/* n items of size bytes from src to dst, each item's bytes reversed when
 * the host is big-endian (so the saved form is little-endian). */
static void copy_le(char *dst, const char *src, Py_ssize_t n, size_t size)
{
    if (host_is_little_endian() || size == 1) {
        if (n > 0)
            memcpy(dst, src, (size_t)n * size);
        return;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        for (size_t b = 0; b < size; b++)
            dst[(size_t)i * size + b] = src[(size_t)i * size + size - 1 - b];
}

/* __reduce__: (Column._from_bytes, (typecode, little-endian bytes)). */
static PyObject *column_reduce(PyObject *self, PyObject *unused)
{
    (void)unused;
    column *c = (column *)self;
    PyObject *bytes = PyBytes_FromStringAndSize(NULL, c->n * c->itemsize);
    if (bytes == NULL)
        return NULL;
    copy_le(PyBytes_AS_STRING(bytes), (const char *)c->data, c->n, (size_t)c->itemsize);
    PyObject *from = PyObject_GetAttrString((PyObject *)Py_TYPE(self), "_from_bytes");
    PyObject *res = from ? Py_BuildValue("O(sO)", from, c->fmt, bytes) : NULL;
    Py_DECREF(bytes);
    Py_XDECREF(from);
    return res;
}

/* Column._from_bytes(typecode, data): the column of __reduce__'s form. */
static PyObject *column_from_bytes(PyObject *cls, PyObject *args)
{
    const char *code;
    Py_buffer b;
    if (!PyArg_ParseTuple(args, "sy*:_from_bytes", &code, &b))
        return NULL;
    Py_ssize_t size = strlen(code) == 1 ? itemsize_of(code[0]) : 0;
    PyObject *res = NULL;
    if (size == 0) {
        PyErr_Format(PyExc_ValueError, "svcm.Column: unknown type code '%s'", code);
    } else if (b.len % size != 0) {
        PyErr_Format(PyExc_ValueError,
                     "svcm.Column: %zd bytes are not a whole number of '%s' items (%zd bytes each)",
                     b.len, code, size);
    } else {
        PyObject *module = svcmpy_module_of_type((PyTypeObject *)cls);
        char *data = module ? svcmpy_column_alloc(code[0], b.len / size) : NULL;
        if (data != NULL) {
            copy_le(data, (const char *)b.buf, b.len / size, (size_t)size);
            res = svcmpy_column_new(module, code[0], b.len / size, data);
        }
    }
    PyBuffer_Release(&b);
    return res;
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

/* A column against an array.array: 1 equal, 0 not, -1 error. Same length
 * and equal items as numbers (as array == array, whatever the type codes);
 * integer items of one type code are compared as bytes, 'd' items as
 * doubles (NaN is unequal, -0.0 equals 0.0), others item by item. */
static int column_equals_array(PyObject *self, PyObject *other)
{
    column *c = (column *)self;
    Py_ssize_t n = PyObject_Length(other);
    if (n < 0)
        return -1;
    if (n != c->n)
        return 0;
    Py_buffer b;
    if (PyObject_GetBuffer(other, &b, PyBUF_FORMAT | PyBUF_ND) < 0)
        return -1;
    int eq = -2; /* not decided */
    if (b.format != NULL && strcmp(b.format, c->fmt) == 0 && b.itemsize == c->itemsize &&
        b.len == c->n * c->itemsize) {
        if (c->fmt[0] != 'd') {
            eq = c->n == 0 || memcmp(c->data, b.buf, (size_t)b.len) == 0;
        } else {
            const double *x = c->data, *y = b.buf;
            eq = 1;
            for (Py_ssize_t i = 0; eq && i < c->n; i++)
                eq = x[i] == y[i];
        }
    }
    PyBuffer_Release(&b);
    if (eq != -2)
        return eq;
    PyObject *mine = column_tolist(self, NULL);
    PyObject *theirs = mine ? PySequence_List(other) : NULL;
    eq = theirs ? PyObject_RichCompareBool(mine, theirs, Py_EQ) : -1;
    Py_XDECREF(mine);
    Py_XDECREF(theirs);
    return eq;
}

/* == and != only: two columns are equal when they hold the same type code
 * and the same items (compared as bytes); against a list or tuple, their
 * items are compared with the column's as numbers; against an
 * array.array, see column_equals_array(). */
static PyObject *column_richcompare(PyObject *self, PyObject *other, int op)
{
    if (op != Py_EQ && op != Py_NE)
        Py_RETURN_NOTIMPLEMENTED;
    int eq;
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    PyObject *array_type = module ? svcmpy_engine_item(module, SVCMPY_COLUMNS, ARRAY_TYPE) : NULL;
    if (array_type == NULL)
        return NULL;
    if (Py_TYPE(other) == Py_TYPE(self)) {
        column *a = (column *)self, *b = (column *)other;
        eq = a->fmt[0] == b->fmt[0] && a->n == b->n &&
             (a->n == 0 || memcmp(a->data, b->data, (size_t)(a->n * a->itemsize)) == 0);
    } else if (PyObject_TypeCheck(other, (PyTypeObject *)array_type)) {
        eq = column_equals_array(self, other);
        if (eq < 0)
            return NULL;
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
    {"count", column_count, METH_O,
     "count(x) -> int\n\nNumber of items equal to x (as array.array.count)."},
    {"index", column_index, METH_VARARGS,
     "index(x, start=0, stop=sys.maxsize) -> int\n\nPosition of the first item equal to x\n"
     "in [start, stop) (negative bounds count from the end, as for slices);\n"
     "ValueError when there is none (as array.array.index)."},
    {"__reduce__", column_reduce, METH_NOARGS,
     "Pickle form: (Column._from_bytes, (typecode, little-endian bytes))."},
    {"_from_bytes", column_from_bytes, METH_VARARGS | METH_CLASS,
     "_from_bytes(typecode, data) -> Column\n\nThe column of a pickle: items of\n"
     "typecode from their little-endian bytes (for pickle and copy)."},
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
    "numpy.asarray(col) and pandas wrap it without copying; len(), indexing\n"
    "(negative indices count from the end), iteration and tolist() give\n"
    "Python numbers. As with array.array: col[a:b:c] is a new Column of the\n"
    "same type code (a copy of those items), count(x) and index(x) search,\n"
    "and == compares with an array.array, a list or a tuple of the same\n"
    "values (and with a Column of the same type code). Columns pickle and\n"
    "copy (copy.copy and copy.deepcopy give an equal, separate column).");

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
    {Py_mp_length, (void *)column_len},
    {Py_mp_subscript, (void *)column_subscript},
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
    t->rows = NULL;
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
    Py_VISIT(t->rows);
    return 0;
}

static int table_clear(PyObject *self)
{
    table *t = (table *)self;
    Py_CLEAR(t->module);
    Py_CLEAR(t->names);
    Py_CLEAR(t->cols);
    Py_CLEAR(t->rows);
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
    if (t->rows != NULL)
        return Py_NewRef(PyTuple_GET_ITEM(t->rows, i));
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

/* __reduce__: (Table._from_rows, (names, columns, rows)), rows built now. */
static PyObject *table_reduce(PyObject *self, PyObject *unused)
{
    (void)unused;
    table *t = (table *)self;
    PyObject *rows = PyTuple_New(t->n);
    for (Py_ssize_t i = 0; rows != NULL && i < t->n; i++) {
        PyObject *r = table_item(self, i);
        if (r == NULL)
            Py_CLEAR(rows);
        else
            PyTuple_SET_ITEM(rows, i, r);
    }
    if (rows == NULL)
        return NULL;
    PyObject *from = PyObject_GetAttrString((PyObject *)Py_TYPE(self), "_from_rows");
    PyObject *res = from ? Py_BuildValue("O(OOO)", from, t->names, t->cols, rows) : NULL;
    Py_DECREF(rows);
    Py_XDECREF(from);
    return res;
}

/* Table._from_rows(names, columns, rows): the table of a pickle. */
static PyObject *table_from_rows(PyObject *cls, PyObject *args)
{
    PyObject *names, *cols, *rows;
    if (!PyArg_ParseTuple(args, "O!O!O!:_from_rows", &PyTuple_Type, &names, &PyTuple_Type, &cols,
                          &PyTuple_Type, &rows))
        return NULL;
    PyObject *module = svcmpy_module_of_type((PyTypeObject *)cls);
    PyObject *col_type = module ? svcmpy_engine_item(module, SVCMPY_COLUMNS, COLUMN_TYPE) : NULL;
    if (col_type == NULL)
        return NULL;
    Py_ssize_t ncols = PyTuple_GET_SIZE(names), n = PyTuple_GET_SIZE(rows);
    if (ncols < 1 || PyTuple_GET_SIZE(cols) != ncols) {
        PyErr_SetString(PyExc_ValueError,
                        "svcm.Table: names and columns must be tuples of one nonzero length");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < ncols; k++) {
        PyObject *c = PyTuple_GET_ITEM(cols, k);
        if (!PyUnicode_Check(PyTuple_GET_ITEM(names, k)) || !Py_IS_TYPE(c, (PyTypeObject *)col_type) ||
            ((column *)c)->n != n) {
            PyErr_Format(PyExc_ValueError,
                         "svcm.Table: column %zd is not a str name with a Column of %zd items", k,
                         n);
            return NULL;
        }
    }
    table *t = PyObject_GC_New(table, (PyTypeObject *)cls);
    if (t == NULL)
        return NULL;
    t->module = Py_NewRef(module);
    t->names = Py_NewRef(names);
    t->cols = Py_NewRef(cols);
    t->n = n;
    t->row = NULL;
    t->rec = NULL;
    t->raw = NULL;
    t->stride = 0;
    t->rows = Py_NewRef(rows);
    PyObject_GC_Track(t);
    return (PyObject *)t;
}

static PyMethodDef table_methods[] = {
    {"__reduce__", table_reduce, METH_NOARGS,
     "Pickle form: (Table._from_rows, (names, columns, rows)); the rows go as records."},
    {"_from_rows", table_from_rows, METH_VARARGS | METH_CLASS,
     "_from_rows(names, columns, rows) -> Table\n\nThe table of a pickle: its columns, and\n"
     "its rows as records (for pickle and copy)."},
    {"to_dict", table_to_dict, METH_NOARGS,
     "to_dict() -> dict[str, Column]\n\nThe columns by name (for pandas.DataFrame after\n"
     "numpy.asarray, or any dict-of-columns consumer)."},
    /* Table is generic in the stubs (Table[Staffing]: rows are Staffing
       records); this makes the subscript work at run time too, as for
       list[int]: a types.GenericAlias, nothing checked. */
    {"__class_getitem__", Py_GenericAlias, METH_O | METH_CLASS,
     "Table[Row] -> types.GenericAlias\n\nThe table type whose rows are Row records, for\n"
     "annotations evaluated at run time (as list[int]; see PEP 585)."},
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
    "rows; t[i] and iteration build the record of row i, for small results.\n"
    "Tables pickle and copy: the pickle holds the columns and every row as a\n"
    "record (so it grows with the rows; to move large results, pickle\n"
    "to_dict(), the columns alone).");

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
    PyObject *array_mod = tab ? PyImport_ImportModule("array") : NULL;
    PyObject *arr = array_mod ? PyObject_GetAttrString(array_mod, "array") : NULL;
    Py_XDECREF(array_mod);
    if (arr == NULL || !PyType_Check(arr) || PyModule_AddObjectRef(module, "Column", col) < 0 ||
        PyModule_AddObjectRef(module, "Table", tab) < 0) {
        if (arr != NULL && !PyType_Check(arr))
            PyErr_SetString(PyExc_SystemError, "svcm: array.array is not a type");
        Py_XDECREF(col);
        Py_XDECREF(tab);
        Py_XDECREF(arr);
        return -1;
    }
    PyObject *types = PyTuple_Pack(NTYPES, col, tab, arr);
    Py_DECREF(col);
    Py_DECREF(tab);
    Py_DECREF(arr);
    if (types == NULL)
        return -1;
    return svcmpy_engine_set(module, SVCMPY_COLUMNS, types);
}
