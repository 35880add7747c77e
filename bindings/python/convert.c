/* Conversions between Python objects and C data for the svcm extension:
 * numbers and arrays in, lists out, objects to their saved form (pickle). */
#include "svcmpy.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* Blocks from 4 MiB up get transparent huge pages where the kernel gives
 * them only on request (THP "madvise" mode, Debian's default): a fresh
 * block is then faulted in 2 MiB at a time instead of 4 KiB, which is most
 * of the cost of a new 80 MB conversion or result buffer. Only the 2 MiB
 * aligned interior is advised; failure is harmless (4 KiB pages). */
#define HUGE_FROM ((size_t)4 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

void svcmpy_advise_huge(void *p, size_t size)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (p == NULL || size < HUGE_FROM)
        return;
    uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t hi = ((uintptr_t)p + size) & ~(HUGE_PAGE - 1);
    if (hi > lo)
        (void)madvise((void *)lo, (size_t)(hi - lo), MADV_HUGEPAGE);
#else
    (void)p;
    (void)size;
#endif
}

/* Big blocks for buffers that never leave the extension (conversion
 * copies, prioritize()'s request array and sort scratch). From HUGE_FROM up,
 * svcmpy_big_take() gives a block aligned to 2 MiB and rounded up to whole
 * 2 MiB units, so that all of it gets transparent huge pages (a malloc'ed
 * block keeps up to 4 MiB of 4 KiB pages at its ends), and
 * svcmpy_big_give() keeps a few freed ones for the next call: fresh memory
 * is faulted in and zeroed by the kernel, which cost prioritize() on 1 M
 * requests (56 MB of requests, 24 MB of scratch, 50 MB of result columns,
 * whose Columns give their blocks back: columns.c) more than its sort, and
 * the int64 conversions of segment() most of their extra time. At most
 * SPARE_SLOTS blocks and SPARE_MOST bytes are kept, each marked
 * reclaimable (MADV_FREE: the kernel may take its pages under memory
 * pressure; a later write then faults in zeroed pages, and no caller reads
 * a block before writing it). Blocks handed out are listed with their
 * sizes (LIVE_SLOTS; when the list is full, svcmpy_big_take() gives none).
 * Both functions touch no Python state (they run without the GIL) and
 * share a spin lock held for a few loads and stores, never across a call. */

#define SPARE_SLOTS 12
#define SPARE_MOST ((size_t)256 << 20)
#define LIVE_SLOTS 32

#if defined(__linux__) && defined(MADV_HUGEPAGE)
typedef struct big_block {
    void *p;
    size_t size;
} big_block;

static atomic_flag big_lock = ATOMIC_FLAG_INIT;
static big_block big_spare[SPARE_SLOTS]; /* kept for reuse (p NULL: none) */
static big_block big_live[LIVE_SLOTS];   /* handed out, with their sizes */

static void big_enter(void)
{
    while (atomic_flag_test_and_set_explicit(&big_lock, memory_order_acquire))
        ;
}

static void big_leave(void) { atomic_flag_clear_explicit(&big_lock, memory_order_release); }

void *svcmpy_big_take(size_t size)
{
    if (size < HUGE_FROM || size > SIZE_MAX - HUGE_PAGE)
        return NULL;
    size_t whole = (size + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
    big_block got = {NULL, 0};
    big_enter();
    /* The smallest kept block that holds it and is not half again as large. */
    int best = -1;
    for (int k = 0; k < SPARE_SLOTS; k++) {
        size_t have = big_spare[k].size;
        if (big_spare[k].p != NULL && have >= whole && have - whole <= whole / 2 &&
            (best < 0 || have < big_spare[best].size))
            best = k;
    }
    if (best >= 0) {
        got = big_spare[best];
        big_spare[best].p = NULL;
        big_spare[best].size = 0;
    }
    big_leave();
    if (got.p == NULL) {
        got.p = aligned_alloc(HUGE_PAGE, whole);
        if (got.p == NULL)
            return NULL;
        got.size = whole;
        svcmpy_advise_huge(got.p, whole);
    }
    bool listed = false;
    big_enter();
    for (int k = 0; k < LIVE_SLOTS && !listed; k++) {
        if (big_live[k].p == NULL) {
            big_live[k] = got;
            listed = true;
        }
    }
    big_leave();
    if (!listed) {
        free(got.p);
        return NULL;
    }
    return got.p;
}

bool svcmpy_big_give(void *p)
{
    if (p == NULL)
        return false;
    big_block mine = {p, 0};
    big_enter();
    for (int k = 0; k < LIVE_SLOTS; k++) {
        if (big_live[k].p == p) {
            mine = big_live[k];
            big_live[k].p = NULL;
            big_live[k].size = 0;
            break;
        }
    }
    big_leave();
    if (mine.size == 0)
        return false; /* not one of these blocks */
#if defined(MADV_FREE)
    /* Before it is shared: a block another call has taken must not be
     * marked reclaimable while it is being written. */
    (void)madvise(p, mine.size, MADV_FREE);
#endif
    void *drop = p, *evict = NULL;
    big_enter();
    /* An empty slot, else the smallest kept block if smaller than this one. */
    int slot = -1;
    size_t total = 0;
    for (int k = 0; k < SPARE_SLOTS; k++) {
        total += big_spare[k].size;
        if (big_spare[k].p == NULL) {
            if (slot < 0 || big_spare[slot].p != NULL)
                slot = k;
        } else if (slot < 0 ||
                   (big_spare[slot].p != NULL && big_spare[k].size < big_spare[slot].size)) {
            slot = k;
        }
    }
    if (slot >= 0 && (big_spare[slot].p == NULL || big_spare[slot].size < mine.size) &&
        total - big_spare[slot].size + mine.size <= SPARE_MOST) {
        evict = big_spare[slot].p;
        big_spare[slot] = mine;
        drop = NULL;
    }
    big_leave();
    free(evict);
    free(drop);
    return true;
}
#else
void *svcmpy_big_take(size_t size)
{
    (void)size;
    return NULL;
}

bool svcmpy_big_give(void *p)
{
    (void)p;
    return false;
}
#endif

PyObject *svcmpy_snapshot(PyObject *obj, const char *msg)
{
    if (PyTuple_Check(obj))
        return Py_NewRef(obj);
    PyObject *t = PySequence_Tuple(obj);
    if (t == NULL && PyErr_ExceptionMatches(PyExc_TypeError)) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError, msg);
    }
    return t;
}

void svcmpy_array_release(svcmpy_array *a)
{
    if (a == NULL)
        return;
    if (a->has_view) {
        PyBuffer_Release(&a->view);
        a->has_view = 0;
    }
    if (!svcmpy_big_give(a->owned))
        PyMem_Free(a->owned);
    a->owned = NULL;
    a->data = NULL;
    a->n = 0;
}

/* The element type of a buffer: kind 'i' (signed), 'u' (unsigned), '?'
 * (bool) or 'f' (floating), its size in bytes, and whether its bytes are in
 * the other order than this machine's. */
typedef struct elem {
    char kind;
    unsigned char size;
    unsigned char swap;
} elem;

/* The element type of a struct-module format holding one number: native
 * ('@' or no prefix: C sizes) or standard sizes in a given byte order ('='
 * native, '<' little, '>' and '!' big endian). Returns 0, or -1 when the
 * format is anything else or disagrees with itemsize. */
static int elem_of(const char *fmt, Py_ssize_t itemsize, elem *e)
{
    static const struct {
        char code, kind;
        unsigned char native, standard; /* sizes; 0: no standard size */
    } codes[] = {
        {'b', 'i', sizeof(signed char), 1},   {'B', 'u', sizeof(unsigned char), 1},
        {'?', '?', sizeof(_Bool), 1},         {'h', 'i', sizeof(short), 2},
        {'H', 'u', sizeof(unsigned short), 2}, {'i', 'i', sizeof(int), 4},
        {'I', 'u', sizeof(unsigned), 4},      {'l', 'i', sizeof(long), 4},
        {'L', 'u', sizeof(unsigned long), 4}, {'q', 'i', sizeof(long long), 8},
        {'Q', 'u', sizeof(unsigned long long), 8}, {'n', 'i', sizeof(Py_ssize_t), 0},
        {'N', 'u', sizeof(size_t), 0},        {'f', 'f', sizeof(float), 4},
        {'d', 'f', sizeof(double), 8},
    };
    int native = 1, big = !PY_LITTLE_ENDIAN;
    if (fmt == NULL)
        fmt = "B";
    if (fmt[0] != '\0' && strchr("@=<>!", fmt[0]) != NULL) {
        native = fmt[0] == '@';
        if (fmt[0] == '<' || fmt[0] == '>' || fmt[0] == '!')
            big = fmt[0] != '<';
        fmt++;
    }
    if (fmt[0] == '\0' || fmt[1] != '\0')
        return -1;
    for (size_t k = 0; k < sizeof codes / sizeof codes[0]; k++) {
        if (codes[k].code != fmt[0])
            continue;
        unsigned size = native ? codes[k].native : codes[k].standard;
        if (size == 0 || (Py_ssize_t)size != itemsize ||
            (size != 1 && size != 2 && size != 4 && size != 8) ||
            (codes[k].kind == 'f' && size != sizeof(float) && size != sizeof(double)))
            return -1;
        e->kind = codes[k].kind;
        e->size = (unsigned char)size;
        e->swap = size > 1 && big != !PY_LITTLE_ENDIAN;
        return 0;
    }
    return -1;
}

/* x as an int64 when it is an integer in range; -1 otherwise. */
static int integral(double x, int64_t *q)
{
    if (!isfinite(x) || x != floor(x) || x < -9.2233720368547758e18 || x >= 9.2233720368547758e18)
        return -1;
    *q = (int64_t)x;
    return 0;
}

/* Element at p as a double, or as an int64 when want_int (floats only when
 * integral, unsigned values only up to INT64_MAX; -1 otherwise). The bytes
 * are copied out first: p may be misaligned and in either byte order. */
static int item_read(const elem *e, const char *p, int want_int, double *d, int64_t *q)
{
    union {
        unsigned char b[8];
        int8_t i8;
        int16_t i16;
        int32_t i32;
        int64_t i64;
        uint8_t u8;
        uint16_t u16;
        uint32_t u32;
        uint64_t u64;
        float f32;
        double f64;
    } r;
    for (unsigned k = 0; k < e->size; k++)
        r.b[k] = (unsigned char)p[e->swap ? e->size - 1u - k : k];
    if (e->kind == 'f') {
        double x = e->size == sizeof(float) ? (double)r.f32 : r.f64;
        if (want_int)
            return integral(x, q);
        *d = x;
        return 0;
    }
    if (e->kind == 'i') {
        int64_t v = e->size == 1 ? r.i8 : e->size == 2 ? r.i16 : e->size == 4 ? r.i32 : r.i64;
        if (want_int)
            *q = v;
        else
            *d = (double)v;
        return 0;
    }
    uint64_t v = e->size == 1 ? r.u8 : e->size == 2 ? r.u16 : e->size == 4 ? r.u32 : r.u64;
    if (e->kind == '?')
        v = v != 0;
    if (!want_int) {
        *d = (double)v;
        return 0;
    }
    if (v > (uint64_t)INT64_MAX)
        return -1;
    *q = (int64_t)v;
    return 0;
}

int svcmpy_as_double(PyObject *obj, double *out)
{
    if (PyFloat_Check(obj)) {
        *out = PyFloat_AS_DOUBLE(obj);
        return 0;
    }
    if (PyLong_CheckExact(obj)) { /* no hook to run; it can only overflow */
        double d = PyLong_AsDouble(obj);
        if (d == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            return 2;
        }
        *out = d;
        return 0;
    }
    PyNumberMethods *nb = Py_TYPE(obj)->tp_as_number;
    if (PyComplex_Check(obj) || nb == NULL || (nb->nb_float == NULL && nb->nb_index == NULL))
        return 1;
    double d = PyFloat_AsDouble(obj); /* runs the object's __float__ or __index__ */
    if (d == -1.0 && PyErr_Occurred())
        return -1;
    *out = d;
    return 0;
}

int svcmpy_as_int64(PyObject *obj, int64_t *out)
{
    PyObject *i;
    if (PyLong_Check(obj)) {
        i = Py_NewRef(obj);
    } else {
        PyNumberMethods *nb = Py_TYPE(obj)->tp_as_number;
        if (nb == NULL || nb->nb_index == NULL)
            return 1;
        i = PyNumber_Index(obj); /* runs the object's __index__ */
        if (i == NULL)
            return -1;
    }
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(i, &overflow);
    Py_DECREF(i);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (overflow)
        return 2;
    *out = (int64_t)v;
    return 0;
}

/* An aligned array of n 8-byte elements for out->owned; -1 with
 * MemoryError when it cannot be had (n may come from a stride-0 view). */
static int alloc_owned(svcmpy_array *out, Py_ssize_t n)
{
    if (n > PY_SSIZE_T_MAX / 8) {
        PyErr_NoMemory();
        return -1;
    }
    out->owned = svcmpy_big_take((size_t)n * 8); /* released by svcmpy_big_give() */
    if (out->owned != NULL)
        return 0;
    out->owned = PyMem_Malloc(n > 0 ? (size_t)n * 8 : 1);
    if (out->owned == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    svcmpy_advise_huge(out->owned, (size_t)n * 8);
    return 0;
}

/* The aligned copy: n elements of type e, stride bytes apart from base (any
 * alignment, either byte order), into out->owned as doubles or int64s. */
/* Native-order elements of type T, stride bytes apart (any alignment: each
 * is copied out with a fixed-size memcpy, which compiles to one load), as
 * values of type D. The common columns (int64, int32, float32, bool,
 * int8/16) take this path: no per-element call, no byte loop. */
#define COPY_NATIVE(T, D)                                                                  \
    do {                                                                                   \
        D *dst_ = (D *)out->owned;                                                         \
        if (stride == (Py_ssize_t)sizeof(T)) { /* contiguous: a unit-stride loop */       \
            for (Py_ssize_t i_ = 0; i_ < n; i_++) {                                        \
                T x_;                                                                      \
                memcpy(&x_, base + i_ * (Py_ssize_t)sizeof(T), sizeof x_);                 \
                dst_[i_] = (D)x_;                                                          \
            }                                                                              \
            break;                                                                         \
        }                                                                                  \
        for (Py_ssize_t i_ = 0; i_ < n; i_++) {                                            \
            T x_;                                                                          \
            memcpy(&x_, base + i_ * stride, sizeof x_);                                    \
            dst_[i_] = (D)x_;                                                              \
        }                                                                                  \
    } while (0)

/* The fast conversions of copy_aligned(): 1 when done, 0 when the element
 * type needs the general path (byte-swapped, unsigned 64-bit into int64,
 * floats into int64, which must be checked for being integral). */
static int copy_native(const char *base, Py_ssize_t n, Py_ssize_t stride, const elem *e,
                       svcmpy_array *out, int want_int)
{
    if (e->swap)
        return 0;
    if (want_int) {
        switch (e->kind == 'f' ? 0 : e->size) {
        case 1:
            if (e->kind == 'i')
                COPY_NATIVE(int8_t, int64_t);
            else if (e->kind == 'u')
                COPY_NATIVE(uint8_t, int64_t);
            else
                return 0;
            return 1;
        case 2:
            if (e->kind == 'i')
                COPY_NATIVE(int16_t, int64_t);
            else
                COPY_NATIVE(uint16_t, int64_t);
            return 1;
        case 4:
            if (e->kind == 'i')
                COPY_NATIVE(int32_t, int64_t);
            else
                COPY_NATIVE(uint32_t, int64_t);
            return 1;
        case 8:
            if (e->kind != 'i')
                return 0;
            COPY_NATIVE(int64_t, int64_t);
            return 1;
        default:
            return 0;
        }
    }
    if (e->kind == 'f') {
        if (e->size == sizeof(float))
            COPY_NATIVE(float, double);
        else
            COPY_NATIVE(double, double);
        return 1;
    }
    if (e->kind == '?')
        return 0; /* any nonzero byte is true: the general path normalises it */
    switch (e->size) {
    case 1:
        if (e->kind == 'i')
            COPY_NATIVE(int8_t, double);
        else
            COPY_NATIVE(uint8_t, double);
        return 1;
    case 2:
        if (e->kind == 'i')
            COPY_NATIVE(int16_t, double);
        else
            COPY_NATIVE(uint16_t, double);
        return 1;
    case 4:
        if (e->kind == 'i')
            COPY_NATIVE(int32_t, double);
        else
            COPY_NATIVE(uint32_t, double);
        return 1;
    default:
        if (e->kind == 'i')
            COPY_NATIVE(int64_t, double);
        else
            COPY_NATIVE(uint64_t, double);
        return 1;
    }
}
#undef COPY_NATIVE

static int copy_aligned(const char *base, Py_ssize_t n, Py_ssize_t stride, const elem *e,
                        svcmpy_array *out, const char *argname, int want_int)
{
    if (alloc_owned(out, n) < 0)
        return -1;
    if (copy_native(base, n, stride, e, out, want_int)) {
        out->data = out->owned;
        return 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (item_read(e, base + i * stride, want_int, (double *)out->owned + i,
                      (int64_t *)out->owned + i) != 0) {
            PyErr_Format(PyExc_ValueError, "%s[%zd]: not an integer in the int64 range",
                         argname, i);
            return -1;
        }
    }
    out->data = out->owned;
    return 0;
}

/* Buffer path. The caller's memory is used as is only when it already holds
 * native, aligned, contiguous elements of the output type: the C library
 * dereferences double / int64_t pointers, so a misaligned or strided view
 * or another element type or byte order is copied. */
static int from_buffer(PyObject *obj, svcmpy_array *out, const char *argname, int want_int)
{
    if (PyObject_GetBuffer(obj, &out->view, PyBUF_RECORDS_RO) != 0)
        return -1;
    out->has_view = 1;
    Py_buffer *v = &out->view;
    if (v->ndim > 1) {
        PyErr_Format(PyExc_ValueError, "%s: expected a 1-dimensional buffer, got %d dimensions",
                     argname, v->ndim);
        return -1;
    }
    elem e;
    if (elem_of(v->format, v->itemsize, &e) != 0) {
        PyErr_Format(PyExc_TypeError,
                     "%s: unsupported buffer format '%s' (need one number per item)", argname,
                     v->format ? v->format : "B");
        return -1;
    }
    Py_ssize_t n = v->ndim == 0 ? 1 : v->shape[0];
    /* strides may be NULL (ctypes arrays): then the items are contiguous */
    Py_ssize_t stride = v->ndim == 0 || v->strides == NULL ? v->itemsize : v->strides[0];
    out->n = n;
    size_t align = want_int ? _Alignof(int64_t) : _Alignof(double);
    if (e.kind == (want_int ? 'i' : 'f') && e.size == 8 && !e.swap && stride == 8 &&
        (uintptr_t)v->buf % align == 0) {
        out->data = v->buf;
        return 0;
    }
    if (copy_aligned(v->buf, n, stride, &e, out, argname, want_int) < 0)
        return -1;
    PyBuffer_Release(&out->view);
    out->has_view = 0;
    return 0;
}

/* Sequence path: a tuple snapshot, not the list itself, since converting an
 * item may run Python code (__float__, __index__) that shrinks the list.
 * What that code raises propagates unchanged. */
static int from_sequence(PyObject *obj, svcmpy_array *out, const char *argname, int want_int)
{
    PyObject *seq = PySequence_Check(obj) ? PySequence_Tuple(obj) : NULL;
    if (seq == NULL) {
        if (PyErr_Occurred() && !PyErr_ExceptionMatches(PyExc_TypeError))
            return -1; /* from the object's own __iter__, __len__ or __getitem__ */
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s: expected a sequence or buffer of numbers, got %s",
                     argname, Py_TYPE(obj)->tp_name);
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(seq);
    out->n = n;
    int rc = alloc_owned(out, n);
    for (Py_ssize_t i = 0; rc == 0 && i < n; i++) {
        PyObject *item = PyTuple_GET_ITEM(seq, i);
        if (!PyNumber_Check(item) || PyComplex_Check(item)) {
            PyErr_Format(PyExc_TypeError, "%s[%zd]: expected a number, got %s", argname, i,
                         Py_TYPE(item)->tp_name);
            rc = -1;
        } else if (want_int) {
            int64_t *dst = (int64_t *)out->owned + i;
            if (PyFloat_Check(item))
                rc = integral(PyFloat_AS_DOUBLE(item), dst) == 0 ? 0 : 2;
            else
                rc = svcmpy_as_int64(item, dst);
            if (rc > 0)
                PyErr_Format(PyExc_ValueError, "%s[%zd]: not an integer in the int64 range",
                             argname, i);
        } else {
            rc = svcmpy_as_double(item, (double *)out->owned + i);
            if (rc == 1)
                PyErr_Format(PyExc_TypeError, "%s[%zd]: expected a number, got %s", argname, i,
                             Py_TYPE(item)->tp_name);
            else if (rc == 2)
                PyErr_Format(PyExc_OverflowError, "%s[%zd]: int too large to convert to float",
                             argname, i);
        }
    }
    Py_DECREF(seq);
    if (rc != 0)
        return -1;
    out->data = out->owned;
    return 0;
}

/* Array-likes without the buffer protocol (pandas and polars Series, and
 * anything else with __array__) are asked for their array, which numpy
 * gives as a view without copying; numpy itself is never imported here.
 * Returns a new reference to an object with a buffer of numbers; NULL
 * without an exception when obj has no __array__ or its array is not one
 * buffer of numbers (object or datetime columns: the sequence path then
 * reads, or refuses, the items); NULL with an exception when __array__
 * raises anything but the refusal of a buffer. */
static PyObject *array_of(PyObject *obj)
{
    PyObject *meth = PyObject_GetAttrString(obj, "__array__");
    if (meth == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError))
            return NULL;
        PyErr_Clear();
        return NULL;
    }
    PyObject *arr = PyObject_CallNoArgs(meth);
    Py_DECREF(meth);
    if (arr == NULL)
        return NULL; /* the object's own __array__ failed: propagate */
    Py_buffer v;
    if (!PyObject_CheckBuffer(arr) || PyUnicode_Check(arr) ||
        PyObject_GetBuffer(arr, &v, PyBUF_RECORDS_RO) != 0) {
        PyErr_Clear(); /* e.g. numpy refuses datetime64 buffers */
        Py_DECREF(arr);
        return NULL;
    }
    elem e;
    int ok = v.ndim <= 1 && elem_of(v.format, v.itemsize, &e) == 0;
    PyBuffer_Release(&v);
    if (!ok) {
        Py_DECREF(arr);
        return NULL;
    }
    return arr;
}

/* Shared body: want_int selects int64 output. */
static int to_array(PyObject *obj, svcmpy_array *out, const char *argname, int want_int)
{
    memset(out, 0, sizeof *out);
    if (obj == NULL || obj == Py_None) {
        PyErr_Format(PyExc_TypeError, "%s: expected a sequence or buffer of numbers, got None",
                     argname);
        return -1;
    }
    int rc;
    if (PyObject_CheckBuffer(obj) && !PyUnicode_Check(obj)) {
        rc = from_buffer(obj, out, argname, want_int);
    } else {
        PyObject *arr = array_of(obj);
        if (arr == NULL && PyErr_Occurred())
            return -1;
        if (arr != NULL) {
            /* The view keeps the array alive while it is used in place. */
            rc = from_buffer(arr, out, argname, want_int);
            Py_DECREF(arr);
        } else {
            rc = from_sequence(obj, out, argname, want_int);
        }
    }
    if (rc != 0)
        svcmpy_array_release(out);
    return rc;
}

int svcmpy_doubles(PyObject *obj, svcmpy_array *out, const char *argname)
{
    return to_array(obj, out, argname, 0);
}

int svcmpy_int64s(PyObject *obj, svcmpy_array *out, const char *argname)
{
    return to_array(obj, out, argname, 1);
}

PyObject *svcmpy_list_from_doubles(const double *v, size_t n)
{
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (list == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        PyObject *f = PyFloat_FromDouble(v[i]);
        if (f == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, f);
    }
    return list;
}

PyObject *svcmpy_reduce(PyObject *self, PyObject *unused)
{
    static const char *const forms[][2] = {
        {"to_bytes", "from_bytes"}, {"to_text", "from_text"}, {"to_text", "parse"},
        {"save", "load"}};
    PyObject *tp = (PyObject *)Py_TYPE(self);
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        if (!PyObject_HasAttrString(tp, forms[k][0]) || !PyObject_HasAttrString(tp, forms[k][1]))
            continue;
        PyObject *load = PyObject_GetAttrString(tp, forms[k][1]);
        PyObject *state = load ? PyObject_CallMethod(self, forms[k][0], NULL) : NULL;
        PyObject *r = state ? Py_BuildValue("(O(O))", load, state) : NULL;
        Py_XDECREF(load);
        Py_XDECREF(state);
        return r;
    }
    return PyErr_Format(PyExc_TypeError, "cannot pickle '%s' object", Py_TYPE(self)->tp_name);
}

PyObject *svcmpy_interval(svcm_interval iv)
{
    return Py_BuildValue("(dd)", iv.lo, iv.hi);
}
