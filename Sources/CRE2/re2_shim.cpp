// A C face for the few RE2 calls Tattle needs, so Swift sees plain functions (as CCurl does for
// libcurl's variadics) instead of C++ templates and StringPiece.
#include "re2_shim.h"

#include <re2/re2.h>

#include <cstring>
#include <new>

struct tattle_re2 {
    re2::RE2 regex;
    explicit tattle_re2(re2::StringPiece pattern, const re2::RE2::Options &options) : regex(pattern, options) {}
};

tattle_re2 *tattle_re2_compile(const char *pattern, size_t length, char *error, size_t error_capacity) {
    re2::RE2::Options options;
    options.set_log_errors(false);  // RE2 would print refusals to stderr; the caller reports them
    options.set_encoding(re2::RE2::Options::EncodingUTF8);
    tattle_re2 *compiled = new (std::nothrow) tattle_re2(re2::StringPiece(pattern, length), options);
    if (compiled == nullptr) {
        if (error_capacity > 0) std::strncpy(error, "out of memory", error_capacity - 1), error[error_capacity - 1] = 0;
        return nullptr;
    }
    if (!compiled->regex.ok()) {
        if (error_capacity > 0) {
            std::strncpy(error, compiled->regex.error().c_str(), error_capacity - 1);
            error[error_capacity - 1] = 0;
        }
        delete compiled;
        return nullptr;
    }
    return compiled;
}

int tattle_re2_search(const tattle_re2 *regex, const char *text, size_t length) {
    return re2::RE2::PartialMatch(re2::StringPiece(text, length), regex->regex) ? 1 : 0;
}

void tattle_re2_free(tattle_re2 *regex) { delete regex; }
