#ifndef TATTLE_CCURL_SHIM_H
#define TATTLE_CCURL_SHIM_H
#include <curl/curl.h>
#endif
