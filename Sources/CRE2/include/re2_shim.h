#ifndef TATTLE_RE2_SHIM_H
#define TATTLE_RE2_SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An compiled RE2 pattern. Immutable after creation; RE2 documents its objects as safe to match
/// from several threads at once.
typedef struct tattle_re2 tattle_re2;

/// Compiles `pattern` (UTF-8, `length` bytes). On failure returns NULL and copies RE2's message,
/// NUL-terminated and cut to fit, into `error`.
tattle_re2 *tattle_re2_compile(const char *pattern, size_t length, char *error, size_t error_capacity);

/// 1 when `text` (UTF-8, `length` bytes) contains a match anywhere, else 0. Runs in time linear in
/// the input: RE2 never backtracks.
int tattle_re2_search(const tattle_re2 *regex, const char *text, size_t length);

/// Frees a pattern returned by `tattle_re2_compile`.
void tattle_re2_free(tattle_re2 *regex);

#ifdef __cplusplus
}
#endif

#endif
