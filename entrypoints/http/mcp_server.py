"""POST /mcp/server/{server_code}/mcp: an app served as an MCP server (Dify 1.6), over streamable HTTP.

Stateless JSON-response mode, written over Quart with the `mcp` SDK's pydantic types (mcp_types) for every
message, rather than the SDK's StreamableHTTPSessionManager mounted as an ASGI sub-app: the manager keeps its
sessions in one process's memory and needs a task group alive for the app's lifetime, while weir runs several
API processes behind one URL with no sticky sessions, and this endpoint needs weir's request limits, request
log and errors like every other route. Each POST carries one JSON-RPC message and is answered in full with
one JSON body (what the spec allows a server that streams nothing); notifications are accepted with 202.

Served methods (as Dify's api/controllers/mcp/mcp.py): initialize (handshake-era protocol versions), ping,
tools/list (one tool named after the app, its inputs as parameters), tools/call (runs the app, its answer as
text). Anything else, `server/discover` included, is METHOD_NOT_FOUND, which modern clients take as "use the
initialize handshake".
"""

import logging
from typing import Any

import mcp_types as mt
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, LATEST_HANDSHAKE_VERSION
from pydantic import ValidationError
from quart import Blueprint, Response, jsonify, request

from domain.apps.errors import AppUnavailable
from domain.shared.errors import DomainError, InvalidParam
from domain.tools.mcp import McpServerInactive, McpServerNotFound
from entrypoints.http.bodies import decode_json
from entrypoints.http.deps import container
from entrypoints.http.errors import InvalidJson
from entrypoints.settings import SERVER_VERSION

log = logging.getLogger("weir.mcp.server")

bp = Blueprint("mcp_server", __name__)


class RpcError(Exception):
    def __init__(self, code: int, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _reply(request_id: mt.RequestId | None, result: mt.Result | None = None, error: RpcError | None = None) -> Response:
    if error is not None:
        message: Any = mt.JSONRPCError(
            jsonrpc="2.0", id=request_id, error=mt.ErrorData(code=error.code, message=error.message)
        )
        status = error.status
    else:
        assert result is not None
        dumped = result.model_dump(by_alias=True, mode="json", exclude_none=True)
        message, status = mt.JSONRPCResponse(jsonrpc="2.0", id=request_id, result=dumped), 200
    response = jsonify(message.model_dump(by_alias=True, mode="json", exclude_none=True))
    response.status_code = status
    return response


@bp.post("/mcp/server/<server_code>/mcp")
async def serve(server_code: str) -> Response:
    try:
        raw = decode_json(await request.get_data(as_text=False))
        message = mt.jsonrpc_message_adapter.validate_python(raw)
    except (InvalidJson, ValidationError):
        return _reply(None, error=RpcError(mt.PARSE_ERROR, "Invalid JSON-RPC message.", 400))
    except InvalidParam as error:  # JSON that weir refuses to store or run (a NUL, a lone surrogate…)
        return _reply(None, error=RpcError(mt.INVALID_REQUEST, error.message, 400))
    if not isinstance(message, mt.JSONRPCRequest):
        # Notifications (initialized, cancelled) and stray responses need no answer.
        return Response("", status=202)
    try:
        return _reply(message.id, result=await _answer(server_code, message))
    except RpcError as error:
        return _reply(message.id, error=error)


@bp.route("/mcp/server/<server_code>/mcp", methods=["GET", "DELETE"])
async def no_stream(server_code: str) -> Response:
    # No server-initiated stream and no sessions to end (the spec's 405 for both).
    return Response("", status=405, headers={"Allow": "POST"})


async def _answer(server_code: str, message: mt.JSONRPCRequest) -> mt.Result:
    method, params = message.method, message.params or {}
    tool = await _app_tool(server_code)  # first, as Dify: an unknown or inactive server answers nothing
    if method == "ping":
        return mt.EmptyResult()
    if method == "initialize":
        asked = str(params.get("protocolVersion") or "")
        version = asked if asked in HANDSHAKE_PROTOCOL_VERSIONS else LATEST_HANDSHAKE_VERSION
        return mt.InitializeResult(
            protocol_version=version,
            capabilities=mt.ServerCapabilities(tools=mt.ToolsCapability(list_changed=False)),
            server_info=mt.Implementation(name="Dify", version=SERVER_VERSION),
            instructions=tool.description,
        )
    if method == "tools/list":
        return mt.ListToolsResult(
            tools=[mt.Tool(name=tool.name, description=tool.description, input_schema=tool.input_schema)]
        )
    if method == "tools/call":
        try:
            call = mt.CallToolRequestParams.model_validate(params)
        except ValidationError:
            raise RpcError(mt.INVALID_PARAMS, "tools/call needs a tool name and object arguments.") from None
        try:
            answer = await container().mcp_server.call_app_tool().execute(tool, call.name, call.arguments or {})
        except InvalidParam as error:
            raise RpcError(mt.INVALID_PARAMS, error.message) from None
        except DomainError as error:
            return mt.CallToolResult(content=[mt.TextContent(type="text", text=error.message)], is_error=True)
        return mt.CallToolResult(content=[mt.TextContent(type="text", text=answer.text)], is_error=answer.failed)
    raise RpcError(mt.METHOD_NOT_FOUND, f"Method not found: {method}")


async def _app_tool(server_code: str):
    try:
        return await container().mcp_server.describe_app_tool().execute(server_code)
    except McpServerNotFound as error:
        raise RpcError(mt.INVALID_REQUEST, error.message, 404) from None
    except (McpServerInactive, AppUnavailable) as error:
        raise RpcError(mt.INVALID_REQUEST, error.message) from None
