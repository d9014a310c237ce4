"""Annotations, their hits and jobs in Dify's shapes (fields/annotation_fields.py), for both APIs."""

from typing import Any

from application.annotations.list_annotations import Page
from domain.annotations.entities import Annotation, AnnotationHit, AnnotationJob, AnnotationSetting
from entrypoints.http.presenters import epoch


def annotation_json(annotation: Annotation) -> dict[str, Any]:
    return {
        "id": str(annotation.id),
        "question": annotation.question,
        "answer": annotation.content,
        "hit_count": annotation.hit_count,
        "created_at": epoch(annotation.created_at),
    }


def page_json(page: Page, item) -> dict[str, Any]:
    return {
        "data": [item(x) for x in page.items],
        "has_more": page.has_more,
        "limit": page.limit,
        "total": page.total,
        "page": page.page,
    }


def hit_json(hit: AnnotationHit) -> dict[str, Any]:
    return {
        "id": str(hit.id),
        "source": hit.source,
        "score": hit.score,
        "question": hit.query,
        "created_at": epoch(hit.created_at),
        "match": hit.annotation_question,
        "response": hit.annotation_content,
    }


def job_json(job: AnnotationJob, with_error: bool = True) -> dict[str, Any]:
    body = {"job_id": str(job.id), "job_status": job.status.value}
    if with_error:
        body["error_msg"] = job.error
    return body


def setting_json(setting: AnnotationSetting | None) -> dict[str, Any]:
    if setting is None:
        return {"enabled": False}
    return {
        "id": str(setting.id),
        "enabled": True,
        "score_threshold": setting.score_threshold,
        "embedding_model": {
            "embedding_provider_name": setting.embedding_provider,
            "embedding_model_name": setting.embedding_model,
        },
    }
