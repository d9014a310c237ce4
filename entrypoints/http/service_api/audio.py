"""POST /v1/audio-to-text (a multipart `file`) and POST /v1/text-to-audio (the audio streamed back)."""

from uuid import UUID

from quart import Blueprint, Response

from domain.conversations.errors import MessageNotFound
from domain.files.entities import TooManyFiles
from domain.shared.errors import InvalidParam
from entrypoints.http.auth import app_api, current_app_model, current_end_user
from entrypoints.http.bodies import form_parts, json_object
from entrypoints.http.deps import container

bp = Blueprint("service_audio", __name__)


@bp.post("/audio-to-text")
@app_api(user_from="form", user_required=False)
async def audio_to_text() -> dict:
    _, files = await form_parts()
    if len(files) > 1 or len(files.getlist("file")) > 1:
        raise TooManyFiles()
    part = files.get("file")
    await current_end_user()
    text = (
        await container()
        .chat.transcribe_audio()
        .execute(
            current_app_model(),
            part.filename or "audio" if part else "",
            part.mimetype if part else None,
            part.read() if part else None,
        )
    )
    return {"text": text}


def _optional_text(body: dict, name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidParam(f"{name} must be a string", param=name)
    return value or None


@bp.post("/text-to-audio")
@app_api(user_from="json", user_required=False)
async def text_to_audio() -> Response:
    body = await json_object()
    raw_message = _optional_text(body, "message_id")
    try:
        message_id = UUID(raw_message) if raw_message else None
    except ValueError:
        raise MessageNotFound() from None
    await current_end_user()
    chunks = (
        await container()
        .chat.synthesize_speech()
        .execute(current_app_model(), _optional_text(body, "text"), message_id, _optional_text(body, "voice"))
    )
    return Response(chunks, content_type="audio/mpeg")
