"""The demo's REST API session (docs/api.md): sign up (or log in again on a later run), add a
target through the API, and later read its statistics. Plain urllib: nothing to install.

    demo_api.py add   API_URL TARGET_URL   # sign up / log in, add the target 'api-demo'
    demo_api.py stats API_URL              # its state and its stats over the last hour
"""
import json
import sys
import urllib.error
import urllib.request

EMAIL, PASSWORD = "demo@example.com", "demo password, not a secret"


def call(method, url, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def login(api):
    status, _ = call("POST", api + "/auth/signup", {"email": EMAIL, "password": PASSWORD})
    print("  POST /auth/signup  ->", status, "(409: the account is there from an earlier run)" if status == 409 else "")
    status, body = call("POST", api + "/auth/login", {"email": EMAIL, "password": PASSWORD})
    print("  POST /auth/login   ->", status, "access token for", body["user"]["email"], "(" + body["user"]["role"] + ")")
    return body["access_token"]


def main():
    what, api = sys.argv[1], sys.argv[2].rstrip("/") + "/api/v1"
    token = login(api)
    if what == "add":
        status, body = call("POST", api + "/targets", {"id": "api-demo", "url": sys.argv[3], "interval": "2s",
                                                      "labels": {"added_by": "api"}}, token)
        print("  POST /targets      ->", status, body.get("id") if status == 201 else body.get("detail"))
        return
    status, t = call("GET", api + "/targets/api-demo", token=token)
    print("  GET /targets/api-demo        ->", status, "state:", t.get("state"), "status:", t.get("status"))
    status, s = call("GET", api + "/targets/api-demo/stats?since=1h", token=token)
    print("  GET /targets/api-demo/stats  ->", status, "checks: %s, up: %s, uptime: %s %%, p95: %s ms" % (
        s.get("checks"), s.get("up"), s.get("uptime_percent"), s["latency_ms"]["p95"]))


if __name__ == "__main__":
    main()
