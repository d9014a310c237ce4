"""Custom tools from an OpenAPI 3 or Swagger 2 document: one tool per operation, its parameters from the
path, query, headers and the JSON body. Pure: the document is already decoded (JSON or YAML)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.tools.entities import ParameterForm, ParameterOption, ParameterType, Tool, ToolParameter
from domain.tools.errors import ToolSchemaInvalid

METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
_TYPES = {
    "integer": ParameterType.NUMBER,
    "number": ParameterType.NUMBER,
    "boolean": ParameterType.BOOLEAN,
    "object": ParameterType.OBJECT,
    "array": ParameterType.ARRAY,
}


@dataclass(frozen=True, slots=True)
class ApiParameter:
    name: str
    location: str  # path | query | header | cookie | body
    required: bool = False
    schema_type: str = "string"
    description: str = ""
    default: Any = None
    enum: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ApiOperation:
    name: str
    method: str
    server_url: str
    path: str
    summary: str = ""
    parameters: tuple[ApiParameter, ...] = ()
    body_type: str = ""  # the request body's content type, "" when it has none

    def tool(self) -> Tool:
        return Tool(
            name=self.name,
            label=self.name,
            description=self.summary,
            parameters=tuple(_tool_parameter(p) for p in self.parameters),
        )


@dataclass(frozen=True, slots=True)
class ApiSchema:
    schema_type: str  # openapi | swagger
    operations: tuple[ApiOperation, ...]
    title: str = ""
    description: str = ""


def _tool_parameter(parameter: ApiParameter) -> ToolParameter:
    kind = ParameterType.SELECT if parameter.enum else _TYPES.get(parameter.schema_type, ParameterType.STRING)
    return ToolParameter(
        name=parameter.name,
        type=kind,
        form=ParameterForm.LLM,
        required=parameter.required,
        label=parameter.name,
        human_description=parameter.description,
        llm_description=parameter.description,
        default=parameter.default,
        options=tuple(ParameterOption(v, v) for v in parameter.enum),
    )


def _resolve(document: Mapping[str, Any], node: Any, depth: int = 0) -> Any:
    """`$ref`s within the document (`#/components/schemas/X`, `#/definitions/X`), followed a few levels deep."""
    while isinstance(node, Mapping) and "$ref" in node and depth < 10:
        ref = str(node["$ref"])
        if not ref.startswith("#/"):
            raise ToolSchemaInvalid(f"Only local $ref are supported: {ref}", param="schema")
        target: Any = document
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, Mapping) else None
        if target is None:
            raise ToolSchemaInvalid(f"Unresolved $ref: {ref}", param="schema")
        node, depth = target, depth + 1
    return node


def _operation_name(method: str, path: str, operation: Mapping[str, Any]) -> str:
    if operation.get("operationId"):
        return str(operation["operationId"])
    slug = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_")
    return f"{method}_{slug}" if slug else method


def _parameter(document: Mapping[str, Any], raw: Any) -> ApiParameter | None:
    raw = _resolve(document, raw)
    if not isinstance(raw, Mapping) or not raw.get("name"):
        return None
    schema = _resolve(document, raw.get("schema") or raw)  # Swagger 2 puts type on the parameter itself
    location = str(raw.get("in") or "query")
    return ApiParameter(
        name=str(raw["name"]),
        location="body" if location == "formData" else location,
        required=bool(raw.get("required")) or location == "path",
        schema_type=str(schema.get("type") or "string"),
        description=str(raw.get("description") or schema.get("description") or ""),
        default=schema.get("default"),
        enum=tuple(str(v) for v in schema.get("enum") or ()),
    )


def _body_parameters(document: Mapping[str, Any], schema: Any) -> list[ApiParameter]:
    schema = _resolve(document, schema)
    if not isinstance(schema, Mapping):
        return []
    required = set(schema.get("required") or ())
    parameters = []
    for name, prop in (schema.get("properties") or {}).items():
        prop = _resolve(document, prop) if isinstance(prop, Mapping) else {}
        parameters.append(
            ApiParameter(
                name=str(name),
                location="body",
                required=name in required,
                schema_type=str(prop.get("type") or "string"),
                description=str(prop.get("description") or ""),
                default=prop.get("default"),
                enum=tuple(str(v) for v in prop.get("enum") or ()),
            )
        )
    return parameters


def _server(document: Mapping[str, Any]) -> str:
    if "swagger" in document:
        host = str(document.get("host") or "")
        scheme = (document.get("schemes") or ["https"])[0]
        base = str(document.get("basePath") or "")
        return f"{scheme}://{host}{base}".rstrip("/") if host else base.rstrip("/")
    servers = document.get("servers") or []
    return str((servers[0] or {}).get("url") or "").rstrip("/") if servers else ""


def parse_schema(document: Any) -> ApiSchema:
    """Every operation of the document as a tool. Raises ToolSchemaInvalid for a document that is not OpenAPI 3
    or Swagger 2, names no server, or has no operation."""
    if not isinstance(document, Mapping) or not ("openapi" in document or "swagger" in document):
        raise ToolSchemaInvalid("The schema is neither OpenAPI 3 nor Swagger 2.", param="schema")
    server = _server(document)
    if not server.startswith(("http://", "https://")):
        raise ToolSchemaInvalid("The schema names no server URL (servers[0].url or host).", param="schema")
    operations: list[ApiOperation] = []
    for path, item in (document.get("paths") or {}).items():
        item = _resolve(document, item)
        if not isinstance(item, Mapping):
            continue
        shared = list(item.get("parameters") or [])
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, Mapping):
                continue
            parameters = [
                p for p in (_parameter(document, r) for r in shared + list(operation.get("parameters") or [])) if p
            ]
            swagger_body = next((p for p in parameters if p.location == "body" and p.schema_type == "object"), None)
            body_type = ""
            if "requestBody" in operation:
                content = (_resolve(document, operation["requestBody"]) or {}).get("content") or {}
                body_type = next(iter(content), "application/json")
                parameters += _body_parameters(document, (content.get(body_type) or {}).get("schema"))
            elif swagger_body is not None or any(p.location == "body" for p in parameters):
                body_type = "application/json"
                if swagger_body is not None:
                    raw = next(
                        r for r in operation.get("parameters") or [] if _resolve(document, r).get("in") == "body"
                    )
                    parameters = [p for p in parameters if p is not swagger_body]
                    parameters += _body_parameters(document, _resolve(document, raw).get("schema"))
            seen: dict[str, ApiParameter] = {p.name: p for p in parameters}
            operations.append(
                ApiOperation(
                    name=_operation_name(method, path, operation),
                    method=method.upper(),
                    server_url=server,
                    path=path,
                    summary=str(operation.get("summary") or operation.get("description") or ""),
                    parameters=tuple(seen.values()),
                    body_type=body_type,
                )
            )
    if not operations:
        raise ToolSchemaInvalid("The schema has no operations.", param="schema")
    info = document.get("info") or {}
    return ApiSchema(
        schema_type="swagger" if "swagger" in document else "openapi",
        operations=tuple(operations),
        title=str(info.get("title") or ""),
        description=str(info.get("description") or ""),
    )
