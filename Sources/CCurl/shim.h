#ifndef TATTLE_CCURL_SHIM_H
#define TATTLE_CCURL_SHIM_H
#include <curl/curl.h>

/*
 * Fixed-argument wrappers for libcurl's variadic entry points, which Swift cannot call.
 * Each wrapper forwards exactly one argument of the type the option expects.
 */

typedef size_t (*tattle_curl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*tattle_curl_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
                                             curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode tattle_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tattle_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tattle_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tattle_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tattle_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tattle_setopt_write_function(CURL *handle, tattle_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

static inline CURLcode tattle_setopt_header_function(CURL *handle, tattle_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

static inline CURLcode tattle_setopt_read_function(CURL *handle, tattle_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}

static inline CURLcode tattle_setopt_xferinfo_function(CURL *handle, tattle_curl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

static inline CURLcode tattle_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode tattle_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode tattle_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode tattle_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode tattle_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

/* Initialises libcurl's global state (SSL included); call once before any handle is made. */
static inline CURLcode tattle_global_init(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}

/* The error buffer size libcurl requires for CURLOPT_ERRORBUFFER (a macro Swift cannot see as a constant). */
static const int tattle_curl_error_size = CURL_ERROR_SIZE;

#endif
