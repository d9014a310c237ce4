from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import SimpleNamespace
from uuid import UUID

from psycopg.types.json import Jsonb
from sqlalchemy import and_, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence import driver_sql
from adapters.persistence.knowledge_datasets import like_pattern
from adapters.persistence.knowledge_mappers import DOCUMENT_FIELDS, document_from, document_values
from adapters.persistence.schema.conversations import upload_files
from adapters.persistence.schema.knowledge import dataset_process_rules, documents
from domain.knowledge.document import IN_PROGRESS, Document, IndexingStatus
from domain.knowledge.process_rule import ProcessRule, parse_process_rule
from domain.knowledge.repositories import Page, UploadedFile

d = documents.c
_NOT_PAUSED = d.is_paused.is_(False)
_FINISHED = d.indexing_status.in_(["completed", "error"])
_DISPLAY = {
    "queuing": and_(d.indexing_status == "waiting", _NOT_PAUSED),
    "indexing": and_(d.indexing_status.in_([s.value for s in IN_PROGRESS]), _NOT_PAUSED),
    "paused": and_(d.is_paused.is_(True), ~_FINISHED),
    "error": d.indexing_status == "error",
    "available": and_(d.indexing_status == "completed", d.enabled.is_(True), d.archived.is_(False)),
    "disabled": and_(d.indexing_status == "completed", d.enabled.is_(False), d.archived.is_(False)),
    "archived": and_(d.indexing_status == "completed", d.archived.is_(True)),
}


# A document is read and written several times by its indexing job (each status change): on the session's psycopg
# connection, as statements made once, not built and compiled by SQLAlchemy on every call (bench/README.md).
_COLUMNS = tuple(documents.c.keys())
_GET_BY_ID = f"SELECT {', '.join(_COLUMNS)} FROM documents WHERE id = %(id)s"
_UPDATE = driver_sql.update_sql(documents, ["id", *DOCUMENT_FIELDS, "doc_form", "indexing_status"])


class SqlaDocumentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, document: Document) -> None:
        await self._session.execute(documents.insert().values(id=document.id, **document_values(document)))

    async def get(self, dataset_id: UUID, document_id: UUID) -> Document | None:
        stmt = select(documents).where(d.dataset_id == dataset_id, d.id == document_id)
        row = (await self._session.execute(stmt)).first()
        return document_from(row) if row else None

    async def get_by_id(self, document_id: UUID) -> Document | None:
        rows = await driver_sql.execute(self._session, _GET_BY_ID, {"id": document_id})
        return document_from(SimpleNamespace(**dict(zip(_COLUMNS, rows[0], strict=True)))) if rows else None

    async def update(self, document: Document) -> None:
        values = document_values(document)
        values["data_source_info"] = Jsonb(values["data_source_info"])
        await driver_sql.execute(self._session, _UPDATE, {"id": document.id, **values})

    async def lock_dataset_indexing(self, dataset_id: UUID) -> None:
        await self._session.execute(
            select(func.pg_advisory_xact_lock(func.hashtext(f"weir:dataset-indexing:{dataset_id}")))
        )

    async def others_to_index(self, dataset_id: UUID, document_id: UUID, statuses: Sequence[IndexingStatus]) -> bool:
        stmt = select(d.id).where(
            d.dataset_id == dataset_id, d.id != document_id, d.is_paused.is_(False),
            d.indexing_status.in_([s.value for s in statuses]),
        ).limit(1)
        return (await self._session.execute(stmt)).first() is not None

    async def delete(self, document_id: UUID) -> None:
        await self._session.execute(delete(documents).where(d.id == document_id))

    async def next_position(self, dataset_id: UUID) -> int:
        stmt = select(func.coalesce(func.max(d.position), 0)).where(d.dataset_id == dataset_id)
        return int((await self._session.execute(stmt)).scalar_one()) + 1

    async def list(
        self, dataset_id: UUID, *, page: int, limit: int, keyword: str | None, display_status: str | None
    ) -> Page[Document]:
        where = [d.dataset_id == dataset_id]
        if keyword:
            where.append(d.name.ilike(like_pattern(keyword), escape="\\"))
        if display_status:
            where.append(_DISPLAY[display_status])
        total = (await self._session.execute(select(func.count()).select_from(documents).where(*where))).scalar_one()
        stmt = select(documents).where(*where).order_by(d.position.desc()).offset((page - 1) * limit).limit(limit)
        return Page([document_from(r) for r in (await self._session.execute(stmt)).all()], total)

    async def in_batch(self, dataset_id: UUID, batch: str) -> list[Document]:
        stmt = select(documents).where(d.dataset_id == dataset_id, d.batch == batch).order_by(d.position)
        return [document_from(r) for r in (await self._session.execute(stmt)).all()]

    async def many(self, dataset_id: UUID, document_ids: Sequence[UUID]) -> list[Document]:
        if not document_ids:
            return []
        stmt = select(documents).where(d.dataset_id == dataset_id, d.id.in_(list(document_ids))).order_by(d.position)
        return [document_from(r) for r in (await self._session.execute(stmt)).all()]

    async def available_ids(self, dataset_id: UUID) -> tuple[list[UUID], bool]:
        stmt = select(d.id, _DISPLAY["available"]).where(d.dataset_id == dataset_id)
        rows = (await self._session.execute(stmt)).all()
        return [r[0] for r in rows if r[1]], all(r[1] for r in rows)

    async def unfinished(self, statuses: Sequence[IndexingStatus], updated_before: datetime) -> list[Document]:
        stmt = (
            select(documents)
            .where(d.indexing_status.in_([s.value for s in statuses]), d.updated_at <= updated_before, _NOT_PAUSED)
            .order_by(d.updated_at)
        )
        return [document_from(r) for r in (await self._session.execute(stmt)).all()]

    async def add_process_rule(self, rule_id: UUID, dataset_id: UUID, rule: ProcessRule, by: UUID | None) -> None:
        body = rule.to_dict()
        await self._session.execute(
            dataset_process_rules.insert().values(
                id=rule_id, dataset_id=dataset_id, mode=body["mode"], rules=body["rules"], created_by=by
            )
        )

    async def process_rule(self, rule_id: UUID) -> ProcessRule | None:
        stmt = select(dataset_process_rules).where(dataset_process_rules.c.id == rule_id)
        row = (await self._session.execute(stmt)).first()
        return parse_process_rule({"mode": row.mode, "rules": row.rules}) if row else None

    async def add_upload(self, upload: UploadedFile) -> None:
        await self._session.execute(
            upload_files.insert().values(
                id=upload.id, tenant_id=upload.tenant_id, storage_type="local", key=upload.key, name=upload.name,
                size=upload.size, extension=upload.extension, mime_type=upload.mime_type, created_by_role="account",
                created_by=upload.created_by or upload.tenant_id, created_at=upload.created_at, used=True,
            )
        )

    async def upload(self, upload_id: UUID) -> UploadedFile | None:
        row = (await self._session.execute(select(upload_files).where(upload_files.c.id == upload_id))).first()
        if row is None:
            return None
        return UploadedFile(
            id=row.id, tenant_id=row.tenant_id, name=row.name, key=row.key, size=row.size, extension=row.extension,
            mime_type=row.mime_type, created_by=row.created_by, created_at=row.created_at,
        )
