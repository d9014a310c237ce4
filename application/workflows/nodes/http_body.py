"""Encodes the http-request node's body as Dify's node data describes it (text parts only)."""

import json
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from json_repair import repair_json

from domain.workflows.nodes import NodeFailed
from domain.workflows.variables import VariablePool

CONTENT_TYPES = {
    "json": "application/json",
    "x-www-form-urlencoded": "application/x-www-form-urlencoded",
    "raw-text": "text/plain",
}


def kv_lines(text: str) -> list[tuple[str, str]]:
    """Dify's "key:value" lines (headers, params, legacy form bodies); lines without a key are ignored."""
    pairs = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip():
            pairs.append((key.strip(), value.strip()))
    return pairs


def _fields(data: Any, pool: VariablePool) -> list[tuple[str, str, Mapping[str, Any]]]:
    if isinstance(data, str):
        return [(k, v, {"type": "text"}) for k, v in kv_lines(pool.render(data))]
    return [
        (pool.render(str(item.get("key") or "")), pool.render(str(item.get("value") or "")), item)
        for item in data or []
        if item.get("key")
    ]


def _text(data: Any, pool: VariablePool) -> str:
    if isinstance(data, str):
        return pool.render(data)
    return pool.render(str((data or [{}])[0].get("value") or "")) if data else ""


def _multipart(fields: list[tuple[str, str, Mapping[str, Any]]]) -> tuple[bytes, str]:
    boundary = "----weir" + secrets.token_hex(12)
    parts = []
    for key, value, item in fields:
        if item.get("type") == "file":
            raise NodeFailed("File fields in form-data bodies are not supported by weir yet")
        name = key.replace('"', "%22")
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _json_text(text: str) -> str:
    """The JSON body to send. A valid body goes as written. Otherwise it is parsed as Dify parses it: raw
    newlines inside strings are allowed (an LLM's text dropped into "{{#llm.text#}}" has them), then the text
    is repaired (a missing comma, an unquoted id, a trailing comma), and the result is sent re-encoded. Only a
    body nothing can be made of fails the node."""
    if not text.strip():
        return text
    try:
        json.loads(text)
        return text
    except json.JSONDecodeError as error:
        problem = error
    try:
        return json.dumps(json.loads(text, strict=False), ensure_ascii=False)
    except json.JSONDecodeError:
        pass
    repaired = repair_json(text, return_objects=True)
    if not isinstance(repaired, (dict, list)):  # prose, not a broken object or array
        raise NodeFailed(f"Invalid JSON body: {problem}")
    return json.dumps(repaired, ensure_ascii=False)


def encode_body(body: Mapping[str, Any] | None, pool: VariablePool) -> tuple[bytes | None, str | None]:
    """(bytes, content type) for the node's body; (None, None) for none."""
    kind = str((body or {}).get("type") or "none")
    data = (body or {}).get("data")
    if kind == "none":
        return None, None
    if kind == "json":
        return _json_text(_text(data, pool)).encode(), CONTENT_TYPES[kind]
    if kind == "raw-text":
        return _text(data, pool).encode(), CONTENT_TYPES[kind]
    if kind == "x-www-form-urlencoded":
        pairs = [(key, value) for key, value, _ in _fields(data, pool)]
        return urlencode(pairs).encode(), CONTENT_TYPES[kind]
    if kind == "form-data":
        return _multipart(_fields(data, pool))
    if kind == "binary":
        raise NodeFailed("Binary bodies are not supported by weir yet")
    raise NodeFailed(f"Unknown body type: {kind}")
