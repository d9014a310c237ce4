"""GET /files/{id}/file-preview: the signed URL an upload's `source_url` points at."""

import secrets
import time
from urllib.parse import quote
from uuid import UUID

from quart import Blueprint, Response, request

from domain.files.signing import file_signature
from domain.shared.errors import InvalidParam
from entrypoints.http.deps import container

bp = Blueprint("file_preview", __name__)


def signed_file_url(base_url: str, file_id: UUID, key: str) -> str:
    timestamp, nonce = int(time.time()), secrets.token_hex(8)
    sign = file_signature(file_id, timestamp, nonce, key)
    return f"{base_url.rstrip('/')}/files/{file_id}/file-preview?timestamp={timestamp}&nonce={nonce}&sign={sign}"


# Types a browser would run as a page of our origin: always downloaded, never shown inline (as Dify).
ACTIVE_TYPES = {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml"}


def as_attachment_arg() -> bool:
    return (request.args.get("as_attachment") or "").strip().lower() in ("true", "1", "yes")


def file_response(name: str, mime_type: str | None, data: bytes, as_attachment: bool) -> Response:
    """The file's bytes with its type, inline or as a download, its name encoded as RFC 6266 says."""
    mime_type = mime_type or "application/octet-stream"
    disposition = "attachment" if as_attachment or mime_type.split(";")[0].strip() in ACTIVE_TYPES else "inline"
    headers = {
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "private, max-age=300",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(data, content_type=mime_type, headers=headers)


@bp.get("/files/<uuid:file_id>/file-preview")
async def file_preview(file_id: UUID) -> Response:
    try:
        timestamp = int(request.args.get("timestamp", ""))
    except ValueError:
        raise InvalidParam("timestamp must be an integer", param="timestamp") from None
    upload, data = (
        await container()
        .read_signed_file()
        .execute(file_id, timestamp, request.args.get("nonce", ""), request.args.get("sign", ""))
    )
    return file_response(upload.name, upload.mime_type, data, as_attachment_arg())
