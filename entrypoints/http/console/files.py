"""The console's uploads: the limits its upload widgets read, the document types the knowledge page offers, and
uploads by the signed-in account (the knowledge page's documents, the debug chat's files)."""

from quart import Blueprint

from domain.files.entities import NoFileUploaded, TooManyFiles
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import form_parts
from entrypoints.http.columns import UPLOAD_MIME_TYPE, UPLOAD_NAME
from entrypoints.http.deps import container
from entrypoints.http.input_checks import check_length
from entrypoints.http.presenters import upload_json

bp = Blueprint("console_files", __name__)

BATCH_COUNT_LIMIT = 5  # files one knowledge upload takes at once (Dify's UPLOAD_FILE_BATCH_LIMIT default)
WORKFLOW_FILE_UPLOAD_LIMIT = 10  # as GET /v1/parameters says


@bp.get("/files/upload")
@console_login_required
async def upload_config() -> dict:
    limits = container().config.uploads()
    return {
        "file_size_limit": limits["file_mb"],
        "batch_count_limit": BATCH_COUNT_LIMIT,
        "file_upload_limit": BATCH_COUNT_LIMIT,
        "image_file_size_limit": limits["image_mb"],
        "video_file_size_limit": limits["video_mb"],
        "audio_file_size_limit": limits["audio_mb"],
        "workflow_file_upload_limit": WORKFLOW_FILE_UPLOAD_LIMIT,
        "image_file_batch_limit": BATCH_COUNT_LIMIT,
        "single_chunk_attachment_limit": 0,
        "attachment_image_file_size_limit": limits["image_mb"],
    }


@bp.get("/files/support-type")
@console_login_required
async def support_type() -> dict:
    return {"allowed_extensions": list(container().knowledge.extractor().extensions())}


@bp.post("/files/upload")
@console_login_required
async def upload() -> tuple[dict, int]:
    _, files = await form_parts()
    if "file" not in files:
        raise NoFileUploaded()
    if len(files.getlist("file")) > 1 or len(files) > 1:
        raise TooManyFiles()
    part = files["file"]
    name = check_length(part.filename or "", "file", UPLOAD_NAME, label="The file name")
    check_length(part.mimetype or "", "file", UPLOAD_MIME_TYPE, label="The file's MIME type")
    session = console_session()
    stored = (
        await container()
        .upload_file()
        .store(session.tenant.id, session.account.id, "account", name, part.mimetype or None, part.read())
    )
    return upload_json(stored), 201
