from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import String, delete, func, literal, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.schema.knowledge import dataset_metadatas, datasets, documents
from adapters.persistence.schema.tenancy import accounts
from domain.knowledge.metadata import MetadataField, MetadataType, built_in_values

m = dataset_metadatas.c
d = documents.c


def _without(name: str):
    return d.doc_metadata.op("-", return_type=JSONB)(literal(name, String))


def _field(row, count: int = 0) -> MetadataField:
    return MetadataField(
        id=row.id,
        tenant_id=row.tenant_id,
        dataset_id=row.dataset_id,
        name=row.name,
        type=MetadataType(row.type),
        created_at=row.created_at,
        created_by=row.created_by,
        count=count,
    )


class SqlaMetadataRepository:
    """Custom fields in `dataset_metadatas`; values in `documents.doc_metadata`, a JSON object by field name."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, field: MetadataField) -> None:
        await self._session.execute(
            dataset_metadatas.insert().values(
                id=field.id,
                tenant_id=field.tenant_id,
                dataset_id=field.dataset_id,
                type=field.type.value,
                name=field.name,
                created_by=field.created_by,
                created_at=field.created_at,
                updated_at=field.created_at,
            )
        )

    async def get(self, dataset_id: UUID, metadata_id: UUID) -> MetadataField | None:
        stmt = select(dataset_metadatas).where(m.dataset_id == dataset_id, m.id == metadata_id)
        row = (await self._session.execute(stmt)).first()
        return _field(row) if row else None

    async def list(self, dataset_id: UUID) -> list[MetadataField]:
        count = (
            select(func.count()).where(d.dataset_id == m.dataset_id, d.doc_metadata.has_key(m.name)).scalar_subquery()
        )
        stmt = select(dataset_metadatas, count.label("used")).where(m.dataset_id == dataset_id)
        rows = (await self._session.execute(stmt.order_by(m.created_at, m.id))).all()
        return [_field(r, int(r.used)) for r in rows]

    async def name_taken(self, dataset_id: UUID, name: str) -> bool:
        stmt = select(m.id).where(m.dataset_id == dataset_id, m.name == name).limit(1)
        return (await self._session.execute(stmt)).first() is not None

    async def rename(self, field: MetadataField, old_name: str) -> None:
        await self._session.execute(
            update(dataset_metadatas).where(m.id == field.id).values(name=field.name, updated_at=func.now())
        )
        moved = _without(old_name).op("||", return_type=JSONB)(
            func.jsonb_build_object(field.name, d.doc_metadata.op("->", return_type=JSONB)(literal(old_name, String)))
        )
        await self._session.execute(
            update(documents)
            .where(d.dataset_id == field.dataset_id, d.doc_metadata.has_key(old_name))
            .values(doc_metadata=moved)
        )

    async def delete(self, field: MetadataField) -> None:
        await self._session.execute(delete(dataset_metadatas).where(m.id == field.id))
        await self._session.execute(
            update(documents)
            .where(d.dataset_id == field.dataset_id, d.doc_metadata.has_key(field.name))
            .values(doc_metadata=_without(field.name))
        )

    async def set_built_in(self, dataset_id: UUID, enabled: bool) -> None:
        await self._session.execute(
            update(datasets).where(datasets.c.id == dataset_id).values(built_in_field_enabled=enabled)
        )

    async def built_in_enabled(self, dataset_id: UUID) -> bool:
        stmt = select(datasets.c.built_in_field_enabled).where(datasets.c.id == dataset_id)
        return bool((await self._session.execute(stmt)).scalar())

    async def values(self, dataset_id: UUID, document_ids: Sequence[UUID]) -> dict[UUID, dict]:
        if not document_ids:
            return {}
        stmt = select(d.id, d.doc_metadata).where(d.dataset_id == dataset_id, d.id.in_(list(document_ids)))
        return {r.id: dict(r.doc_metadata or {}) for r in (await self._session.execute(stmt)).all()}

    async def built_in_values(self, dataset_id: UUID, document_ids: Sequence[UUID]) -> dict[UUID, dict]:
        if not document_ids:
            return {}
        stmt = (
            select(d.id, d.name, d.created_at, d.updated_at, d.data_source_type, accounts.c.name.label("uploader"))
            .select_from(documents.outerjoin(accounts, accounts.c.id == d.created_by))
            .where(d.dataset_id == dataset_id, d.id.in_(list(document_ids)))
        )
        return {
            r.id: built_in_values(r.name, r.uploader, r.created_at, r.updated_at, r.data_source_type)
            for r in (await self._session.execute(stmt)).all()
        }

    async def set_values(self, document_id: UUID, values: dict) -> None:
        await self._session.execute(update(documents).where(d.id == document_id).values(doc_metadata=values))
