import json
from dataclasses import dataclass
from typing import Any

from application.conversations.send_message import SendMessage, SendMessageRequest
from application.service_api.resolve_end_user import ResolveEndUser
from application.tools.mcp_describe_app_tool import AppTool
from application.workflows.run_chatflow import ChatflowRequest, RunChatflow
from application.workflows.run_workflow import RunWorkflow, RunWorkflowRequest
from domain.apps.entities import AppMode, EndUser
from domain.conversations.events import MessageEnded, MessageFailed
from domain.shared.errors import InvalidParam
from domain.workflows import run_events as ev
from domain.workflows.entities import RunStatus


@dataclass(frozen=True, slots=True)
class AppToolAnswer:
    """What the app answered, as the text of the tool result; `failed` when the run or message failed."""

    text: str
    failed: bool = False


class CallAppTool:
    """Runs the app behind an MCP server as one tool call (MCP's tools/call), blocking until it ends.

    Rules: the tool is the app's own name; arguments are its inputs (chat apps take `query` apart); the app
    runs as the server's end user (one a server, as Dify does); a workflow answers its outputs as JSON text, a
    chat, completion or advanced-chat app its answer. A failed run is answered as a failed result with the
    reason; inputs the app's form refuses raise InvalidParam."""

    def __init__(
        self,
        resolve_end_user: ResolveEndUser,
        send_message: SendMessage,
        run_workflow: RunWorkflow,
        run_chatflow: RunChatflow,
    ) -> None:
        self._resolve_end_user = resolve_end_user
        self._send_message = send_message
        self._run_workflow = run_workflow
        self._run_chatflow = run_chatflow

    async def execute(self, tool: AppTool, name: str, arguments: dict[str, Any]) -> AppToolAnswer:
        if name != tool.name:
            raise InvalidParam(f"Unknown tool: {name}", param="name")
        end_user = await self._resolve_end_user.execute(tool.app, f"mcp-{tool.server.id}")
        inputs = dict(arguments)
        if tool.app.mode == AppMode.WORKFLOW:
            return await self._workflow(tool, end_user, inputs)
        if tool.app.mode == AppMode.COMPLETION:
            # A completion app's `query` is one of its inputs, when its form has one (as /v1/completion-messages).
            query = str(inputs.get("query") or "")
        else:
            query = str(inputs.pop("query", "") or "")
        if tool.app.mode == AppMode.ADVANCED_CHAT:
            return await self._chatflow(tool, end_user, query, inputs)
        run = await self._send_message.execute(
            SendMessageRequest(app=tool.app, end_user=end_user, query=query, inputs=inputs, streaming=False)
        )
        async for item in run.events():
            if isinstance(item, MessageFailed):
                return AppToolAnswer(item.error.message, failed=True)
            if isinstance(item, MessageEnded):
                return AppToolAnswer(item.message.answer)
        raise AssertionError("a message always ends with MessageEnded or MessageFailed")

    async def _workflow(self, tool: AppTool, end_user: EndUser, inputs: dict[str, Any]) -> AppToolAnswer:
        handle = await self._run_workflow.execute(RunWorkflowRequest(tool.app, end_user, inputs))
        while (item := await handle.next_event()) is not None:
            if isinstance(item, ev.WorkflowFinished):
                if item.status is RunStatus.FAILED:
                    return AppToolAnswer(item.error or "The workflow failed.", failed=True)
                return AppToolAnswer(json.dumps(item.outputs, ensure_ascii=False, default=str))
        raise AssertionError("a run always ends with WorkflowFinished")

    async def _chatflow(self, tool: AppTool, end_user: EndUser, query: str, inputs: dict[str, Any]) -> AppToolAnswer:
        handle = await self._run_chatflow.start(
            ChatflowRequest(app=tool.app, end_user=end_user, query=query, inputs=inputs)
        )
        answer: list[str] = []
        failed = None
        while (item := await handle.next_event()) is not None:
            if isinstance(item, ev.AnswerChunk):
                answer.append(item.text)
            elif isinstance(item, ev.WorkflowFinished) and item.status is RunStatus.FAILED:
                failed = item.error or "The chatflow failed."
            elif isinstance(item, ev.MessageEnd):
                return AppToolAnswer(failed, failed=True) if failed else AppToolAnswer("".join(answer))
        raise AssertionError("a chatflow always ends with MessageEnd")
