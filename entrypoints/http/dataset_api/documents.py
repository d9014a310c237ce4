"""Documents: create and update by text or file, list, get, delete, status actions, indexing status."""

from quart import Blueprint, Response, jsonify, request

from application.knowledge.create_document import CreatedDocument, CreateDocumentRequest
from application.knowledge.document_input import Upload
from application.knowledge.list_documents import ListDocumentsRequest
from application.knowledge.set_documents_status import SetDocumentsStatusRequest
from application.knowledge.update_document import UpdateDocumentRequest
from domain.knowledge.errors import DocumentNotFound, NoFileUploaded
from domain.shared.errors import InvalidParam
from entrypoints.http.auth import dataset_api
from entrypoints.http.bodies import form_parts, json_object
from entrypoints.http.columns import DOCUMENT_LANGUAGE
from entrypoints.http.dataset_api.document_detail import document_detail_json
from entrypoints.http.dataset_api.presenters import document_json, indexing_progress_json
from entrypoints.http.dataset_api.requests import (
    actor,
    dataset_id,
    document_id,
    json_field,
    page_json,
    path_id,
    tenant_id,
)
from entrypoints.http.deps import container
from entrypoints.http.input_checks import check_length
from entrypoints.http.query import limit_arg, page_arg

bp = Blueprint("dataset_documents", __name__)

FIRST_DOCUMENT_FIELDS = ("indexing_technique", "retrieval_model", "embedding_model", "embedding_model_provider")


def _doc_language(body: dict) -> object:
    value = body.get("doc_language")
    return check_length(value, "doc_language", DOCUMENT_LANGUAGE) if isinstance(value, str) else value


def _created(result: CreatedDocument) -> Response:
    return jsonify({"document": document_json(result.document), "batch": result.batch})


async def _multipart() -> tuple[dict, Upload]:
    form, files = await form_parts()
    data = json_field(form.get("data"))
    if len(files) > 1:
        raise InvalidParam("Only one file is allowed.", param="file")
    file = files.get("file")
    if file is None or not file.filename:
        raise NoFileUploaded()
    return data, Upload(file_name=file.filename, data=file.read(), mime_type=file.mimetype or None)


async def _create(raw_id: str, name: object, upload: Upload | None, body: dict) -> Response:
    result = (
        await container()
        .knowledge.create_document()
        .execute(
            CreateDocumentRequest(
                actor=await actor(),
                dataset_id=dataset_id(raw_id),
                name=name,
                upload=upload,
                doc_form=body.get("doc_form"),
                doc_language=_doc_language(body),
                process_rule=body.get("process_rule"),
                **{k: body.get(k) for k in FIRST_DOCUMENT_FIELDS},
            )
        )
    )
    return _created(result)


@bp.post("/datasets/<raw_id>/document/create-by-text")
@bp.post("/datasets/<raw_id>/document/create_by_text")
@dataset_api
async def create_by_text(raw_id: str) -> Response:
    body = await json_object()
    name = body.get("name")
    upload = Upload.of_text(str(name), body.get("text")) if isinstance(name, str) and name.strip() else None
    if upload is None:
        raise InvalidParam("name is required.", param="name")
    return await _create(raw_id, name, upload, body)


@bp.post("/datasets/<raw_id>/document/create-by-file")
@bp.post("/datasets/<raw_id>/document/create_by_file")
@dataset_api
async def create_by_file(raw_id: str) -> Response:
    data, upload = await _multipart()
    return await _create(raw_id, data.get("name") or upload.file_name, upload, data)


async def _update(raw_id: str, raw_doc: str, name: object, upload: Upload | None, body: dict) -> Response:
    result = (
        await container()
        .knowledge.update_document()
        .execute(
            UpdateDocumentRequest(
                actor=await actor(),
                dataset_id=dataset_id(raw_id),
                document_id=document_id(raw_doc),
                name=name,
                upload=upload,
                process_rule=body.get("process_rule"),
                doc_form=body.get("doc_form"),
                doc_language=_doc_language(body),
            )
        )
    )
    return _created(result)


@bp.post("/datasets/<raw_id>/documents/<raw_doc>/update-by-text")
@bp.post("/datasets/<raw_id>/documents/<raw_doc>/update_by_text")
@dataset_api
async def update_by_text(raw_id: str, raw_doc: str) -> Response:
    body = await json_object()
    name, text = body.get("name"), body.get("text")
    if text is not None and not name:
        raise InvalidParam("name is required when text is provided.", param="name")
    upload = Upload.of_text(str(name), text) if text is not None else None
    return await _update(raw_id, raw_doc, name, upload, body)


@bp.post("/datasets/<raw_id>/documents/<raw_doc>/update-by-file")
@bp.post("/datasets/<raw_id>/documents/<raw_doc>/update_by_file")
@bp.patch("/datasets/<raw_id>/documents/<raw_doc>")
@dataset_api
async def update_by_file(raw_id: str, raw_doc: str) -> Response:
    data, upload = await _multipart()
    return await _update(raw_id, raw_doc, data.get("name"), upload, data)


@bp.get("/datasets/<raw_id>/documents")
@dataset_api
async def list_documents(raw_id: str) -> Response:
    page, limit = page_arg(), limit_arg()
    found = (
        await container()
        .knowledge.list_documents()
        .execute(
            ListDocumentsRequest(
                tenant_id=tenant_id(),
                dataset_id=dataset_id(raw_id),
                page=page,
                limit=limit,
                keyword=request.args.get("keyword"),
                status=request.args.get("status"),
            )
        )
    )
    return jsonify(page_json([document_json(d) for d in found.items], found.total, page, limit))


@bp.get("/datasets/<raw_id>/documents/<raw_doc>")
@dataset_api
async def get_document(raw_id: str, raw_doc: str) -> Response:
    metadata = request.args.get("metadata", "all")
    if metadata not in ("all", "only", "without"):
        raise InvalidParam("Invalid metadata value: " + metadata, param="metadata")
    detail = await container().knowledge.get_document().execute(tenant_id(), dataset_id(raw_id), document_id(raw_doc))
    return jsonify(document_detail_json(detail, metadata))


@bp.delete("/datasets/<raw_id>/documents/<raw_doc>")
@dataset_api
async def delete_document(raw_id: str, raw_doc: str) -> Response:
    await container().knowledge.delete_document().execute(tenant_id(), dataset_id(raw_id), document_id(raw_doc))
    return Response(status=204)


@bp.patch("/datasets/<raw_id>/documents/status/<action>")
@dataset_api
async def set_documents_status(raw_id: str, action: str) -> Response:
    raw_ids = (await json_object()).get("document_ids")
    if not isinstance(raw_ids, list) or not raw_ids:
        raise InvalidParam("document_ids is required.", param="document_ids")
    ids = [path_id(str(i), DocumentNotFound) for i in raw_ids]
    await (
        container()
        .knowledge.set_documents_status()
        .execute(
            SetDocumentsStatusRequest(
                actor=await actor(), dataset_id=dataset_id(raw_id), action=action, document_ids=ids
            )
        )
    )
    return jsonify({"result": "success"})


@bp.get("/datasets/<raw_id>/documents/<batch>/indexing-status")
@dataset_api
async def indexing_status(raw_id: str, batch: str) -> Response:
    found = await container().knowledge.get_indexing_status().execute(tenant_id(), dataset_id(raw_id), batch)
    return jsonify({"data": [indexing_progress_json(p) for p in found]})
