#!/usr/bin/python3
"""A minimal schema registry for the Avro tests: the endpoints of Confluent Schema Registry's
REST protocol that watchpost uses, over plain HTTP/JSON. It stands in for Confluent's registry
or Karapace, which are not packaged for Debian.

  POST /subjects/{subject}/versions  {"schema": "..."} -> {"id": N} (the same schema, the same id)
  GET  /schemas/ids/{id}            -> {"schema": "..."} or 404 with error_code 40403
  GET  /subjects                    -> ["subject", ...]

Listens on 127.0.0.1 (the port given, or a free one) and prints "listening PORT" when ready.
"""
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
schemas = []     # id - 1 -> schema text
subjects = {}    # subject -> [ids]


def canonical(text):
    return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))


class Registry(BaseHTTPRequestHandler):
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        parts = urllib.parse.unquote(self.path).strip("/").split("/")
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if len(parts) != 3 or parts[0] != "subjects" or parts[2] != "versions":
            return self.reply(404, {"error_code": 404, "message": "not found"})
        try:
            schema = json.loads(body)["schema"]
            key = canonical(schema)
        except (ValueError, KeyError, TypeError):
            return self.reply(422, {"error_code": 42201, "message": "Invalid schema"})
        with lock:
            known = [i for i, s in enumerate(schemas) if canonical(s) == key]
            if known:
                schema_id = known[0] + 1
            else:
                schemas.append(schema)
                schema_id = len(schemas)
            ids = subjects.setdefault(parts[1], [])
            if schema_id not in ids:
                ids.append(schema_id)
        self.reply(200, {"id": schema_id})

    def do_GET(self):
        parts = self.path.strip("/").split("/")
        with lock:
            if parts == ["subjects"]:
                return self.reply(200, sorted(subjects))
            if len(parts) == 3 and parts[:2] == ["schemas", "ids"] and parts[2].isdigit():
                schema_id = int(parts[2])
                if 1 <= schema_id <= len(schemas):
                    return self.reply(200, {"schema": schemas[schema_id - 1]})
                return self.reply(404, {"error_code": 40403, "message": "Schema not found"})
        self.reply(404, {"error_code": 404, "message": "not found"})

    def log_message(self, *args):
        pass


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Registry)
    print("listening", server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
