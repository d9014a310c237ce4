"""The Service API's annotations: CRUD and turning annotation reply on or off (a background job)."""

from uuid import UUID

from quart import Blueprint, Response, jsonify, request

from application.annotations.configure_reply import ReplySettings
from application.annotations.edit_annotation import AnnotationInput
from domain.annotations.errors import AnnotationJobNotFound, AnnotationNotFound
from entrypoints.http.annotation_presenters import annotation_json, job_json, page_json
from entrypoints.http.auth import app_api, current_app_model
from entrypoints.http.bodies import json_object, parse_body
from entrypoints.http.deps import container
from entrypoints.http.query import limit_arg, page_arg
from entrypoints.http.service_api.schemas import AnnotationReplyBody

bp = Blueprint("service_annotations", __name__)
UNBOUNDED_LIMIT = 10**6  # Dify caps a larger limit at 100 instead of refusing it


def annotation_id(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise AnnotationNotFound() from None


@bp.get("/apps/annotations")
@app_api()
async def list_annotations() -> dict:
    page = (
        await container()
        .annotations.list_annotations()
        .execute(
            current_app_model().id, page_arg(), limit_arg(maximum=UNBOUNDED_LIMIT), request.args.get("keyword", "")
        )
    )
    return page_json(page, annotation_json)


@bp.post("/apps/annotations")
@app_api()
async def create_annotation() -> tuple[dict, int]:
    body = await json_object()
    annotation = (
        await container()
        .annotations.edit_annotation()
        .execute(AnnotationInput(current_app_model(), body.get("question"), body.get("answer")))
    )
    return annotation_json(annotation), 201


@bp.put("/apps/annotations/<raw_id>")
@app_api()
async def update_annotation(raw_id: str) -> dict:
    body = await json_object()
    annotation = (
        await container()
        .annotations.edit_annotation()
        .execute(
            AnnotationInput(
                current_app_model(), body.get("question"), body.get("answer"), annotation_id=annotation_id(raw_id)
            )
        )
    )
    return annotation_json(annotation)


@bp.delete("/apps/annotations/<raw_id>")
@app_api()
async def delete_annotation(raw_id: str) -> Response:
    await container().annotations.delete_annotations().execute(current_app_model(), [annotation_id(raw_id)])
    return Response(status=204)


@bp.post("/apps/annotation-reply/<action>")
@app_api()
async def configure_reply(action: str) -> Response:
    body = await parse_body(AnnotationReplyBody)
    job = (
        await container()
        .annotations.configure_reply()
        .execute(
            current_app_model(),
            action,
            ReplySettings(body.score_threshold, body.embedding_provider_name, body.embedding_model_name),
        )
    )
    return jsonify(job_json(job, with_error=False))


@bp.get("/apps/annotation-reply/<action>/status/<raw_job>")
@app_api()
async def reply_status(action: str, raw_job: str) -> dict:
    try:
        job_id = UUID(raw_job)
    except ValueError:
        raise AnnotationJobNotFound() from None
    job = await container().annotations.get_job().execute(current_app_model().id, action, job_id)
    return job_json(job)
