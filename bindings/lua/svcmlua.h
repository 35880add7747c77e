/* Shared declarations of the svcm Lua 5.4 module.
 *
 * luaopen_svcm() builds the module table and calls, for each engine,
 * `void svcmlua_open_<engine>(lua_State *L)` with that table on top of the
 * stack; the opener adds its functions (luaL_setfuncs) and registers its
 * metatables (luaL_newmetatable with names "svcm.<Type>", __gc, __close,
 * __index). Misuse (wrong Lua types, a closed handle) raises via
 * luaL_argerror/luaL_error; expected failures (bad data, a refused state
 * change) return nil, message, code, detail via svcmlua_fail(). */
#ifndef SVCMLUA_H
#define SVCMLUA_H

#include <lauxlib.h>
#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svcm.h"

/* Push nil, message, code and a detail table {code=, index=, line=,
 * column=, field=} (keys absent when err lacks them: index SVCM_NO_INDEX,
 * line or column 0, field NULL) and return 4. The message names the record
 * and field when err carries them: "record 3, field 'score': ..."; the
 * line and column of parsed text are only in the table. */
int svcmlua_fail(lua_State *L, int rc, const svcm_error *err);
/* Raise a Lua error with the same message (for misuse). Does not return. */
int svcmlua_raise(lua_State *L, int rc, const svcm_error *err);
/* Format the message of rc/err into buf (always NUL-terminated). */
void svcmlua_message(int rc, const svcm_error *err, char *buf, size_t size);

/* Read argument arg, a sequence table of numbers (or a single number), into
 * a C array kept alive in a userdata pushed onto the stack (so it is freed
 * by the GC even when a later call raises). Raises on a non-number item,
 * naming the position. *n receives the length. Never returns NULL (returns a
 * valid pointer even for n == 0). */
const double *svcmlua_checkdoubles(lua_State *L, int arg, size_t *n);
/* Same for integers (Lua integers, or floats with an integral value). */
const int64_t *svcmlua_checkint64s(lua_State *L, int arg, size_t *n);

/* Push a sequence table of n numbers / integers. */
void svcmlua_pushdoubles(lua_State *L, const double *v, size_t n);
void svcmlua_pushint64s(lua_State *L, const int64_t *v, size_t n);
/* Push {lo, hi}. */
void svcmlua_pushinterval(lua_State *L, svcm_interval iv);

/* Push an unsigned count: an integer while it fits lua_Integer, else the
 * nearest float (repeated self-merges of an accumulator can pass 2^63). */
void svcmlua_pushcount(lua_State *L, uint64_t v);
/* t[key] = v on the table on top of the stack (v pushed as a float, an
 * integer, a count as svcmlua_pushcount, a string or a boolean). */
void svcmlua_setnumber(lua_State *L, const char *key, double v);
void svcmlua_setinteger(lua_State *L, const char *key, lua_Integer v);
void svcmlua_setcount(lua_State *L, const char *key, uint64_t v);
void svcmlua_setstring(lua_State *L, const char *key, const char *v);
void svcmlua_setboolean(lua_State *L, const char *key, int v);

/* Optional fields of an options table at index idx (absolute index; the
 * table may be absent: lua_isnoneornil). Raise when a field has the wrong
 * type. Return def when absent. */
double svcmlua_optfield_number(lua_State *L, int idx, const char *key, double def);
lua_Integer svcmlua_optfield_integer(lua_State *L, int idx, const char *key, lua_Integer def);
int svcmlua_optfield_boolean(lua_State *L, int idx, const char *key, int def);
const char *svcmlua_optfield_string(lua_State *L, int idx, const char *key, const char *def);

/* The described surface (bindings/api/<engine>.py, turned into gen_lua.c by
 * bindings/gen/svcmgen.py; lgen.c is its runtime). */
enum svcmlua_ctype {
    SVCMLUA_F64,
    SVCMLUA_I64,
    SVCMLUA_U32,
    SVCMLUA_INT,
    SVCMLUA_SIZE,
    SVCMLUA_U8,
    SVCMLUA_U64,
    SVCMLUA_BOOL,     /* bool (one byte) */
    SVCMLUA_IBOOL,    /* int used as a truth value */
    SVCMLUA_STR,      /* const char *; NULL leaves the key absent */
    SVCMLUA_INTERVAL, /* svcm_interval -> {lo, hi} */
    SVCMLUA_NAME,     /* int (or enum) -> string through name_of */
    SVCMLUA_I64N,     /* int64_t; INT64_MAX leaves the key absent ("i64?") */
    SVCMLUA_F64N      /* double; NaN leaves the key absent ("f64?") */
};
/* A record field: key, where it is in the C struct, its C type. */
typedef struct svcmlua_field {
    const char *name;
    size_t offset;
    enum svcmlua_ctype ctype;
    const char *(*name_of)(int);
} svcmlua_field;
/* Push the value at p (of C type ctype) / a table of a record's fields. */
void svcmlua_push_value(lua_State *L, const void *p, enum svcmlua_ctype ctype,
                        const char *(*name_of)(int));
void svcmlua_push_record(lua_State *L, const void *rec, const svcmlua_field *fields, int n);
/* Arguments of a described function with nreq required and npos
 * positional parameters (names: every parameter, NULL-terminated) after
 * `base` fixed ones (1 for a method's self, else 0): given
 * positionally, then optionally a table of the rest by name (keyword-only
 * parameters and positional ones not given), or as one table of them all,
 * f{name = value, ...} (not when the first parameter is an array: a lone
 * table is then that array). Raises for too many arguments and for a table
 * key that names no parameter. */
typedef struct svcmlua_args {
    int named; /* 1: the arguments are the fields of the table at 1 */
    int opts;  /* stack index of the table of named values, or 0 */
    int given; /* number of positional arguments given */
    int base;  /* stack slots before the first parameter */
} svcmlua_args;
void svcmlua_args_begin(lua_State *L, svcmlua_args *a, int base, int nreq, int npos,
                        const char *const *names, int first_is_array);
/* Stack index of parameter `name` (position pos, 0 for keyword-only), or 0
 * when it is absent or nil; raises "missing argument" when it is absent and
 * not optional. May push the value (named and keyword-only forms). */
int svcmlua_arg(lua_State *L, const svcmlua_args *a, int pos, const char *name, int optional);
/* The value at idx as the C type of a kind. Raise for a value of the wrong
 * Lua type; return -1 for a number outside the C type's range (the caller
 * returns svcmlua_range_fail), else 0. */
int svcmlua_get_f64(lua_State *L, int idx, const char *name, double *out);
int svcmlua_get_i64(lua_State *L, int idx, const char *name, int64_t *out);
int svcmlua_get_u32(lua_State *L, int idx, const char *name, uint32_t *out);
int svcmlua_get_int(lua_State *L, int idx, const char *name, int *out);
int svcmlua_get_size(lua_State *L, int idx, const char *name, size_t *out);
int svcmlua_get_bool(lua_State *L, int idx, const char *name, bool *out);
/* A count: raises for a negative value, as every Lua count argument does. */
int svcmlua_get_count(lua_State *L, int idx, const char *name, uint64_t *out);
int svcmlua_get_str(lua_State *L, int idx, const char *name, const char **out);
/* Broadcast arguments (kind f64v) at the stack indices idx[0..k-1] (k <=
 * 8): numbers (a boolean is 1 or 0) or sequence tables; numbers repeat against the tables, which
 * must agree in length (else raises). Buffers live in userdata pushed on
 * the stack. */
typedef struct svcmlua_bcast {
    const double *data[8];
    size_t n;
    int all_num;
} svcmlua_bcast;
void svcmlua_bcast_get(lua_State *L, svcmlua_bcast *c, int k, const int *idx,
                       const char *const *names);
/* A result buffer of c->n doubles (userdata pushed on the stack). */
double *svcmlua_bcast_out(lua_State *L, const svcmlua_bcast *c);
/* Push the result: a number when every argument was one, else a table. */
void svcmlua_bcast_push(lua_State *L, const svcmlua_bcast *c, const double *out);
/* One of the strings of choices (NULL-terminated) as its index; raises for
 * anything else, listing the choices. */
int svcmlua_get_choice(lua_State *L, int idx, const char *name, const char *const *choices,
                       int *out);
/* nil, "field 'name': out of range", EINVAL, detail (svcmlua_fail). */
int svcmlua_range_fail(lua_State *L, const char *name);
/* Same with a given status and message. */
int svcmlua_fail_field(lua_State *L, int rc, const char *field, const char *msg);

/* An array of codes (argument kind codes(a|b|...)) from the sequence table
 * at idx: items are one of the names (read as its index) or integers; raises
 * naming name[i] otherwise. The array lives in a userdata pushed on the
 * stack. */
const int64_t *svcmlua_checkcodes(lua_State *L, int idx, const char *name,
                                  const char *const *choices, size_t *n);
/* Input records (a described record as an argument kind): the C struct at
 * out from the table at idx by the record's fields (f64 and i64 only);
 * missing keys leave out untouched; raises for another type, an unknown
 * key or a value that is not a number, naming what[index] (index < 0:
 * what alone). */
void svcmlua_record_in(lua_State *L, int idx, const svcmlua_field *fields, int nfields, void *out,
                       const char *what, lua_Integer index);
/* A sequence table of such tables as a zeroed array of n structs of `size`
 * bytes in a userdata pushed on the stack. */
void *svcmlua_records_in(lua_State *L, int idx, const svcmlua_field *fields, int nfields,
                         size_t size, const char *what, size_t *n);

/* Classes the description manages whole (klass(..., free=...)): a userdata
 * box holding the C handle (NULL once closed) with metatable c->mt; the
 * generated code supplies the class's functions. */
typedef struct svcmlua_class {
    const char *mt; /* "svcm.Name": metatable name and the text of tostring */
    void (*free)(void *h);
    int (*merge)(void *dst, const void *src); /* NULL: no merge() */
    const char *mismatch;                     /* message of SVCM_EMISMATCH */
    int (*save)(const void *h, unsigned char *buf, size_t cap, size_t *len); /* or NULL */
    int (*load)(const unsigned char *buf, size_t len, void **out, svcm_error *err);
    void (*repr)(const void *h, char *buf, size_t cap); /* NULL: "svcm.Name()" */
    uint64_t (*count)(const void *h);         /* #obj; NULL: no __len */
    const char *save_name, *load_name;        /* "save", "load" or others */
    const luaL_Reg *fields; /* getters read as fields (obj.name); may be empty */
} svcmlua_class;
/* The handle of the c->mt object at idx; raises for another type or a
 * closed object. */
void *svcmlua_handle_check(lua_State *L, int idx, const char *mt);
/* Push a new closed box of metatable mt; the caller stores the handle. */
void **svcmlua_handle_new(lua_State *L, const char *mt);
/* Register class c: its metatable (methods: the described ones, then
 * `extra`, either may be NULL; merge, save, close, __gc, __close,
 * __tostring, __len) and, into the table on top of the stack, svcm.<Name>:
 * a class table whose __call is ctor (arg 1 is the class table) and with
 * load(s) when c->load is set (save and load under their names in c). */
void svcmlua_class_open(lua_State *L, svcmlua_class *c, const luaL_Reg *described,
                        const luaL_Reg *extra, lua_CFunction ctor);

void svcmlua_open_core(lua_State *L);
void svcmlua_open_time(lua_State *L);
void svcmlua_open_feedback(lua_State *L);
void svcmlua_open_sketch(lua_State *L);
void svcmlua_open_calendar(lua_State *L);
void svcmlua_open_erlang(lua_State *L);
void svcmlua_open_segment(lua_State *L);
void svcmlua_open_lifetime(lua_State *L);
void svcmlua_open_priority(lua_State *L);
void svcmlua_open_pdca(lua_State *L);

/* The accumulator inside an svcm.Feedback (lua_feedback.c) at arg,
 * borrowed: raises for another type or a closed object. */
svcm_feedback *svcmlua_check_feedback(lua_State *L, int arg);

#endif /* SVCMLUA_H */
