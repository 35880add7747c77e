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
 * - There is no global mutable state. Every function is reentrant; a single
 *   object must not be used by two threads at the same time.
 * - Time is `int64_t` seconds since the Unix epoch (UTC); durations are
 *   seconds as `double`.
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
#define SVCM_VERSION_MAJOR 0
#define SVCM_VERSION_MINOR 1
#define SVCM_VERSION_PATCH 0
/** @brief 0xMMmmpp: major, minor, patch, one byte each. */
#define SVCM_VERSION_HEX                                                       \
    ((SVCM_VERSION_MAJOR << 16) | (SVCM_VERSION_MINOR << 8) | SVCM_VERSION_PATCH)
#define SVCM_VERSION_STRING "0.1.0"
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

/** @brief Status codes returned by every fallible svcm function. */
typedef enum svcm_status {
#define SVCM__ENUM(name, value, msg) SVCM_##name = value,
    SVCM_ERRORS(SVCM__ENUM)
#undef SVCM__ENUM
} svcm_status;

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
    size_t index;      /**< record (or line) at fault, or SVCM_NO_INDEX */
    const char *field; /**< field at fault: a static string, or NULL */
    char message[128]; /**< NUL-terminated explanation, never truncated mid-UTF-8 */
} svcm_error;

/**
 * @brief Reset an error to "no error" (code 0, index SVCM_NO_INDEX).
 * @param err may be NULL (no-op).
 * @par Thread safety: safe; touches only @p err.
 * @since 0.1
 */
SVCM_API void svcm_error_clear(svcm_error *err);

/**
 * @brief A caller-supplied allocator (all three functions required).
 *
 * `realloc(ctx, NULL, n)` must behave like `alloc(ctx, n)`; `free(ctx, NULL)`
 * must be a no-op. Functions may be called from whatever thread uses the
 * object that holds the allocator.
 */
typedef struct svcm_allocator {
    void *(*alloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *ptr, size_t size);
    void (*free)(void *ctx, void *ptr);
    void *ctx; /**< passed back to each function */
} svcm_allocator;

/**
 * @brief The library version as a string, e.g. "0.1.0".
 * @return a static string, never NULL.
 * @par Thread safety: safe from any thread.
 * @since 0.1
 */
SVCM_API const char *svcm_version(void);

/**
 * @brief The library version as SVCM_VERSION_HEX of the built library.
 * @par Thread safety: safe from any thread.
 * @since 0.1
 */
SVCM_API unsigned svcm_version_number(void);

#ifdef __cplusplus
}
#endif

#endif /* SVCM_COMMON_H */
