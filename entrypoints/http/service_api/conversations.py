"""Conversations and their messages, as the end user named by `user` sees them."""

import json
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, Field, field_validator
from quart import Blueprint

from application.conversations.manage_conversation import ConversationVariable
from domain.apps.entities import AppMode
from domain.apps.errors import NotChatApp
from domain.conversations.entities import Conversation
from domain.shared.errors import InvalidParam
from entrypoints.http.auth import app_api, current_app_model, current_end_user, is_web_app_call
from entrypoints.http.bodies import json_object, parse_body, parse_query
from entrypoints.http.deps import container
from entrypoints.http.file_urls import file_link
from entrypoints.http.presenters import conversation_json, epoch, message_json
from entrypoints.http.query import limit_arg
from entrypoints.http.service_api.schemas import optional_uuid

bp = Blueprint("service_conversations", __name__)
CHAT_MODES = (AppMode.CHAT, AppMode.AGENT_CHAT, AppMode.ADVANCED_CHAT)
chat_route = app_api(modes=CHAT_MODES, wrong_mode=NotChatApp, user_from="query", user_required=False)
chat_body_route = app_api(modes=CHAT_MODES, wrong_mode=NotChatApp, user_from="json", user_required=True)


class ConversationsQuery(BaseModel):
    last_id: UUID | None = None
    sort_by: str = "-updated_at"
    pinned: bool | None = None  # the web app lists its visitor's pinned conversations apart from the others
    _blank = field_validator("last_id", "pinned", mode="before")(optional_uuid)


class MessagesQuery(BaseModel):
    conversation_id: UUID
    first_id: UUID | None = None
    _blank = field_validator("first_id", mode="before")(optional_uuid)


class VariablesQuery(BaseModel):
    last_id: str | None = None
    variable_name: Annotated[str | None, Field(max_length=255)] = None

    @field_validator("last_id", "variable_name", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("variable_name")
    @classmethod
    def _safe_name(cls, value: str | None) -> str | None:
        # Dify's filter: letters and digits (of any script), hyphens, underscores and periods.
        if value is not None and not value.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise ValueError(
                "Variable name can only contain letters, numbers, hyphens (-), underscores (_), and periods (.)"
            )
        return value


class RenameBody(BaseModel):
    name: str | None = None
    auto_generate: bool = False
    user: str | None = None  # required of Service API callers by `app_api`; a web app call has its passport


@bp.get("/conversations")
@chat_route
async def list_conversations() -> dict:
    query, limit = parse_query(ConversationsQuery), limit_arg()
    page = (
        await container()
        .chat.list_conversations()
        .execute(current_app_model(), await current_end_user(), query.last_id, limit, query.sort_by, query.pinned)
    )
    return {"limit": limit, "has_more": page.has_more, "data": [conversation_json(c) for c in page.items]}


@bp.delete("/conversations/<uuid:conversation_id>")
@chat_body_route
async def delete_conversation(conversation_id: UUID) -> tuple[str, int]:
    await container().chat.delete_conversation().execute(current_app_model(), await current_end_user(), conversation_id)
    return "", 204


@bp.post("/conversations/<uuid:conversation_id>/name")
@chat_body_route
async def rename_conversation(conversation_id: UUID) -> dict:
    body = await parse_body(RenameBody)
    conversation = (
        await container()
        .chat.rename_conversation()
        .execute(current_app_model(), await current_end_user(), conversation_id, body.name, body.auto_generate)
    )
    return conversation_json(conversation)


@bp.get("/conversations/<uuid:conversation_id>/variables")
@chat_route
async def conversation_variables(conversation_id: UUID) -> dict:
    query, limit = parse_query(VariablesQuery), limit_arg()
    conversation, page = (
        await container()
        .chat.list_conversation_variables()
        .execute(
            current_app_model(),
            await current_end_user(),
            conversation_id,
            limit=limit,
            last_id=query.last_id,
            variable_name=query.variable_name,
        )
    )
    data = [_variable_json(conversation, v) for v in page.items]
    return {"limit": limit, "has_more": page.has_more, "data": data}


def _variable_json(conversation: Conversation, v: ConversationVariable) -> dict:
    return {
        "id": v.id, "name": v.name, "value_type": v.value_type,
        "value": v.value if isinstance(v.value, str) else json.dumps(v.value, ensure_ascii=False),
        "description": v.description, "created_at": epoch(conversation.created_at),
        "updated_at": epoch(conversation.updated_at),
    }


@bp.put("/conversations/<uuid:conversation_id>/variables/<variable_id>")
@app_api(modes=CHAT_MODES, wrong_mode=NotChatApp, user_from="json", user_required=False)
async def update_conversation_variable(conversation_id: UUID, variable_id: str) -> dict:
    body = await json_object()
    if "value" not in body:
        raise InvalidParam("value is required", param="value")
    conversation, variable = await container().chat.update_conversation_variable().execute(
        current_app_model(), await current_end_user(), conversation_id, variable_id, body["value"])
    return _variable_json(conversation, variable)


@bp.get("/messages")
@chat_route
async def list_messages() -> dict:
    query, limit = parse_query(MessagesQuery), limit_arg()
    page, feedbacks, thoughts = (
        await container()
        .chat.list_messages()
        .execute(current_app_model(), await current_end_user(), query.conversation_id, query.first_id, limit)
    )
    items = [message_json(m, feedbacks.get(m.id), thoughts.get(m.id, ()), file_link) for m in reversed(page.items)]
    if is_web_app_call():  # the web app's list also carries each message's metadata (Dify's web fields)
        for item, m in zip(items, reversed(page.items), strict=True):
            item["metadata"] = m.metadata
    return {"limit": limit, "has_more": page.has_more, "data": items}
