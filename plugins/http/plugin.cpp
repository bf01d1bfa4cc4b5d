// Entry point of the http plugin library: exports the probe through the SDK macro.
#include "http_probe.hpp"

WATCHPOST_PLUGIN("http", "0.1.0", "HTTP(S) checks via libcurl: status, timings, TLS expiry, body for evaluators",
                 watchpost::http::HttpProbe)
