"""POST /v1/chat-messages and /v1/completion-messages (blocking or SSE), and their stop routes."""

from uuid import UUID

from quart import Blueprint, Response, jsonify

from application.conversations.generations import MessageRun
from application.conversations.send_message import SendMessageRequest
from application.workflows.run_chatflow import ChatflowRequest
from domain.apps.entities import AppMode
from domain.apps.errors import AppUnavailable, NotChatApp
from domain.conversations.events import MessageEnded, MessageFailed
from entrypoints.http import run_presenter
from entrypoints.http.auth import app_api, caller_source, current_app_model, current_end_user
from entrypoints.http.bodies import parse_body
from entrypoints.http.deps import container
from entrypoints.http.errors import dify_code, error_response
from entrypoints.http.service_api.chatflow import chatflow_answer
from entrypoints.http.service_api.schemas import ChatBody, CompletionBody
from entrypoints.http.sse import follow_frames, stream_response

bp = Blueprint("service_chat", __name__)

CHAT_MODES = (AppMode.CHAT, AppMode.AGENT_CHAT, AppMode.ADVANCED_CHAT)


@bp.post("/chat-messages")
@app_api(modes=CHAT_MODES, wrong_mode=NotChatApp, user_from="json", user_required=True)
async def chat_messages() -> Response:
    body = await parse_body(ChatBody)
    if current_app_model().mode == AppMode.ADVANCED_CHAT:
        reply = (
            await container()
            .annotations.reply_from_annotation()
            .for_chatflow(
                current_app_model(),
                await current_end_user(),
                body.query,
                body.inputs,
                body.conversation_id,
                body.response_mode == "streaming",
            )
        )
        if reply is not None:  # answered from an annotation: the workflow does not run
            return await message_answer(reply, chat=True, streaming=body.response_mode == "streaming")
        end_user = await current_end_user()
        handle = (
            await container()
            .workflows.run_chatflow()
            .start(
                ChatflowRequest(
                    app=current_app_model(),
                    end_user=end_user,
                    query=body.query,
                    inputs=body.inputs,
                    conversation_id=body.conversation_id,
                    streaming=body.response_mode == "streaming",
                    files=tuple(body.files or ()),
                )
            )
        )
        return await chatflow_answer(handle, streaming=body.response_mode == "streaming", end_user=end_user)
    request = SendMessageRequest(
        app=current_app_model(),
        end_user=await current_end_user(),
        query=body.query,
        inputs=body.inputs,
        streaming=body.response_mode == "streaming",
        conversation_id=body.conversation_id,
        auto_generate_name=body.auto_generate_name,
        files=tuple(body.files or ()),
        invoke_from=caller_source(),
    )
    run = await container().chat.send_message().execute(request)
    return await message_answer(run, chat=True, streaming=request.streaming)


@bp.post("/completion-messages")
@app_api(modes=(AppMode.COMPLETION,), wrong_mode=AppUnavailable, user_from="json", user_required=True)
async def completion_messages() -> Response:
    body = await parse_body(CompletionBody)
    query = body.query or str(body.inputs.get("query") or "")
    request = SendMessageRequest(
        app=current_app_model(),
        end_user=await current_end_user(),
        query=query,
        inputs=body.inputs,
        streaming=body.response_mode == "streaming",
        files=tuple(body.files or ()),
        invoke_from=caller_source(),
    )
    run = await container().chat.send_message().execute(request)
    return await message_answer(run, chat=False, streaming=request.streaming)


@bp.post("/chat-messages/<uuid:task_id>/stop")
@app_api(modes=CHAT_MODES, wrong_mode=NotChatApp, user_from="json", user_required=True)
async def stop_chat(task_id: UUID) -> dict:
    await container().chat.stop_generation().execute(task_id, await current_end_user())
    return {"result": "success"}


@bp.post("/completion-messages/<uuid:task_id>/stop")
@app_api(modes=(AppMode.COMPLETION,), wrong_mode=AppUnavailable, user_from="json", user_required=True)
async def stop_completion(task_id: UUID) -> dict:
    await container().chat.stop_generation().execute(task_id, await current_end_user())
    return {"result": "success"}


def _ends_message(item: object) -> bool:
    return isinstance(item, (MessageEnded, MessageFailed))


async def message_answer(run: MessageRun, chat: bool, streaming: bool) -> Response:
    if streaming:
        return stream_response(
            follow_frames(
                run.next_event, run_presenter.MessageStreamFrames(run, chat, dify_code), _ends_message, run.ready_event
            ),
            needs_context=False,
        )
    async for item in run.events():
        if isinstance(item, MessageFailed):
            code, status = dify_code(item.error)
            return error_response(code, item.error.message, status)
        if isinstance(item, MessageEnded):
            return jsonify(run_presenter.message_blocking(run, chat, current_app_model().mode.value, item))
    raise AssertionError("a run always ends with MessageEnded or MessageFailed")
