"""GET /files/{id}/file-preview: the signed URL an upload's `source_url` points at."""

import secrets
import time
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


@bp.get("/files/<uuid:file_id>/file-preview")
async def file_preview(file_id: UUID) -> Response:
    try:
        timestamp = int(request.args.get("timestamp", ""))
    except ValueError:
        raise InvalidParam("timestamp must be an integer", param="timestamp") from None
    upload, data = await container().read_signed_file().execute(
        file_id, timestamp, request.args.get("nonce", ""), request.args.get("sign", "")
    )
    headers = {"Content-Disposition": f'inline; filename="{upload.name}"', "Cache-Control": "private, max-age=300"}
    return Response(data, content_type=upload.mime_type or "application/octet-stream", headers=headers)
