"""POST /v1/files/upload (one multipart `file` part, optional `user`) and GET /v1/files/{id}/preview."""

from uuid import UUID

from quart import Blueprint, Response

from domain.files.entities import NoFileUploaded, TooManyFiles
from entrypoints.http.auth import app_api, current_app_model, current_end_user
from entrypoints.http.bodies import form_parts
from entrypoints.http.columns import UPLOAD_MIME_TYPE, UPLOAD_NAME
from entrypoints.http.deps import container
from entrypoints.http.file_preview import as_attachment_arg, file_response
from entrypoints.http.file_urls import file_link
from entrypoints.http.input_checks import check_length
from entrypoints.http.presenters import upload_json

bp = Blueprint("service_files", __name__)


@bp.post("/files/upload")
@app_api(user_from="form", user_required=False)
async def upload() -> tuple[dict, int]:
    _, files = await form_parts()
    if "file" not in files:
        raise NoFileUploaded()
    if len(files.getlist("file")) > 1 or len(files) > 1:
        raise TooManyFiles()
    part = files["file"]
    name = check_length(part.filename or "", "file", UPLOAD_NAME, label="The file name")
    check_length(part.mimetype or "", "file", UPLOAD_MIME_TYPE, label="The file's MIME type")
    data = part.read()
    stored = await container().upload_file().execute(
        current_app_model(), await current_end_user(), name, part.mimetype or None, data
    )
    source_url = file_link(stored.id)
    return {**upload_json(stored), "source_url": source_url}, 201


@bp.get("/files/<uuid:file_id>/preview")
@app_api()
async def preview(file_id: UUID) -> Response:
    upload, data = await container().preview_file().execute(current_app_model(), file_id)
    return file_response(upload.name, upload.mime_type, data, as_attachment_arg())
