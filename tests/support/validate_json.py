"""Validates JSON documents against a JSON Schema with the jsonschema package (Debian's
python3-jsonschema). Prints one line per file: "valid" or "invalid: reason"."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
for path in sys.argv[2:]:
    try:
        doc = json.load(open(path))
    except ValueError as e:
        print("invalid: not JSON: %s" % e)
        continue
    errors = list(validator.iter_errors(doc))
    print("valid" if not errors else "invalid: " + errors[0].message.replace("\n", " "))
