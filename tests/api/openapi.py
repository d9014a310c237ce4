"""Validating responses against Dify's OpenAPI document (3.0: `nullable` becomes a JSON Schema null type)."""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "spec" / "dify-openapi-service.json"


def _nullable(node):
    if isinstance(node, dict):
        node = {k: _nullable(v) for k, v in node.items()}
        if node.pop("nullable", False) and "type" in node:
            node["type"] = [node["type"], "null"]
        return node
    if isinstance(node, list):
        return [_nullable(v) for v in node]
    return node


@cache
def _registry() -> Registry:
    spec = _nullable(json.loads(SPEC.read_text()))
    return Registry().with_resource("spec", Resource.from_contents(spec, default_specification=DRAFT202012))


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def assert_schema(instance, ref: str) -> None:
    """`ref` is a component name (`Dataset`) or `METHOD /path STATUS` for a route's response body."""
    if " " in ref:
        method, path, status = ref.split()
        pointer = _pointer("paths", path, method.lower(), "responses", status, "content", "application/json", "schema")
    else:
        pointer = _pointer("components", "schemas", ref)
    validator = Draft202012Validator({"$ref": f"spec#/{pointer}"}, registry=_registry())
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
