// libcurl's result codes mapped onto watchpost's closed list of error kinds.
#pragma once

#include <curl/curl.h>

#include <cstdint>

namespace watchpost::http {

// `resolved` says whether name resolution finished: a timeout before it is a DNS failure.
int32_t error_kind_for(CURLcode code, bool resolved);

}  // namespace watchpost::http
