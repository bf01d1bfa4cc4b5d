// The web page (server/web, built into the binary): the dashboard at /, public status pages at
// /status/SLUG, their files at /assets/NAME. Public routes: the page signs in through the API.
// The content security policy allows scripts and styles from this server only.
#include "api_service.hpp"
#include "web_assets.hpp"

namespace watchpost::api {

namespace {

ApiResponse file(const std::string& name, bool framable) {
  auto it = web_assets().find(name);
  if (it == web_assets().end()) throw ApiError(404, "no such file");
  ApiResponse r;
  r.content_type = it->second.first;
  r.body = it->second.second;
  r.headers.emplace_back("Content-Security-Policy", std::string("default-src 'self'; object-src 'none'; base-uri 'none'") +
                                                        (framable ? "" : "; frame-ancestors 'none'"));
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

}  // namespace

void add_web_routes(Router& router, const ApiService&) {
  router.add("GET", "/", [](Context&) { return file("index.html", false); }, true);
  // A status page may be embedded in another site.
  router.add("GET", "/status/{slug}", [](Context&) { return file("status.html", true); }, true);
  router.add("GET", "/assets/{name}", [](Context& ctx) {
    const std::string& name = ctx.param("name");
    if (name.find(".html") != std::string::npos) throw ApiError(404, "no such file");
    return file(name, false);
  }, true);
}

}  // namespace watchpost::api
