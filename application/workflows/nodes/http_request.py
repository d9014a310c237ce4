"""http-request: builds the request from the node's data (every string rendered with the pool), sends it
through the HttpClient port (which enforces the SSRF rules) and returns status, text body and headers; an
answer that is a file (http_answer.py) becomes a tool file in `files`, with an empty `body`, as in Dify."""

import base64
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from application.files.file_content import FileUnavailable, LoadFileContent
from application.tools.tool_files import StoreToolFiles
from application.workflows.nodes.file_reader import run_file_owner, run_file_reader
from application.workflows.nodes.http_answer import answer_file
from application.workflows.nodes.http_body import (
    Attachment,
    Attachments,
    JsonRepair,
    encode_body,
    file_selectors,
    kv_lines,
)
from domain.shared.errors import DomainError
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.entities import ToolMessage
from domain.workflows.graph import Node
from domain.workflows.http import HttpClient, HttpRequestFailed, HttpRequestRefused, HttpTimeouts, OutgoingRequest
from domain.workflows.nodes import NodeContext, NodeFailed, NodeResult
from domain.workflows.variables import VariablePool

METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
# Dify's HTTP_REQUEST_MAX_{CONNECT,READ,WRITE}_TIMEOUT: a node may ask for less, never more.
MAX_TIMEOUTS = HttpTimeouts(connect=10.0, read=60.0, write=20.0)


def auth_headers(authorization: Mapping[str, Any] | None, pool: VariablePool) -> list[tuple[str, str]]:
    if not authorization or authorization.get("type") != "api-key":
        return []
    config = authorization.get("config") or {}
    key = pool.render(str(config.get("api_key") or ""))
    header = pool.render(str(config.get("header") or "")) or "Authorization"
    match config.get("type"):
        case "bearer":
            return [(header, f"Bearer {key}")]
        case "basic":
            encoded = base64.b64encode(key.encode()).decode() if ":" in key else key
            return [(header, f"Basic {encoded}")]
        case "custom":
            return [(header, key)]
    raise NodeFailed(f"Unknown api-key authorization type: {config.get('type')}")


def _timeouts(raw: Mapping[str, Any] | None, ceiling: HttpTimeouts) -> HttpTimeouts:
    raw = raw or {}

    def pick(name: str, limit: float) -> float:
        value = raw.get(name) or raw.get(f"max_{name}_timeout")
        try:
            return min(float(value), limit) if value else limit
        except (TypeError, ValueError):
            return limit

    return HttpTimeouts(pick("connect", ceiling.connect), pick("read", ceiling.read), pick("write", ceiling.write))


def _with_params(url: str, params: list[tuple[str, str]]) -> str:
    if not params:
        return url
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


class HttpRequestExecutor:
    """Files a body sends (form-data file fields, a binary body) are read as the document extractor reads
    them: a local file only if the run may read it, a remote one fetched through the SSRF guard; without a
    file loader (`files`), a body that sends files fails the node with why."""

    def __init__(
        self,
        client: HttpClient,
        max_timeouts: HttpTimeouts = MAX_TIMEOUTS,
        *,
        uow: UnitOfWorkFactory | None = None,
        files: LoadFileContent | None = None,
        answer_files: StoreToolFiles | None = None,
        repair_json: JsonRepair | None = None,
    ) -> None:
        self._repair_json = repair_json
        self._client = client
        self._max_timeouts = max_timeouts
        self._uow = uow
        self._files = files
        self._answer_files = answer_files

    async def _attachments(self, body: Mapping[str, Any] | None, context: NodeContext) -> Attachments:
        selectors = file_selectors(body)
        values = {i: context.pool.get(selector) for i, selector in selectors.items()}
        values = {i: [v for v in (value if isinstance(value, list) else [value]) if v] for i, value in values.items()}
        if not any(values.values()):
            return {}
        if self._files is None or self._uow is None:
            raise NodeFailed("This http-request node sends files, which needs weir's file store")
        reader = await run_file_reader(self._uow, context.run)
        loaded: dict[int, list[Attachment]] = {}
        for index, files in values.items():
            loaded[index] = []
            for file in files:
                name = str(file.get("filename") or "file") if isinstance(file, Mapping) else "file"
                try:
                    content, _extension, mime = await self._files.load(file, reader)
                except FileUnavailable as error:
                    raise NodeFailed(f"Could not read {name}: {error.message}") from None
                loaded[index].append((name, content, mime))
        return loaded

    def build(
        self, data: Mapping[str, Any], pool: VariablePool, attachments: Attachments | None = None
    ) -> OutgoingRequest:
        method = str(data.get("method") or "get").lower()
        if method not in METHODS:
            raise NodeFailed(f"Unsupported HTTP method: {method}")
        url = pool.render(str(data.get("url") or "")).strip()
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise NodeFailed(f"Invalid URL: {url!r} (it must start with http:// or https://)")
        headers = kv_lines(pool.render(str(data.get("headers") or "")))
        headers += auth_headers(data.get("authorization"), pool)
        body, content_type = encode_body(data.get("body"), pool, attachments, self._repair_json)
        if content_type and not any(name.lower() == "content-type" for name, _ in headers):
            headers.append(("Content-Type", content_type))
        return OutgoingRequest(
            method=method.upper(),
            url=_with_params(url, kv_lines(pool.render(str(data.get("params") or "")))),
            headers=tuple(headers),
            body=body,
            timeouts=_timeouts(data.get("timeout"), self._max_timeouts),
            verify_ssl=bool(data.get("ssl_verify", True)),
        )

    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        request = self.build(node.data, context.pool, await self._attachments(node.data.get("body"), context))
        try:
            response = await self._client.send(request)
        except (HttpRequestRefused, HttpRequestFailed) as error:
            raise NodeFailed(error.message) from None
        handled = node.data.get("error_strategy") or (node.data.get("retry_config") or {}).get("retry_enabled")
        if handled and response.status_code >= 400:  # Dify fails on an error status only when it is handled
            raise NodeFailed(f"HTTP request failed with status code {response.status_code}")
        process = {"request": f"{request.method} {request.url}", "headers": [name for name, _ in request.headers]}
        files = await self._stored_answer(response, context)
        return NodeResult(
            outputs={
                "status_code": response.status_code,
                "body": "" if files else response.text(),
                "headers": dict(response.headers),
                "files": files,
            },
            inputs={"method": request.method, "url": request.url},
            process_data=process,
        )

    async def _stored_answer(self, response, context: NodeContext) -> list[dict[str, Any]]:
        """An answer that is a file (answer_file) stored as a tool file of the run's creator, as Dify does; without
        a file store (unit wiring) the answer stays text."""
        found = answer_file(response)
        if found is None or self._answer_files is None or self._uow is None:
            return []
        mime, name = found
        run = context.run
        try:
            owner, role = await run_file_owner(self._uow, run.run_id, run.app_id)
            message = ToolMessage.of_blob(response.body, mime, name)
            return await self._answer_files.execute([message], run.tenant_id, owner, role)
        except DomainError as error:
            raise NodeFailed(f"Could not store the answer's file: {error.message}") from None
