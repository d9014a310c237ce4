"""Segments (chunks) of a document and their child chunks."""

from quart import Blueprint, Response, jsonify, request

from application.knowledge.create_segments import CreateSegmentsRequest
from application.knowledge.list_child_chunks import ListChildChunksRequest
from application.knowledge.list_segments import ListSegmentsRequest
from application.knowledge.update_segment import UpdateSegmentRequest
from domain.knowledge.errors import ChildChunkNotFound
from entrypoints.http.auth import dataset_api
from entrypoints.http.bodies import json_object
from entrypoints.http.dataset_api.presenters import child_json, segment_json
from entrypoints.http.dataset_api.requests import (
    actor,
    dataset_id,
    document_id,
    page_json,
    path_id,
    segment_id,
    tenant_id,
)
from entrypoints.http.deps import container
from entrypoints.http.query import limit_arg, page_arg

bp = Blueprint("dataset_segments", __name__)

SEGMENTS = "/datasets/<ds>/documents/<doc>/segments"
SEGMENT = SEGMENTS + "/<seg>"


@bp.post(SEGMENTS)
@dataset_api
async def create_segments(ds: str, doc: str) -> Response:
    body = await json_object()
    created = await container().knowledge.create_segments().execute(
        CreateSegmentsRequest(actor=await actor(), dataset_id=dataset_id(ds), document_id=document_id(doc),
                              segments=body.get("segments"))
    )
    form = (await container().knowledge.get_segment().execute(
        tenant_id(), dataset_id(ds), document_id(doc), created[0].id))[1]
    return jsonify({"data": [segment_json(s) for s in created], "doc_form": form.value})


@bp.get(SEGMENTS)
@dataset_api
async def list_segments(ds: str, doc: str) -> Response:
    page, limit = page_arg(), limit_arg()
    statuses = request.args.getlist("status") + request.args.getlist("status[]")
    found, form = await container().knowledge.list_segments().execute(
        ListSegmentsRequest(tenant_id=tenant_id(), dataset_id=dataset_id(ds), document_id=document_id(doc), page=page,
                            limit=limit, keyword=request.args.get("keyword"), statuses=[s for s in statuses if s])
    )
    return jsonify({**page_json([segment_json(s) for s in found.items], found.total, page, limit),
                    "doc_form": form.value})


@bp.get(SEGMENT)
@dataset_api
async def get_segment(ds: str, doc: str, seg: str) -> Response:
    segment, form = await container().knowledge.get_segment().execute(
        tenant_id(), dataset_id(ds), document_id(doc), segment_id(seg)
    )
    return jsonify({"data": segment_json(segment), "doc_form": form.value})


@bp.post(SEGMENT)
@bp.patch(SEGMENT)
@dataset_api
async def update_segment(ds: str, doc: str, seg: str) -> Response:
    body = await json_object()
    segment, form = await container().knowledge.update_segment().execute(
        UpdateSegmentRequest(actor=await actor(), dataset_id=dataset_id(ds), document_id=document_id(doc),
                             segment_id=segment_id(seg), segment=body.get("segment"))
    )
    return jsonify({"data": segment_json(segment), "doc_form": form.value})


@bp.delete(SEGMENT)
@dataset_api
async def delete_segment(ds: str, doc: str, seg: str) -> Response:
    await container().knowledge.delete_segment().execute(tenant_id(), dataset_id(ds), document_id(doc), segment_id(seg))
    return Response(status=204)


@bp.post(SEGMENT + "/child_chunks")
@dataset_api
async def create_child_chunk(ds: str, doc: str, seg: str) -> Response:
    body = await json_object()
    child = await container().knowledge.create_child_chunk().execute(
        await actor(), dataset_id(ds), document_id(doc), segment_id(seg), body.get("content")
    )
    return jsonify({"data": child_json(child)})


@bp.get(SEGMENT + "/child_chunks")
@dataset_api
async def list_child_chunks(ds: str, doc: str, seg: str) -> Response:
    page, limit = page_arg(), limit_arg()
    found = await container().knowledge.list_child_chunks().execute(
        ListChildChunksRequest(tenant_id=tenant_id(), dataset_id=dataset_id(ds), document_id=document_id(doc),
                               segment_id=segment_id(seg), page=page, limit=limit, keyword=request.args.get("keyword"))
    )
    return jsonify({"data": [child_json(c) for c in found.items], "total": found.total,
                    "total_pages": -(-found.total // limit), "page": page, "limit": limit})


@bp.patch(SEGMENT + "/child_chunks/<child>")
@dataset_api
async def update_child_chunk(ds: str, doc: str, seg: str, child: str) -> Response:
    body = await json_object()
    updated = await container().knowledge.update_child_chunk().execute(
        await actor(), dataset_id(ds), document_id(doc), segment_id(seg), path_id(child, ChildChunkNotFound),
        body.get("content"),
    )
    return jsonify({"data": child_json(updated)})


@bp.delete(SEGMENT + "/child_chunks/<child>")
@dataset_api
async def delete_child_chunk(ds: str, doc: str, seg: str, child: str) -> Response:
    await container().knowledge.delete_child_chunk().execute(
        tenant_id(), dataset_id(ds), document_id(doc), segment_id(seg), path_id(child, ChildChunkNotFound)
    )
    return Response(status=204)
