"""Hit testing (`POST /datasets/{id}/retrieve`) and the embedding models a dataset can use."""

from quart import Blueprint, Response, jsonify

from application.knowledge.hit_testing import HitTestRequest
from domain.knowledge.retrieval import RetrievedRecord
from entrypoints.http.auth import dataset_api
from entrypoints.http.bodies import json_object
from entrypoints.http.dataset_api.presenters import segment_json
from entrypoints.http.dataset_api.requests import actor, dataset_id, tenant_id
from entrypoints.http.deps import container

bp = Blueprint("dataset_retrieval", __name__)


def _record_json(record: RetrievedRecord) -> dict:
    document = record.document
    segment = segment_json(record.segment, children=False)
    segment.pop("updated_at")
    segment.pop("updated_by")
    segment["document"] = {
        "id": str(document.id),
        "data_source_type": document.data_source_type,
        "name": document.name,
        "doc_type": None,
        "doc_metadata": None,
    }
    return {
        "segment": segment,
        "child_chunks": [
            {"id": str(c.id), "content": c.content, "position": c.position, "score": c.score or 0.0}
            for c in record.child_chunks
        ],
        "score": record.score,
        "tsne_position": None,
        "files": [],
        "summary": None,
    }


@bp.post("/datasets/<raw_id>/retrieve")
@bp.post("/datasets/<raw_id>/hit-testing")
@dataset_api
async def retrieve(raw_id: str) -> Response:
    body = await json_object()
    records = (
        await container()
        .knowledge.hit_test()
        .execute(
            HitTestRequest(
                actor=await actor(),
                dataset_id=dataset_id(raw_id),
                query=body.get("query"),
                retrieval_model=body.get("retrieval_model"),
            )
        )
    )
    return jsonify({"query": {"content": body.get("query")}, "records": [_record_json(r) for r in records]})


def _label(text: str) -> dict:
    return {"en_US": text, "zh_Hans": text}


@bp.get("/workspaces/current/models/model-types/<model_type>")
@dataset_api
async def list_models(model_type: str) -> Response:
    grouped = await container().knowledge.list_embedding_models().execute(tenant_id(), model_type)
    return jsonify(
        {
            "data": [
                {
                    "provider": provider,
                    "label": _label("weir (local)" if provider == "weir_local" else provider),
                    "icon_small": _label(""),
                    "icon_small_dark": _label(""),
                    "status": "active",
                    "tenant_id": str(tenant_id()),
                    "models": [
                        {
                            "model": m.model,
                            "label": _label(m.label),
                            "model_type": model_type,
                            "features": None,
                            "fetch_from": "predefined-model",
                            "model_properties": {"context_size": 256, "max_chunks": 32} if m.dimension else {},
                            "status": "active",
                            "deprecated": False,
                            "load_balancing_enabled": False,
                            "has_invalid_load_balancing_configs": False,
                        }
                        for m in models
                    ],
                }
                for provider, models in grouped.items()
            ]
        }
    )
