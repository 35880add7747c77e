/**
 * @file svcm/common.h
 * @brief Status codes, error detail, allocator, version: what every svcm
 *        module shares.
 *
 * Conventions that hold across the whole library:
 *
 * - Every fallible function returns an `int`: ::SVCM_OK (0) or one of the
 *   negative codes of ::svcm_status. Codes are only ever appended.
 * - Batch functions take an optional ::svcm_error out-parameter that names
 *   the record index and field at fault. A failed call writes nothing to its
 *   outputs (all or nothing).
 * - Objects that allocate take an optional `const svcm_allocator *`; NULL
 *   means the C library's malloc/realloc/free. The allocator struct is copied,
 *   so it need not outlive the call, but its `ctx` must outlive the object.
 *   An allocator with any of its three functions NULL is refused with
 *   ::SVCM_EINVAL (field "alloc") before anything is allocated (@since 0.2;
 *   0.1 silently used libc's functions instead).
 * - There is no global mutable state. Every function is reentrant; a single
 *   object must not be used by two threads at the same time.
 * - Time is `int64_t` seconds since the Unix epoch (UTC); durations are
 *   seconds as `double`.
 * - Text is UTF-8 (RFC 3629: no overlong forms, surrogates, code points
 *   above U+10FFFF or truncated sequences). Text parsers and loaders refuse
 *   anything else with ::SVCM_EFORMAT (svcm_error::line and
 *   svcm_error::column locate the first bad byte), functions that store a
 *   caller's string with ::SVCM_EINVAL (the message gives the 0-based byte
 *   offset of the first bad byte in that string). Strings the library
 *   returns and error messages are therefore UTF-8 too.
 * - Error positions (@since 0.2): svcm_error::index is only ever a 0-based
 *   record index (or ::SVCM_NO_INDEX); a position in parsed text is in
 *   svcm_error::line and svcm_error::column (1-based, 0 when not text or
 *   unknown). Messages never repeat the position, so a program prints it
 *   once, e.g. `file:line:column: field: message`.
 */
#ifndef SVCM_COMMON_H
#define SVCM_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Marks a function as part of the public ABI. */
#if defined(_WIN32) && defined(SVCM_BUILDING_DLL)
#define SVCM_API __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define SVCM_API __attribute__((visibility("default")))
#else
#define SVCM_API
#endif

/** @name Version
 *  The version of the headers; compare with svcm_version_number() to detect
 *  a header/library mismatch at run time.
 *  @{ */
#define SVCM_VERSION_MAJOR 0 /**< @brief Major version: incompatible API changes. */
#define SVCM_VERSION_MINOR 2 /**< @brief Minor version: compatible additions. */
#define SVCM_VERSION_PATCH 0 /**< @brief Patch version: fixes only. */
/** @brief 0xMMmmpp: major, minor, patch, one byte each. */
#define SVCM_VERSION_HEX                                                       \
    ((SVCM_VERSION_MAJOR << 16) | (SVCM_VERSION_MINOR << 8) | SVCM_VERSION_PATCH)
/** @brief The version as "major.minor.patch". */
#define SVCM_VERSION_STRING "0.2.0"
/** @} */

/**
 * @brief The list of status codes: X(NAME, value, message).
 *
 * Values are negative (0 is success) and stable: new codes are only appended.
 */
#define SVCM_ERRORS(X)                                                         \
    X(OK, 0, "success")                                                        \
    X(EINVAL, -1, "invalid argument")                                          \
    X(ENOMEM, -2, "out of memory")                                             \
    X(ERANGE, -3, "value out of range")                                        \
    X(ESTATE, -4, "operation not allowed in the current state")                \
    X(EFORMAT, -5, "malformed input")                                          \
    X(EEMPTY, -6, "no data")                                                   \
    X(ENOTFOUND, -7, "not found")                                              \
    X(EMISMATCH, -8, "incompatible settings")                                  \
    X(ENOCONV, -9, "did not converge")                                         \
    X(ENOSPC, -10, "output buffer too small")                                  \
    X(EEXIST, -11, "already exists")                                           \
    X(EIO, -12, "input/output error")

#define SVCM__ENUM(name, value, msg) SVCM_##name = value,
/**
 * @brief Status codes returned by every fallible svcm function: SVCM_<NAME>
 *        for each entry of ::SVCM_ERRORS (::SVCM_OK is 0, the rest negative).
 */
typedef enum svcm_status {
    SVCM_ERRORS(SVCM__ENUM)
} svcm_status;
#undef SVCM__ENUM
/** @var SVCM_OK
 *  @brief 0: success. */
/** @var SVCM_EINVAL
 *  @brief -1: invalid argument (NULL, NaN/inf, negative count, out of range,
 *         out of order); ::svcm_error names the record and field. */
/** @var SVCM_ENOMEM
 *  @brief -2: an allocation failed; nothing was changed. */
/** @var SVCM_ERANGE
 *  @brief -3: the result (or an intermediate) is out of the representable range. */
/** @var SVCM_ESTATE
 *  @brief -4: the operation is not allowed in the object's current state. */
/** @var SVCM_EFORMAT
 *  @brief -5: malformed input text or saved bytes. */
/** @var SVCM_EEMPTY
 *  @brief -6: no data to compute from. */
/** @var SVCM_ENOTFOUND
 *  @brief -7: the key, name or item does not exist. */
/** @var SVCM_EMISMATCH
 *  @brief -8: incompatible settings (e.g. merging objects with different options). */
/** @var SVCM_ENOCONV
 *  @brief -9: an iterative method did not converge. */
/** @var SVCM_ENOSPC
 *  @brief -10: the output buffer is too small; the needed size is reported. */
/** @var SVCM_EEXIST
 *  @brief -11: the key, name or item already exists. */
/** @var SVCM_EIO
 *  @brief -12: an input/output error. */

/**
 * @brief A human-readable message for a status code.
 * @param rc any int; unknown codes give "unknown error".
 * @return a static string, never NULL.
 * @par Thread safety: safe from any thread.
 * @since 0.1
 */
SVCM_API const char *svcm_strerror(int rc);

/**
 * @brief The symbolic name of a status code, e.g. "SVCM_EINVAL".
 * @param rc any int; unknown codes give "SVCM_EUNKNOWN".
 * @return a static string, never NULL.
 * @par Thread safety: safe from any thread.
 * @since 0.1
 */
SVCM_API const char *svcm_status_name(int rc);

/** @brief Value of svcm_error::index when no single record is at fault. */
#define SVCM_NO_INDEX ((size_t)-1)

/**
 * @brief Detail about a failure, filled by functions that take one.
 *
 * Always optional: pass NULL when you only want the status code.
 */
typedef struct svcm_error {
    int code;          /**< the status code the call returned */
    size_t index;      /**< 0-based record at fault, or SVCM_NO_INDEX (never a line) */
    const char *field; /**< field at fault: a static string, or NULL */
    char message[128]; /**< NUL-terminated explanation, never truncated mid-UTF-8 */
    size_t line;       /**< 1-based line in parsed text, 0 when not text (@since 0.2) */
    size_t column;     /**< 1-based column (byte) in that line, 0 when unknown (@since 0.2) */
} svcm_error;

/**
 * @brief Reset an error to "no error" (code 0, index SVCM_NO_INDEX).
 * @param err may be NULL (no-op).
 * @par Thread safety: safe; touches only @p err.
 * @since 0.1
 */
SVCM_API void svcm_error_clear(svcm_error *err);

/**
 * @brief A caller-supplied allocator (all three functions required: one
 *        left NULL makes the function that receives it fail with
 *        ::SVCM_EINVAL).
 *
 * `realloc(ctx, NULL, n)` must behave like `alloc(ctx, n)`; `free(ctx, NULL)`
 * must be a no-op. Functions may be called from whatever thread uses the
 * object that holds the allocator.
 */
typedef struct svcm_allocator {
    /** Like malloc(size); returns NULL on failure. */
    void *(*alloc)(void *ctx, size_t size);
    /** Like realloc(ptr, size); on failure returns NULL and keeps @p ptr. */
    void *(*realloc)(void *ctx, void *ptr, size_t size);
    /** Like free(ptr); a NULL @p ptr is a no-op. */
    void (*free)(void *ctx, void *ptr);
    void *ctx; /**< passed back to each function */
} svcm_allocator;

/**
 * @brief The library version as a string, e.g. "0.2.0".
 * @return a static string, never NULL.
 * @par Thread safety: safe from any thread.
 * @since 0.1
 */
SVCM_API const char *svcm_version(void);

/**
 * @brief The library version as SVCM_VERSION_HEX of the built library.
 * @return 0xMMmmpp (major, minor, patch, one byte each) of the library that
 *         is linked, which may differ from the headers' ::SVCM_VERSION_HEX.
 * @par Thread safety: safe from any thread.
 * @since 0.1
 */
SVCM_API unsigned svcm_version_number(void);

#ifdef __cplusplus
}
#endif

#endif /* SVCM_COMMON_H */
