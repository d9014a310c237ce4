"""The web apps' API (Dify's `/api`): what an app's shared page at `/{mode}/{code}` calls; and the same app
routes for the console's Explore page (`/console/api/installed-apps/{id}/…`).

A visitor first gets a passport for the page's code (`GET /api/passport` with `X-App-Code`), then sends it as
`X-App-Passport` on every call. The app routes are the Service API's own views (the same use cases, the same
shapes); `app_api` reads the passport instead of a key on this prefix (on the Explore prefix: the console
session and the installed app), and the visitor it names is the end user (no `user` field). The routes a visitor
must not reach (the app's logs, every user's feedback, annotations) are not mounted; what only a web app has
(pins, saved messages; its site and the sign-in checks) is below.
"""

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, field_validator
from quart import Blueprint, Response, request

from domain.apps.entities import AppMode
from domain.apps.errors import NotChatApp, NotCompletionApp
from domain.shared.errors import DomainError, Unauthorized
from entrypoints.http.auth import app_api, caller_source, current_app_model, current_end_user, current_site, passport
from entrypoints.http.bodies import parse_body, parse_query
from entrypoints.http.columns import END_USER_SESSION
from entrypoints.http.console.features import system_features
from entrypoints.http.deps import container
from entrypoints.http.file_urls import file_link
from entrypoints.http.input_checks import check_length, check_text
from entrypoints.http.presenters import epoch, message_file_json, site_json
from entrypoints.http.query import limit_arg
from entrypoints.http.service_api import (
    app_info,
    audio,
    chat,
    conversations,
    feedback,
    files,
    human_input,
    workflows,
)
from entrypoints.http.service_api.schemas import optional_uuid

bp = Blueprint("web_app", __name__)
explore_bp = Blueprint("explore_app", __name__)

APP_CODE_HEADER = "X-App-Code"
CHAT_MODES = (AppMode.CHAT, AppMode.AGENT_CHAT, AppMode.ADVANCED_CHAT)

# The Service API's views, under the same paths (and suggested questions under the web app's name for them).
SHARED_ROUTES = (
    ("/parameters", app_info.parameters, "GET"),
    ("/meta", app_info.meta, "GET"),
    ("/chat-messages", chat.chat_messages, "POST"),
    ("/chat-messages/<uuid:task_id>/stop", chat.stop_chat, "POST"),
    ("/completion-messages", chat.completion_messages, "POST"),
    ("/completion-messages/<uuid:task_id>/stop", chat.stop_completion, "POST"),
    ("/conversations", conversations.list_conversations, "GET"),
    ("/conversations/<uuid:conversation_id>", conversations.delete_conversation, "DELETE"),
    ("/conversations/<uuid:conversation_id>/name", conversations.rename_conversation, "POST"),
    ("/messages", conversations.list_messages, "GET"),
    ("/messages/<uuid:message_id>/feedbacks", feedback.give_feedback, "POST"),
    ("/messages/<uuid:message_id>/suggested-questions", feedback.suggested, "GET"),
    ("/files/upload", files.upload, "POST"),
    ("/audio-to-text", audio.audio_to_text, "POST"),
    ("/text-to-audio", audio.text_to_audio, "POST"),
    ("/workflows/run", workflows.run_latest, "POST"),
    ("/workflows/tasks/<uuid:task_id>/stop", workflows.stop, "POST"),
    ("/workflow/<uuid:run_id>/events", workflows.run_events, "GET"),
    ("/form/human_input/<string:form_token>", human_input.get_form, "GET"),
    ("/form/human_input/<string:form_token>", human_input.submit_form, "POST"),
)


@bp.get("/passport")
async def get_passport() -> dict:
    code = request.headers.get(APP_CODE_HEADER)
    if not code:
        raise Unauthorized("X-App-Code header is missing.")
    user_id = request.args.get("user_id") or None
    if user_id is not None:  # the visitor's session id: text that fits end_users.session_id
        user_id = check_length(check_text(user_id, "user_id"), "user_id", END_USER_SESSION)
    token = await container().webapp.issue_passport().execute(code, user_id)
    return {"access_token": token}


@bp.get("/system-features")
async def get_system_features() -> dict:
    return system_features()


# weir's web apps are public (no SSO or member access control): every visitor may open every app.
@bp.get("/webapp/access-mode")
async def access_mode() -> dict:
    return {"accessMode": "public"}


@bp.get("/webapp/permission")
async def permission() -> dict:
    return {"result": True}


@bp.get("/login/status")
async def login_status() -> dict:
    """Public apps need no sign-in (`logged_in`); `app_logged_in` says whether the passport sent is still good for
    this app (and for the embedding page's `user_id`, when it names one): else the page asks for a new one."""
    code, user_id = request.args.get("app_code"), request.args.get("user_id")
    if not code:
        return {"logged_in": True, "app_logged_in": False}
    try:
        caller = await container().webapp.authenticate_passport().execute(passport())
    except DomainError:
        return {"logged_in": True, "app_logged_in": False}
    fits = caller.site.code == code and (not user_id or caller.end_user.session_id == user_id)
    return {"logged_in": True, "app_logged_in": fits}


@bp.post("/logout")
async def logout() -> dict:
    return {"result": "success"}


@bp.get("/site")
@app_api()
async def site() -> dict:
    app, end_user = current_app_model(), await current_end_user()
    return {
        "app_id": str(app.id),
        "end_user_id": str(end_user.id),
        "enable_site": app.enable_site,
        "site": site_json(current_site()),
        "model_config": None,
        "plan": "basic",
        "can_replace_logo": False,
        "custom_config": None,
    }


@app_api(modes=CHAT_MODES, wrong_mode=NotChatApp)
async def pin(conversation_id: UUID) -> dict:
    await container().webapp.pinned_conversations().pin(current_app_model(), await current_end_user(), conversation_id)
    return {"result": "success"}


@app_api(modes=CHAT_MODES, wrong_mode=NotChatApp)
async def unpin(conversation_id: UUID) -> dict:
    pins = container().webapp.pinned_conversations()
    await pins.unpin(current_app_model(), await current_end_user(), conversation_id)
    return {"result": "success"}


class SavedQuery(BaseModel):
    last_id: UUID | None = None
    _blank = field_validator("last_id", mode="before")(optional_uuid)


class SaveBody(BaseModel):
    message_id: UUID


@app_api(modes=(AppMode.COMPLETION,), wrong_mode=NotCompletionApp)
async def saved_messages() -> dict:
    query, limit = parse_query(SavedQuery), limit_arg()
    page = await container().webapp.saved_messages().list(
        current_app_model(), await current_end_user(), query.last_id, limit
    )
    data = [
        {
            "id": str(m.id), "inputs": m.inputs, "query": m.query, "answer": m.answer,
            "message_files": [message_file_json(f, file_link) for f in m.files], "feedback": None,
            "created_at": epoch(m.created_at),
        }
        for m in page.items
    ]
    return {"limit": limit, "has_more": page.has_more, "data": data}


@app_api(modes=(AppMode.COMPLETION,), wrong_mode=NotCompletionApp)
async def save_message() -> dict:
    body = await parse_body(SaveBody)
    await container().webapp.saved_messages().save(current_app_model(), await current_end_user(), body.message_id)
    return {"result": "success"}


@app_api(modes=(AppMode.COMPLETION,), wrong_mode=NotCompletionApp)
async def unsave_message(message_id: UUID) -> tuple[str, int]:
    await container().webapp.saved_messages().remove(current_app_model(), await current_end_user(), message_id)
    return "", 204


class MoreLikeThisQuery(BaseModel):
    response_mode: Literal["blocking", "streaming"] = "blocking"


@app_api(modes=(AppMode.COMPLETION,), wrong_mode=NotCompletionApp)
async def more_like_this(message_id: UUID) -> Response:
    query = parse_query(MoreLikeThisQuery)
    streaming = query.response_mode == "streaming"
    run = await container().chat.more_like_this().execute(
        current_app_model(), await current_end_user(), message_id, streaming, caller_source()
    )
    return await chat.message_answer(run, chat=False, streaming=streaming)


# What a visitor and a member on the Explore page both have: the Service API's views and the ones above.
APP_ROUTES = (
    *SHARED_ROUTES,
    ("/conversations/<uuid:conversation_id>/pin", pin, "PATCH"),
    ("/conversations/<uuid:conversation_id>/unpin", unpin, "PATCH"),
    ("/saved-messages", saved_messages, "GET"),
    ("/saved-messages", save_message, "POST"),
    ("/saved-messages/<uuid:message_id>", unsave_message, "DELETE"),
    ("/messages/<uuid:message_id>/more-like-this", more_like_this, "GET"),
)
for path, view, method in APP_ROUTES:
    bp.add_url_rule(path, view_func=view, methods=[method])
    explore_bp.add_url_rule(path, view_func=view, methods=[method])
