"""The HTTP request one custom-tool call becomes: parameters placed where the schema says, auth applied
as the provider's credentials say (none, api key in a header or the query, bearer)."""

import base64
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from domain.tools.errors import ToolParameterError
from domain.tools.openapi import ApiOperation
from domain.workflows.http import OutgoingRequest

AUTH_TYPES = ("none", "api_key", "api_key_header", "api_key_query", "bearer")


def auth_placement(credentials: Mapping[str, Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(headers, query parameters) the credentials add. Dify's `api_key` is a header; its prefix is
    `api_key_header_prefix`: basic (base64 of the key unless already encoded), bearer or custom (none)."""
    auth = str(credentials.get("auth_type") or "none")
    key = str(credentials.get("api_key_value") or "")
    if auth in ("api_key", "api_key_header"):
        header = str(credentials.get("api_key_header") or "Authorization")
        prefix = str(credentials.get("api_key_header_prefix") or "custom")
        if prefix == "bearer":
            key = f"Bearer {key}"
        elif prefix == "basic":
            key = f"Basic {base64.b64encode(key.encode()).decode() if ':' in key else key}"
        return [(header, key)], []
    if auth == "api_key_query":
        return [], [(str(credentials.get("api_key_query_param") or "key"), key)]
    if auth == "bearer":
        return [("Authorization", f"Bearer {key}")], []
    return [], []


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def build_request(
    operation: ApiOperation, parameters: Mapping[str, Any], credentials: Mapping[str, Any]
) -> OutgoingRequest:
    path = operation.path
    query: list[tuple[str, str]] = []
    headers: list[tuple[str, str]] = [("User-Agent", "weir-tools")]
    body: dict[str, Any] = {}
    declared = {p.name for p in operation.parameters}
    for parameter in operation.parameters:
        if parameter.name not in parameters or parameters[parameter.name] is None:
            if parameter.location == "path":
                raise ToolParameterError(f"Tool parameter {parameter.name} is required.", param=parameter.name)
            continue
        value = parameters[parameter.name]
        match parameter.location:
            case "path":
                path = path.replace("{" + parameter.name + "}", quote(_text(value), safe=""))
            case "query":
                query.append((parameter.name, _text(value)))
            case "header":
                headers.append((parameter.name, _text(value)))
            case "cookie":
                headers.append(("Cookie", f"{parameter.name}={_text(value)}"))
            case _:
                body[parameter.name] = value
    if operation.body_type:  # undeclared values go in the body, as an LLM may send more than declared
        body.update({k: v for k, v in parameters.items() if k not in declared})
    auth_headers, auth_query = auth_placement(credentials)
    headers += auth_headers
    query += auth_query
    url = operation.server_url + path + (f"?{urlencode(query)}" if query else "")
    payload: bytes | None = None
    if operation.body_type:
        if "form" in operation.body_type:
            payload = urlencode({k: _text(v) for k, v in body.items()}).encode()
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        else:
            payload = json.dumps(body, ensure_ascii=False).encode()
            headers.append(("Content-Type", "application/json"))
    return OutgoingRequest(method=operation.method, url=url, headers=tuple(headers), body=payload)
