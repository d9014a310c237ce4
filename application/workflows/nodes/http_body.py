"""Encodes the http-request node's body as Dify's node data describes it. Files (form-data file fields and
binary bodies) arrive already loaded, as `Attachments`: reading them needs the file store, which is the
executor's business."""

import json
import secrets
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from domain.workflows.nodes import NodeFailed
from domain.workflows.variables import VariablePool

# One loaded file: (filename, bytes, MIME type).
Attachment = tuple[str, bytes, str]
# The files of the body's items, by the item's position in the body's data.
Attachments = Mapping[int, list[Attachment]]


def file_selectors(body: Mapping[str, Any] | None) -> dict[int, list[str]]:
    """The variable each file item of a form-data or binary body names (Dify's `file` selector)."""
    kind = str((body or {}).get("type") or "none")
    data = (body or {}).get("data")
    if kind not in ("form-data", "binary") or not isinstance(data, list):
        return {}
    return {
        index: [str(part) for part in item["file"]]
        for index, item in enumerate(data)
        if isinstance(item, Mapping) and (item.get("type") == "file" or kind == "binary") and item.get("file")
    }


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
        (pool.render(str(item.get("key") or "")), pool.render(str(item.get("value") or "")), item | {"index": i})
        for i, item in enumerate(data or [])
        if item.get("key")
    ]


def _text(data: Any, pool: VariablePool) -> str:
    if isinstance(data, str):
        return pool.render(data)
    return pool.render(str((data or [{}])[0].get("value") or "")) if data else ""


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _multipart(fields: list[tuple[str, str, Mapping[str, Any]]], attachments: Attachments) -> tuple[bytes, str]:
    """multipart/form-data (RFC 7578): a text part per text field, a part per file of a file field (a field
    naming a list of files sends each under the same name, as browsers do); a file field whose variable
    holds no file sends nothing."""
    boundary = "----weir" + secrets.token_hex(12)
    parts = []
    for key, value, item in fields:
        name = _quoted(key)
        if item.get("type") != "file":
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
            continue
        for filename, content, mime in attachments.get(item["index"], []):
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{_quoted(filename)}"\r\n'
                f"Content-Type: {mime or 'application/octet-stream'}\r\n\r\n"
            )
            parts.append(head.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# Makes a value of a broken JSON text (Dify repairs JSON bodies with the json_repair library); the adapter
# lives in adapters/workflow/json_repair.py. Returns what it could make of the text ("" when nothing).
JsonRepair = Callable[[str], Any]


def _json_text(text: str, repair: JsonRepair | None) -> str:
    """The JSON body to send. A valid body goes as written. Otherwise it is parsed as Dify parses it: raw
    newlines inside strings are allowed (an LLM's text dropped into "{{#llm.text#}}" has them), then the text
    is repaired (a missing comma, an unquoted id, a trailing comma), and the result is sent re-encoded (compact,
    as Dify's HTTP client encodes JSON). Only a
    body nothing can be made of fails the node."""
    if not text.strip():
        return text
    try:
        json.loads(text)
        return text
    except json.JSONDecodeError as error:
        problem = error
    try:
        return json.dumps(json.loads(text, strict=False), ensure_ascii=False, separators=(",", ":"))
    except json.JSONDecodeError:
        pass
    repaired = repair(text) if repair is not None else None
    if not isinstance(repaired, (dict, list)):  # prose, not a broken object or array
        raise NodeFailed(f"Invalid JSON body: {problem}")
    return json.dumps(repaired, ensure_ascii=False, separators=(",", ":"))


def encode_body(
    body: Mapping[str, Any] | None,
    pool: VariablePool,
    attachments: Attachments | None = None,
    repair: JsonRepair | None = None,
) -> tuple[bytes | None, str | None]:
    """(bytes, content type) for the node's body; (None, None) for none."""
    attachments = attachments or {}
    kind = str((body or {}).get("type") or "none")
    data = (body or {}).get("data")
    if kind == "none":
        return None, None
    if kind == "json":
        return _json_text(_text(data, pool), repair).encode(), CONTENT_TYPES[kind]
    if kind == "raw-text":
        return _text(data, pool).encode(), CONTENT_TYPES[kind]
    if kind == "x-www-form-urlencoded":
        pairs = [(key, value) for key, value, _ in _fields(data, pool)]
        return urlencode(pairs).encode(), CONTENT_TYPES[kind]
    if kind == "form-data":
        return _multipart(_fields(data, pool), attachments)
    if kind == "binary":
        files = [file for loaded in attachments.values() for file in loaded]
        if not files:
            raise NodeFailed("The binary body names no file (or its variable holds none)")
        _, content, mime = files[0]
        return content, mime or "application/octet-stream"
    raise NodeFailed(f"Unknown body type: {kind}")
