"""The console's Logs & Annotations page: annotations CRUD, CSV import and export, hit histories and the
annotation-reply switch (Dify's controllers/console/app/annotation.py paths and shapes)."""

from uuid import UUID

from quart import Blueprint, Response, request

from application.annotations.configure_reply import ReplySettings
from application.annotations.edit_annotation import AnnotationInput
from domain.annotations.errors import AnnotationNotFound
from domain.apps.entities import App
from domain.files.entities import NoFileUploaded, TooManyFiles
from entrypoints.http.annotation_presenters import annotation_json, hit_json, job_json, page_json, setting_json
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import form_parts, json_object, parse_body
from entrypoints.http.deps import container
from entrypoints.http.query import limit_arg, page_arg
from entrypoints.http.service_api.schemas import AnnotationReplyBody

bp = Blueprint("console_annotations", __name__)
UNBOUNDED_LIMIT = 10**6  # Dify caps a larger limit at 100 instead of refusing it


async def _app(app_id: UUID) -> App:
    return await container().get_app().execute(console_session().tenant.id, app_id)


@bp.post("/apps/<uuid:app_id>/annotation-reply/<action>")
@console_login_required
async def configure_reply(app_id: UUID, action: str) -> dict:
    body = await parse_body(AnnotationReplyBody)
    job = (
        await container()
        .annotations.configure_reply()
        .execute(
            await _app(app_id),
            action,
            ReplySettings(body.score_threshold, body.embedding_provider_name, body.embedding_model_name),
        )
    )
    return job_json(job, with_error=False)


@bp.get("/apps/<uuid:app_id>/annotation-reply/<action>/status/<uuid:job_id>")
@console_login_required
async def reply_status(app_id: UUID, action: str, job_id: UUID) -> dict:
    app = await _app(app_id)
    return job_json(await container().annotations.get_job().execute(app.id, action, job_id))


@bp.get("/apps/<uuid:app_id>/annotation-setting")
@console_login_required
async def reply_setting(app_id: UUID) -> dict:
    app = await _app(app_id)
    return setting_json(await container().annotations.reply_setting().execute(app.id))


@bp.post("/apps/<uuid:app_id>/annotation-settings/<uuid:setting_id>")
@console_login_required
async def update_reply_setting(app_id: UUID, setting_id: UUID) -> dict:
    app, body = await _app(app_id), await json_object()
    setting = (
        await container().annotations.reply_setting().set_threshold(app.id, setting_id, body.get("score_threshold"))
    )
    return setting_json(setting)


@bp.get("/apps/<uuid:app_id>/annotations")
@console_login_required
async def list_annotations(app_id: UUID) -> dict:
    app = await _app(app_id)
    page = (
        await container()
        .annotations.list_annotations()
        .execute(app.id, page_arg(), limit_arg(maximum=UNBOUNDED_LIMIT), request.args.get("keyword", ""))
    )
    return page_json(page, annotation_json)


@bp.post("/apps/<uuid:app_id>/annotations")
@console_login_required
async def create_annotation(app_id: UUID) -> dict:
    app, body = await _app(app_id), await json_object()
    annotation = (
        await container()
        .annotations.edit_annotation()
        .execute(
            AnnotationInput(app, body.get("question"), body.get("answer"), account_id=console_session().account.id)
        )
    )
    return annotation_json(annotation)


@bp.delete("/apps/<uuid:app_id>/annotations")
@console_login_required
async def delete_annotations(app_id: UUID) -> Response:
    """`annotation_id` given (repeatable): those; none: every annotation of the app."""
    app = await _app(app_id)
    raw = request.args.getlist("annotation_id")
    ids = [_uuid(value) for value in raw] if raw else None
    await container().annotations.delete_annotations().execute(app, ids)
    return Response(status=204)


@bp.get("/apps/<uuid:app_id>/annotations/count")
@console_login_required
async def count_annotations(app_id: UUID) -> dict:
    app = await _app(app_id)
    page = await container().annotations.list_annotations().execute(app.id, 1, 1)
    return {"count": page.total}


@bp.get("/apps/<uuid:app_id>/annotations/export")
@console_login_required
async def export_annotations(app_id: UUID) -> dict:
    app = await _app(app_id)
    return {"data": [annotation_json(a) for a in await container().annotations.list_annotations().all(app.id)]}


@bp.post("/apps/<uuid:app_id>/annotations/<uuid:annotation_id>")
@console_login_required
async def update_annotation(app_id: UUID, annotation_id: UUID) -> dict:
    app, body = await _app(app_id), await json_object()
    annotation = (
        await container()
        .annotations.edit_annotation()
        .execute(AnnotationInput(app, body.get("question"), body.get("answer"), annotation_id=annotation_id))
    )
    return annotation_json(annotation)


@bp.delete("/apps/<uuid:app_id>/annotations/<uuid:annotation_id>")
@console_login_required
async def delete_annotation(app_id: UUID, annotation_id: UUID) -> Response:
    await container().annotations.delete_annotations().execute(await _app(app_id), [annotation_id])
    return Response(status=204)


@bp.post("/apps/<uuid:app_id>/annotations/batch-import")
@console_login_required
async def batch_import(app_id: UUID) -> dict:
    app = await _app(app_id)
    _, files = await form_parts()
    if "file" not in files:
        raise NoFileUploaded()
    if len(files) > 1 or len(files.getlist("file")) > 1:
        raise TooManyFiles()
    part = files["file"]
    job = (
        await container()
        .annotations.import_annotations()
        .execute(app, part.filename or "", part.read(), str(console_session().account.id))
    )
    return {**job_json(job, with_error=False), "record_count": len(job.payload["rows"])}


@bp.get("/apps/<uuid:app_id>/annotations/batch-import-status/<uuid:job_id>")
@console_login_required
async def batch_import_status(app_id: UUID, job_id: UUID) -> dict:
    app = await _app(app_id)
    return job_json(await container().annotations.get_job().execute(app.id, "import", job_id))


@bp.get("/apps/<uuid:app_id>/annotations/<uuid:annotation_id>/hit-histories")
@console_login_required
async def hit_histories(app_id: UUID, annotation_id: UUID) -> dict:
    app = await _app(app_id)
    page = (
        await container()
        .annotations.list_hit_histories()
        .execute(app.id, annotation_id, page_arg(), limit_arg(maximum=UNBOUNDED_LIMIT))
    )
    return page_json(page, hit_json)


def _uuid(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise AnnotationNotFound() from None
