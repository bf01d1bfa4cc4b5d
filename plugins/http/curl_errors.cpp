#include "curl_errors.hpp"

#include <watchpost/plugin_api.h>

namespace watchpost::http {

int32_t error_kind_for(CURLcode code, bool resolved) {
  switch (code) {
    case CURLE_OK: return WP_ERR_NONE;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return WP_ERR_DNS;
    case CURLE_COULDNT_CONNECT: return WP_ERR_CONNECT;
    case CURLE_OPERATION_TIMEDOUT: return resolved ? WP_ERR_TIMEOUT : WP_ERR_DNS;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED: return WP_ERR_TLS;
    case CURLE_TOO_MANY_REDIRECTS: return WP_ERR_REDIRECTS;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING: return WP_ERR_RECV;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_UNSUPPORTED_PROTOCOL: return WP_ERR_PROTOCOL;
    default: return WP_ERR_PROBE;
  }
}

}  // namespace watchpost::http
