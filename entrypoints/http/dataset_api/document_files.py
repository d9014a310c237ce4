"""A document's original file: its description with signed URLs, a download URL, and several as one ZIP."""

from uuid import UUID

from quart import Blueprint, Response, request

from domain.knowledge.errors import DocumentNotFound
from domain.shared.errors import InvalidParam
from entrypoints.http.auth import dataset_api
from entrypoints.http.bodies import json_object
from entrypoints.http.dataset_api.requests import dataset_id, document_id, tenant_id
from entrypoints.http.deps import container
from entrypoints.http.file_preview import signed_file_url
from entrypoints.http.presenters import epoch

bp = Blueprint("dataset_document_files", __name__)


def _signed(file_id: UUID) -> str:
    base = container().config.files_url() or request.host_url
    return signed_file_url(base, file_id, container().config.secret_key())


@bp.get("/datasets/<raw_id>/documents/<raw_doc>/upload-file")
@dataset_api
async def upload_file(raw_id: str, raw_doc: str) -> dict:
    upload = (
        await container().knowledge.get_document_file().execute(tenant_id(), dataset_id(raw_id), document_id(raw_doc))
    )
    url = _signed(upload.id)
    return {
        "id": str(upload.id),
        "name": upload.name,
        "size": upload.size,
        "extension": upload.extension,
        "url": url,
        "download_url": f"{url}&as_attachment=true",
        "mime_type": upload.mime_type,
        "created_by": str(upload.created_by) if upload.created_by else None,
        "created_at": epoch(upload.created_at),
    }


@bp.get("/datasets/<raw_id>/documents/<raw_doc>/download")
@dataset_api
async def download_url(raw_id: str, raw_doc: str) -> dict:
    upload = (
        await container().knowledge.get_document_file().execute(tenant_id(), dataset_id(raw_id), document_id(raw_doc))
    )
    return {"url": f"{_signed(upload.id)}&as_attachment=true"}


@bp.post("/datasets/<raw_id>/documents/download-zip")
@dataset_api
async def download_zip(raw_id: str) -> Response:
    raw_ids = (await json_object()).get("document_ids")
    if not isinstance(raw_ids, list) or not all(isinstance(i, str) for i in raw_ids):
        raise InvalidParam("document_ids must be a list of document ids.", param="document_ids")
    try:
        ids = [UUID(i) for i in raw_ids]
    except ValueError:
        raise DocumentNotFound() from None
    data = await container().knowledge.zip_documents().execute(tenant_id(), dataset_id(raw_id), ids)
    return Response(
        data, content_type="application/zip", headers={"Content-Disposition": 'attachment; filename="documents.zip"'}
    )
