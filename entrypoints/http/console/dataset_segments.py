"""Chunk routes only the console has, or that it shapes its own way: the chunk list with total_pages and the
enabled filter, a single chunk added by `…/segment`, and the batch enable, disable and delete (ids in the query
string), and the CSV import of chunks with its status. Each reuses the Knowledge API's use cases."""

from quart import Blueprint, Response, jsonify, request

from application.knowledge.create_segments import CreateSegmentsRequest
from application.knowledge.import_segments import ImportSegmentsRequest
from application.knowledge.list_segments import ListSegmentsRequest
from application.knowledge.update_segment import UpdateSegmentRequest
from domain.knowledge.errors import SegmentImportNotFound, SegmentNotFound
from domain.shared.errors import InvalidParam
from entrypoints.http.auth import console_login_required
from entrypoints.http.bodies import json_object
from entrypoints.http.dataset_api.presenters import segment_json
from entrypoints.http.dataset_api.requests import actor, dataset_id, document_id, path_id, segment_id, tenant_id
from entrypoints.http.deps import container
from entrypoints.http.query import limit_arg, page_arg

bp = Blueprint("segments", __name__)

DOCUMENT = "/datasets/<ds>/documents/<doc>"  # the Knowledge API's names, so this route replaces its mount
ENABLED = {"all": None, "true": True, "false": False}


def _segment_ids() -> list:
    return [path_id(raw, SegmentNotFound) for raw in request.args.getlist("segment_id") if raw]


def _min_hits() -> int | None:
    raw = request.args.get("hit_count_gte")
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidParam("hit_count_gte must be an integer.", param="hit_count_gte") from None


@bp.get(DOCUMENT + "/segments")
@console_login_required
async def list_segments(ds: str, doc: str) -> Response:
    page, limit = page_arg(), limit_arg()
    enabled = request.args.get("enabled", "all").lower()
    if enabled not in ENABLED:
        raise InvalidParam("enabled must be all, true or false.", param="enabled")
    statuses = request.args.getlist("status") + request.args.getlist("status[]")
    found, form = (
        await container()
        .knowledge.list_segments()
        .execute(
            ListSegmentsRequest(
                tenant_id=tenant_id(),
                dataset_id=dataset_id(ds),
                document_id=document_id(doc),
                page=page,
                limit=limit,
                keyword=request.args.get("keyword"),
                statuses=[s for s in statuses if s],
                enabled=ENABLED[enabled],
                min_hits=_min_hits(),
            )
        )
    )
    return jsonify(
        {
            "data": [segment_json(s) for s in found.items],
            "doc_form": form.value,
            "limit": limit,
            "total": found.total,
            "total_pages": -(-found.total // limit),
            "page": page,
        }
    )


@bp.delete(DOCUMENT + "/segments")
@console_login_required
async def delete_segments(ds: str, doc: str) -> Response:
    await (
        container().knowledge.delete_segments().execute(await actor(), dataset_id(ds), document_id(doc), _segment_ids())
    )
    return Response(status=204)


@bp.patch(DOCUMENT + "/segment/<action>")
@console_login_required
async def set_segments_enabled(ds: str, doc: str, action: str) -> Response:
    await (
        container()
        .knowledge.set_segments_enabled()
        .execute(await actor(), dataset_id(ds), document_id(doc), action, _segment_ids())
    )
    return jsonify({"result": "success"})


@bp.post(DOCUMENT + "/segment")
@console_login_required
async def add_segment(ds: str, doc: str) -> Response:
    body = await json_object()
    created = (
        await container()
        .knowledge.create_segments()
        .execute(
            CreateSegmentsRequest(
                actor=await actor(), dataset_id=dataset_id(ds), document_id=document_id(doc), segments=[body]
            )
        )
    )
    form = (
        await container().knowledge.get_segment().execute(tenant_id(), dataset_id(ds), document_id(doc), created[0].id)
    )[1]
    return jsonify({"data": segment_json(created[0]), "doc_form": form.value})


@bp.patch(DOCUMENT + "/segments/<seg>")
@console_login_required
async def update_segment(ds: str, doc: str, seg: str) -> Response:
    # The console sends the chunk's fields flat (content, answer, keywords, regenerate_child_chunks…); the
    # Knowledge API wraps them in `segment`. Both reach the same use case.
    body = await json_object()
    fields = body["segment"] if isinstance(body.get("segment"), dict) else body
    segment, form = await container().knowledge.update_segment().execute(
        UpdateSegmentRequest(
            actor=await actor(), dataset_id=dataset_id(ds), document_id=document_id(doc),
            segment_id=segment_id(seg), segment=fields,
        )
    )
    return jsonify({"data": segment_json(segment), "doc_form": form.value})


def _import_json(job) -> dict:
    # Dify's two fields, then weir's counts and reason (Dify keeps only the status).
    return {
        "job_id": str(job.id),
        "job_status": job.status.value,
        "total": job.total,
        "imported": job.imported,
        "error": job.error or None,
    }


@bp.post(DOCUMENT + "/segments/batch_import")
@console_login_required
async def batch_import(ds: str, doc: str) -> dict:
    body = await json_object()
    request_ = ImportSegmentsRequest(await actor(), dataset_id(ds), document_id(doc), body.get("upload_file_id"))
    job = await container().console.import_segments().execute(request_)
    return _import_json(job)


@bp.get("/datasets/batch_import_status/<job>")
@bp.get(DOCUMENT + "/segments/batch_import/<job>")
@console_login_required
async def batch_import_status(job: str, ds: str | None = None, doc: str | None = None) -> dict:
    named = (dataset_id(ds), document_id(doc)) if ds is not None and doc is not None else (None, None)
    job_id = path_id(job, SegmentImportNotFound)
    found = await container().knowledge.get_segment_import().execute(tenant_id(), job_id, *named)
    return _import_json(found)
