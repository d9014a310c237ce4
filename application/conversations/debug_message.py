from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.apps.find_app import app_in_tenant
from application.conversations.generations import MessageRun
from application.conversations.send_message import SendMessage, SendMessageRequest
from application.service_api.resolve_end_user import ResolveEndUser
from domain.apps.model_config import parse_model_config
from domain.conversations.debugger import DEBUGGER_SESSION
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory

__all__ = ["DEBUGGER_SESSION", "DebugMessage", "DebugMessageRequest"]


@dataclass(frozen=True, slots=True)
class DebugMessageRequest:
    tenant_id: UUID
    account_id: UUID
    app_id: UUID
    query: str
    inputs: dict[str, Any]
    streaming: bool
    conversation_id: UUID | None = None
    model_config: dict[str, Any] | None = None  # the orchestrate page's unsaved config, as Dify's debugger sends
    files: tuple[Any, ...] = ()


class DebugMessage:
    """A message of the console's debug chat: the Service API's SendMessage with the page's unsaved model config,
    from the account's debugger end user, marked as a debug chat.
    Rules: the app must be in the caller's workspace (AppNotFound otherwise); a model_config sent is checked as
    the orchestrate page's save is (invalid_param otherwise); without one the app's saved config answers."""

    def __init__(
        self, uow: UnitOfWorkFactory, ids: IdGenerator, resolve_end_user: ResolveEndUser, send_message: SendMessage
    ) -> None:
        self._uow = uow
        self._ids = ids
        self._resolve_end_user = resolve_end_user
        self._send = send_message

    async def execute(self, request: DebugMessageRequest) -> MessageRun:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, request.tenant_id, request.app_id)
        draft = parse_model_config(app.id, self._ids.new_id(), request.model_config) if request.model_config else None
        end_user = await self._resolve_end_user.execute(app, DEBUGGER_SESSION.format(account_id=request.account_id))
        return await self._send.execute(
            SendMessageRequest(
                app=app,
                end_user=end_user,
                query=request.query,
                inputs=request.inputs,
                streaming=request.streaming,
                conversation_id=request.conversation_id,
                files=request.files,
                draft_config=draft,
                draft_body=request.model_config if draft is not None else None,
                invoke_from="debugger",
            )
        )
