"""The orchestrate page's debug chat (Dify's console chat- and completion-messages): the Service API's answer,
streamed, from the account's debugger end user with the page's unsaved config; its stop and follow-ups."""

from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field, field_validator
from quart import Blueprint, Response

from application.conversations.debug_message import DEBUGGER_SESSION, DebugMessageRequest
from domain.conversations.events import MessageEnded, MessageFailed
from entrypoints.http import run_presenter
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import parse_body
from entrypoints.http.deps import container
from entrypoints.http.errors import dify_code
from entrypoints.http.service_api.schemas import optional_uuid
from entrypoints.http.sse import follow_frames, stream_response

bp = Blueprint("console_debug_chat", __name__)


class DebugBody(BaseModel):
    query: str = ""
    inputs: dict[str, Any] = Field(default_factory=dict)
    conversation_id: UUID | None = None
    model_config_: dict[str, Any] | None = Field(default=None, alias="model_config")
    files: list[dict[str, Any]] | None = None

    _blank_conversation = field_validator("conversation_id", mode="before")(optional_uuid)


def _ends_message(item: object) -> bool:
    return isinstance(item, (MessageEnded, MessageFailed))


async def _debug(app_id: UUID, chat: bool) -> Response:
    body, session = await parse_body(DebugBody), console_session()
    run = (
        await container()
        .chat.debug_message()
        .execute(
            DebugMessageRequest(
                tenant_id=session.tenant.id,
                account_id=session.account.id,
                app_id=app_id,
                query=body.query,
                inputs=body.inputs,
                streaming=True,  # the console's debugger always streams
                conversation_id=body.conversation_id if chat else None,
                model_config=body.model_config_,
                files=tuple(body.files or ()),
            )
        )
    )
    return stream_response(
        follow_frames(
            run.next_event, run_presenter.MessageStreamFrames(run, chat, dify_code), _ends_message, run.ready_event
        ),
        needs_context=False,
    )


async def _debugger(app_id: UUID):
    session = console_session()
    app = await container().get_app().execute(session.tenant.id, app_id)
    end_user = await container().resolve_end_user().execute(app, DEBUGGER_SESSION.format(account_id=session.account.id))
    return app, end_user


@bp.post("/apps/<uuid:app_id>/chat-messages")
@console_login_required
async def debug_chat(app_id: UUID) -> Response:
    return await _debug(app_id, chat=True)


@bp.post("/apps/<uuid:app_id>/completion-messages")
@console_login_required
async def debug_completion(app_id: UUID) -> Response:
    return await _debug(app_id, chat=False)


@bp.post("/apps/<uuid:app_id>/chat-messages/<uuid:task_id>/stop")
@bp.post("/apps/<uuid:app_id>/completion-messages/<uuid:task_id>/stop")
@console_login_required
async def stop(app_id: UUID, task_id: UUID) -> dict:
    _, end_user = await _debugger(app_id)
    await container().chat.stop_generation().execute(task_id, end_user)
    return {"result": "success"}


@bp.get("/apps/<uuid:app_id>/chat-messages/<uuid:message_id>/suggested-questions")
@console_login_required
async def suggested_questions(app_id: UUID, message_id: UUID) -> dict:
    app, end_user = await _debugger(app_id)
    return {"data": await container().chat.suggest_questions().execute(app, end_user, message_id)}
