"""The annotation tables behind the annotations context's repositories."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import delete, desc, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.cached_rows import CachedRowChanges
from adapters.persistence.schema.annotations import (
    annotation_jobs,
    app_annotation_hit_histories,
    app_annotation_settings,
    message_annotations,
)
from domain.annotations.entities import (
    Annotation,
    AnnotationHit,
    AnnotationJob,
    AnnotationSetting,
    JobKind,
    JobStatus,
)

A, S, H, J = message_annotations, app_annotation_settings, app_annotation_hit_histories, annotation_jobs


def _annotation(row) -> Annotation:
    return Annotation(
        id=row.id,
        app_id=row.app_id,
        question=row.question,
        content=row.content,
        account_id=row.account_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        hit_count=row.hit_count,
        message_id=row.message_id,
    )


def _escaped(keyword: str) -> str:
    return "%" + keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class SqlaAnnotationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, annotation: Annotation) -> None:
        await self._session.execute(
            A.insert().values(
                id=annotation.id,
                app_id=annotation.app_id,
                question=annotation.question,
                content=annotation.content,
                account_id=annotation.account_id,
                created_at=annotation.created_at,
                updated_at=annotation.updated_at,
                hit_count=annotation.hit_count,
                message_id=annotation.message_id,
            )
        )

    async def get(self, app_id: UUID, annotation_id: UUID) -> Annotation | None:
        row = (await self._session.execute(select(A).where(A.c.app_id == app_id, A.c.id == annotation_id))).first()
        return _annotation(row) if row else None

    async def update(self, annotation: Annotation) -> None:
        await self._session.execute(
            update(A)
            .where(A.c.id == annotation.id)
            .values(question=annotation.question, content=annotation.content, updated_at=annotation.updated_at)
        )

    async def delete(self, app_id: UUID, annotation_ids: Sequence[UUID]) -> None:
        # hit histories go with them (ON DELETE CASCADE)
        await self._session.execute(delete(A).where(A.c.app_id == app_id, A.c.id.in_(list(annotation_ids))))

    async def page(self, app_id: UUID, page: int, limit: int, keyword: str = "") -> tuple[list[Annotation], int]:
        where = [A.c.app_id == app_id]
        if keyword:
            pattern = _escaped(keyword)
            where.append(or_(A.c.question.ilike(pattern, escape="\\"), A.c.content.ilike(pattern, escape="\\")))
        total = (await self._session.execute(select(func.count()).select_from(A).where(*where))).scalar_one()
        stmt = select(A).where(*where).order_by(desc(A.c.created_at), desc(A.c.id)).offset((page - 1) * limit)
        rows = (await self._session.execute(stmt.limit(limit))).all()
        return [_annotation(r) for r in rows], total

    async def all(self, app_id: UUID) -> list[Annotation]:
        stmt = select(A).where(A.c.app_id == app_id).order_by(desc(A.c.created_at), desc(A.c.id))
        return [_annotation(r) for r in (await self._session.execute(stmt)).all()]

    async def count_hit(self, annotation_id: UUID) -> None:
        await self._session.execute(update(A).where(A.c.id == annotation_id).values(hit_count=A.c.hit_count + 1))


class SqlaAnnotationSettingRepository:
    def __init__(self, session: AsyncSession, changes: CachedRowChanges | None = None) -> None:
        self._session = session
        self._changes = changes or CachedRowChanges()  # whether reply is on comes with the cached model config

    async def get(self, app_id: UUID) -> AnnotationSetting | None:
        row = (await self._session.execute(select(S).where(S.c.app_id == app_id))).first()
        if row is None:
            return None
        return AnnotationSetting(
            id=row.id,
            app_id=row.app_id,
            score_threshold=row.score_threshold,
            embedding_provider=row.embedding_provider_name,
            embedding_model=row.embedding_model_name,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    async def save(self, setting: AnnotationSetting) -> None:
        self._changes.apps.add(setting.app_id)
        values = dict(
            score_threshold=setting.score_threshold,
            embedding_provider_name=setting.embedding_provider,
            embedding_model_name=setting.embedding_model,
            updated_at=setting.updated_at,
        )
        stmt = insert(S).values(id=setting.id, app_id=setting.app_id, created_at=setting.created_at, **values)
        await self._session.execute(stmt.on_conflict_do_update(index_elements=["app_id"], set_=values))

    async def delete(self, app_id: UUID) -> None:
        self._changes.apps.add(app_id)
        await self._session.execute(delete(S).where(S.c.app_id == app_id))


class SqlaAnnotationHitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, hit: AnnotationHit) -> None:
        await self._session.execute(
            H.insert().values(
                id=hit.id,
                app_id=hit.app_id,
                annotation_id=hit.annotation_id,
                source=hit.source,
                question=hit.query,
                score=hit.score,
                message_id=hit.message_id,
                annotation_question=hit.annotation_question,
                annotation_content=hit.annotation_content,
                account_id=hit.account_id,
                end_user_id=hit.end_user_id,
                created_at=hit.created_at,
            )
        )

    async def page(self, app_id: UUID, annotation_id: UUID, page: int, limit: int) -> tuple[list[AnnotationHit], int]:
        where = (H.c.app_id == app_id, H.c.annotation_id == annotation_id)
        total = (await self._session.execute(select(func.count()).select_from(H).where(*where))).scalar_one()
        stmt = select(H).where(*where).order_by(desc(H.c.created_at), desc(H.c.id)).offset((page - 1) * limit)
        rows = (await self._session.execute(stmt.limit(limit))).all()
        return [
            AnnotationHit(
                id=r.id,
                annotation_id=r.annotation_id,
                app_id=r.app_id,
                source=r.source,
                query=r.question,
                score=r.score,
                message_id=r.message_id,
                annotation_question=r.annotation_question,
                annotation_content=r.annotation_content,
                created_at=r.created_at,
                end_user_id=r.end_user_id,
                account_id=r.account_id,
            )
            for r in rows
        ], total


def _job(row) -> AnnotationJob:
    return AnnotationJob(
        id=row.id,
        app_id=row.app_id,
        kind=JobKind(row.kind),
        created_at=row.created_at,
        status=JobStatus(row.status),
        error=row.error,
        payload=row.payload,
    )


class SqlaAnnotationJobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, job: AnnotationJob) -> None:
        await self._session.execute(
            J.insert().values(
                id=job.id,
                app_id=job.app_id,
                kind=job.kind.value,
                status=job.status.value,
                error=job.error,
                payload=job.payload,
                created_at=job.created_at,
            )
        )

    async def get(self, job_id: UUID) -> AnnotationJob | None:
        row = (await self._session.execute(select(J).where(J.c.id == job_id))).first()
        return _job(row) if row else None

    async def update(self, job: AnnotationJob) -> None:
        await self._session.execute(
            update(J).where(J.c.id == job.id).values(status=job.status.value, error=job.error, payload=job.payload)
        )

    async def unfinished(self, app_id: UUID) -> AnnotationJob | None:
        stmt = (
            select(J)
            .where(
                J.c.app_id == app_id,
                J.c.kind != JobKind.IMPORT.value,
                J.c.status.in_([JobStatus.WAITING.value, JobStatus.PROCESSING.value]),
            )
            .order_by(desc(J.c.created_at))
            .limit(1)
        )
        row = (await self._session.execute(stmt)).first()
        return _job(row) if row else None
