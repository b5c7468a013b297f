"""Writes the JSON Schema (draft-07) of one OCSF event class from a compiled OCSF schema.

The compiled schema is what the OCSF project's own library makes of its schema repository:

    pip install ocsf-lib==0.10.4
    git clone https://github.com/ocsf/ocsf-schema && git -C ocsf-schema checkout 1.8.0
    python -m ocsf.compile ocsf-schema > ocsf-1.8.0.json
    python json_schema.py ocsf-1.8.0.json vulnerability_finding cloud \
        > vulnerability_finding-1.8.0.schema.json

Every attribute the class and the objects it reaches define is a property with its OCSF type
(strings with the type's pattern and length, integers with the type's range, enumerated `_id`
integers with their listed values), `required` from the attributes whose requirement is
`required`, the objects' `at_least_one` and `just_one` constraints, and no property beyond them
(`additionalProperties: false`), but in `object`/`json` attributes such as `unmapped`.
Attributes of profiles other than those named are left out, as an event that does not apply
them must not carry them.
"""

import json
import sys


def main() -> None:
    compiled_path, class_name, *profiles = sys.argv[1:]
    with open(compiled_path, encoding="utf-8") as file:
        schema = json.load(file)
    types = schema["types"]
    objects = schema["objects"]
    definitions: dict = {}

    def base_type(name: str) -> tuple[str, dict]:
        """The JSON type of an OCSF scalar type, and its constraints."""
        spec = types[name]
        constraints = {}
        if spec.get("regex"):
            constraints["pattern"] = spec["regex"]
        if spec.get("max_len"):
            constraints["maxLength"] = spec["max_len"]
        if spec.get("range"):
            constraints["minimum"], constraints["maximum"] = spec["range"]
        parent = spec.get("type")
        if parent:
            json_type, inherited = base_type(parent)
            return json_type, {**inherited, **constraints}
        return {
            "string_t": "string",
            "integer_t": "integer",
            "long_t": "integer",
            "float_t": "number",
            "boolean_t": "boolean",
            "json_t": "any",
        }[name], constraints

    def attribute(spec: dict) -> dict:
        type_name = spec["type"]
        if type_name == "object_t" or type_name == "object":
            item = {"type": "object"}
        elif type_name in types:
            json_type, constraints = base_type(type_name)
            item = {} if json_type == "any" else {"type": json_type, **constraints}
            if spec.get("enum") and json_type == "integer":
                item["enum"] = sorted(int(key) for key in spec["enum"])
            elif spec.get("enum") and json_type == "string":
                item["enum"] = sorted(spec["enum"])
        else:
            define(type_name)
            item = {"$ref": f"#/definitions/{type_name}"}
        if spec.get("is_array"):
            return {"type": "array", "items": item}
        return item

    def properties(attributes: dict) -> tuple[dict, list]:
        props, required = {}, []
        for name, spec in sorted(attributes.items()):
            if spec.get("profile") and spec["profile"] not in profiles:
                continue
            props[name] = attribute(spec)
            if spec.get("requirement") == "required":
                required.append(name)
        return props, required

    def with_constraints(body: dict, constraints: dict | None) -> dict:
        for kind, names in (constraints or {}).items():
            present = [name for name in names if name in body["properties"]]
            alternatives = [{"required": [name]} for name in present]
            if not alternatives:
                # Every attribute named belongs to a profile not applied.
                continue
            if kind == "at_least_one":
                body["anyOf"] = alternatives
            elif kind == "just_one":
                body["oneOf"] = alternatives
        return body

    def define(name: str) -> None:
        if name in definitions:
            return
        definitions[name] = {}  # recursion guard
        spec = objects[name]
        props, required = properties(spec["attributes"])
        body = {
            "title": spec.get("caption", name),
            "type": "object",
            "properties": props,
            "additionalProperties": False,
        }
        if required:
            body["required"] = required
        definitions[name] = with_constraints(body, spec.get("constraints"))

    event = schema["classes"][class_name]
    props, required = properties(event["attributes"])
    document = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": f"https://schema.ocsf.io/{schema['version']}/classes/{class_name}",
        "title": f"OCSF {schema['version']} {event['caption']} ({event['uid']})"
        + (f", profiles {', '.join(profiles)}" if profiles else ""),
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }
    document["properties"]["class_uid"]["enum"] = [event["uid"]]
    document = with_constraints(document, event.get("constraints"))
    document["definitions"] = dict(sorted(definitions.items()))
    json.dump(document, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
