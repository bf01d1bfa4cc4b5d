// Hiding secrets that ride inside URLs before a URL is shown, logged or stored. The check
// itself still uses the real URL; only what people and databases see is redacted.
//   https://user:pass@host/p?token=abc&page=2  →  https://***@host/p?token=***&page=2
// Header-only, so plugins use the same rule as the core.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace watchpost {

// Query parameters whose values are hidden by default: a name that contains one of these,
// in any case (access_token, apiKey, X-Amz-Signature...).
inline const std::vector<std::string>& default_secret_params() {
  static const std::vector<std::string> names = {"token", "key", "password", "passwd", "secret", "sig", "auth"};
  return names;
}

inline bool is_secret_param(std::string_view name, const std::vector<std::string>& secret_params) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (auto& s : secret_params)
    if (!s.empty() && lower.find(s) != std::string::npos) return true;
  return false;
}

inline std::string redact_url(std::string_view url,
                              const std::vector<std::string>& secret_params = default_secret_params()) {
  std::string out;
  out.reserve(url.size());
  size_t scheme = url.find("://");
  size_t authority = scheme == std::string_view::npos ? 0 : scheme + 3;
  size_t authority_end = url.find_first_of("/?#", authority);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  size_t at = url.substr(0, authority_end).rfind('@');
  if (at != std::string_view::npos && at >= authority) {
    out.append(url.substr(0, authority));
    out.append("***");
    out.append(url.substr(at, authority_end - at));
  } else {
    out.append(url.substr(0, authority_end));
  }
  std::string_view rest = url.substr(authority_end);
  size_t q = rest.find('?');
  if (q == std::string_view::npos) return out.append(rest);
  size_t hash = rest.find('#', q);
  std::string_view query = rest.substr(q + 1, hash == std::string_view::npos ? std::string_view::npos : hash - q - 1);
  out.append(rest.substr(0, q + 1));
  for (size_t start = 0; start <= query.size();) {
    size_t amp = query.find('&', start);
    std::string_view pair = query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && is_secret_param(pair.substr(0, eq), secret_params)) {
      out.append(pair.substr(0, eq + 1));
      out.append("***");
    } else {
      out.append(pair);
    }
    if (amp == std::string_view::npos) break;
    out += '&';
    start = amp + 1;
  }
  if (hash != std::string_view::npos) out.append(rest.substr(hash));
  return out;
}

}  // namespace watchpost
