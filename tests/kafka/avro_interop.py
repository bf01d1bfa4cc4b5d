#!/usr/bin/python3
"""Apache Avro's Python library (Debian's python3-avro) as the independent implementation the
Avro tests compare watchpost with (tests/integration/kafka_avro_test.cpp).

  encode --schema FILE [--framing confluent --id N | --framing plain]
      stdin: results in watchpost's JSON form (docs/result-format.md), one per line
      stdout: the Kafka message for each, base64, one per line
  encode-target --schema FILE [--framing confluent --id N | --framing plain]
      stdin: target records as JSON, one per line; stdout: the Kafka message for each, base64
  decode [--schema FILE | --registry URL] [--framing confluent|plain] [--raw]
      stdin: Kafka messages, base64, one per line
      stdout: each decoded into watchpost's JSON form (--raw: the record as Python reads it),
      one per line
"""
import argparse
import base64
import datetime
import io
import json
import struct
import sys
import urllib.request

import avro.io
import avro.schema

UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def format_time(value):
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_record(result, field_names):
    """watchpost's JSON form -> an Avro record of the result schema."""
    timings = result.get("timings_us") or {}
    record = {
        "result_id": result["result_id"],
        "target_id": result["target_id"],
        "pipeline": result.get("pipeline", ""),
        "url": result.get("url", ""),
        "node": result.get("node", ""),
        "labels": result.get("labels", {}),
        "scheduled_at": parse_time(result["scheduled_at"]),
        "started_at": parse_time(result["started_at"]),
        "outcome": result["outcome"],
        "error_kind": result.get("error_kind"),
        "error_message": result.get("error_message"),
        "http_status": result.get("http_status"),
        "timings_us": {k: timings.get(k) for k in ("dns", "connect", "tls", "first_byte", "total")},
        "bytes_received": result.get("bytes_received", 0),
        "resolved_ip": result.get("resolved_ip"),
        "ip_family": result.get("ip_family"),
        "tls_days_left": result.get("tls_days_left"),
        "attempts": result.get("attempts", 1),
        "redirects": result.get("redirects", 0),
        "verdicts": result.get("verdicts", []),
        "region": result.get("region"),
        "maintenance_window": result.get("maintenance_window"),
    }
    return {k: v for k, v in record.items() if k in field_names}


def to_result(record):
    """An Avro record -> watchpost's JSON form, key for key."""
    result = {"schema_version": 1}
    for key, value in record.items():
        if isinstance(value, datetime.datetime):
            value = format_time(value)
        if key in ("region", "maintenance_window") and value is None:
            continue  # the JSON form leaves an absent region (or window) out
        if key == "maintenance_window":
            result["in_maintenance"] = True
        result[key] = value
    return result


def registry_schema(url, schema_id):
    with urllib.request.urlopen(f"{url}/schemas/ids/{schema_id}", timeout=10) as reply:
        return avro.schema.parse(json.load(reply)["schema"])


def encode(args):
    schema = avro.schema.parse(open(args.schema).read())
    names = {f.name for f in schema.fields}
    writer = avro.io.DatumWriter(schema)
    for line in sys.stdin:
        if not line.strip():
            continue
        out = io.BytesIO()
        if args.framing == "confluent":
            out.write(struct.pack(">bI", 0, args.id))
        writer.write(to_record(json.loads(line), names), avro.io.BinaryEncoder(out))
        print(base64.b64encode(out.getvalue()).decode())


def encode_target(args):
    schema = avro.schema.parse(open(args.schema).read())
    names = [f.name for f in schema.fields]
    writer = avro.io.DatumWriter(schema)
    for line in sys.stdin:
        if not line.strip():
            continue
        given = json.loads(line)
        record = {name: given.get(name) for name in names}
        for name in ("labels", "options"):
            record[name] = record[name] or {}
        out = io.BytesIO()
        if args.framing == "confluent":
            out.write(struct.pack(">bI", 0, args.id))
        writer.write(record, avro.io.BinaryEncoder(out))
        print(base64.b64encode(out.getvalue()).decode())


def decode(args):
    fixed = avro.schema.parse(open(args.schema).read()) if args.schema else None
    schemas = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        data = base64.b64decode(line)
        schema = fixed
        if args.framing == "confluent":
            magic, schema_id = struct.unpack(">bI", data[:5])
            assert magic == 0, "not Confluent-framed"
            data = data[5:]
            if args.registry:
                if schema_id not in schemas:
                    schemas[schema_id] = registry_schema(args.registry, schema_id)
                schema = schemas[schema_id]
        record = avro.io.DatumReader(schema, schema).read(avro.io.BinaryDecoder(io.BytesIO(data)))
        print(json.dumps(record if args.raw else to_result(record)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["encode", "encode-target", "decode"])
    parser.add_argument("--schema")
    parser.add_argument("--registry")
    parser.add_argument("--framing", choices=["confluent", "plain"], default="confluent")
    parser.add_argument("--id", type=int, default=0)
    parser.add_argument("--raw", action="store_true")
    args = parser.parse_args()
    {"encode": encode, "encode-target": encode_target, "decode": decode}[args.command](args)


if __name__ == "__main__":
    main()
