"""The tool tables: rows to records and back, credentials sealed as one JSON document."""

import json
from dataclasses import asdict
from uuid import UUID

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.schema.tools import tool_api_providers, tool_builtin_providers, tool_workflow_providers
from domain.models.ports import SecretCipher
from domain.tools.errors import ToolProviderExists
from domain.tools.stored import (
    ApiToolProviderRecord,
    BuiltinCredentials,
    WorkflowToolParameter,
    WorkflowToolProviderRecord,
)


class _Sealed:
    def __init__(self, session: AsyncSession, cipher: SecretCipher) -> None:
        self._session = session
        self._cipher = cipher

    def _seal(self, credentials) -> str:
        return self._cipher.encrypt(json.dumps(dict(credentials)))

    def _open(self, sealed: str) -> dict:
        return json.loads(self._cipher.decrypt(sealed)) if sealed else {}

    async def _write(self, statement, name: str) -> None:
        try:
            async with self._session.begin_nested():
                await self._session.execute(statement)
        except IntegrityError:
            raise ToolProviderExists(f"A tool provider named {name} already exists.", param="provider") from None


class SqlaBuiltinCredentialRepository(_Sealed):
    def _record(self, row) -> BuiltinCredentials:
        return BuiltinCredentials(row.tenant_id, row.provider, self._open(row.encrypted_credentials))

    async def get(self, tenant_id: UUID, provider: str) -> BuiltinCredentials | None:
        t = tool_builtin_providers
        query = select(t).where(t.c.tenant_id == tenant_id, t.c.provider == provider)
        row = (await self._session.execute(query)).first()
        return self._record(row) if row else None

    async def for_tenant(self, tenant_id: UUID) -> list[BuiltinCredentials]:
        t = tool_builtin_providers
        rows = (await self._session.execute(select(t).where(t.c.tenant_id == tenant_id))).all()
        return [self._record(r) for r in rows]

    async def save(self, credentials: BuiltinCredentials) -> None:
        sealed = self._seal(credentials.credentials)
        statement = pg_insert(tool_builtin_providers).values(
            tenant_id=credentials.tenant_id, provider=credentials.provider, encrypted_credentials=sealed
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id", "provider"], set_={"encrypted_credentials": sealed}
            )
        )

    async def delete(self, tenant_id: UUID, provider: str) -> bool:
        t = tool_builtin_providers
        result = await self._session.execute(delete(t).where(t.c.tenant_id == tenant_id, t.c.provider == provider))
        return bool(result.rowcount)


class SqlaApiToolProviderRepository(_Sealed):
    def _record(self, row) -> ApiToolProviderRecord:
        return ApiToolProviderRecord(
            id=row.id,
            tenant_id=row.tenant_id,
            name=row.name,
            schema=row.schema,
            schema_type=row.schema_type,
            credentials=self._open(row.encrypted_credentials),
            icon=json.loads(row.icon or "{}"),
            description=row.description,
            privacy_policy=row.privacy_policy,
            custom_disclaimer=row.custom_disclaimer,
            labels=tuple(json.loads(row.labels or "[]")),
            created_by=row.created_by,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def _values(self, record: ApiToolProviderRecord) -> dict:
        return dict(
            name=record.name,
            schema=record.schema,
            schema_type=record.schema_type,
            encrypted_credentials=self._seal(record.credentials),
            icon=json.dumps(dict(record.icon)),
            description=record.description,
            privacy_policy=record.privacy_policy,
            custom_disclaimer=record.custom_disclaimer,
            labels=json.dumps(list(record.labels)),
        )

    async def _one(self, *where) -> ApiToolProviderRecord | None:
        row = (await self._session.execute(select(tool_api_providers).where(*where))).first()
        return self._record(row) if row else None

    async def by_name(self, tenant_id: UUID, name: str) -> ApiToolProviderRecord | None:
        t = tool_api_providers
        return await self._one(t.c.tenant_id == tenant_id, t.c.name == name)

    async def by_id(self, tenant_id: UUID, provider_id: UUID) -> ApiToolProviderRecord | None:
        t = tool_api_providers
        return await self._one(t.c.tenant_id == tenant_id, t.c.id == provider_id)

    async def for_tenant(self, tenant_id: UUID) -> list[ApiToolProviderRecord]:
        t = tool_api_providers
        rows = (await self._session.execute(select(t).where(t.c.tenant_id == tenant_id).order_by(t.c.created_at))).all()
        return [self._record(r) for r in rows]

    async def add(self, record: ApiToolProviderRecord) -> None:
        values = self._values(record)
        extra = {"created_at": record.created_at, "updated_at": record.updated_at} if record.created_at else {}
        await self._write(
            insert(tool_api_providers).values(
                id=record.id, tenant_id=record.tenant_id, created_by=record.created_by, **values, **extra
            ),
            record.name,
        )

    async def update(self, record: ApiToolProviderRecord) -> None:
        t = tool_api_providers
        values = self._values(record) | ({"updated_at": record.updated_at} if record.updated_at else {})
        await self._write(
            update(t).where(t.c.tenant_id == record.tenant_id, t.c.id == record.id).values(**values), record.name
        )

    async def delete(self, tenant_id: UUID, provider_id: UUID) -> bool:
        t = tool_api_providers
        result = await self._session.execute(delete(t).where(t.c.tenant_id == tenant_id, t.c.id == provider_id))
        return bool(result.rowcount)


class SqlaWorkflowToolProviderRepository(_Sealed):
    def _record(self, row) -> WorkflowToolProviderRecord:
        return WorkflowToolProviderRecord(
            id=row.id,
            tenant_id=row.tenant_id,
            app_id=row.app_id,
            name=row.name,
            label=row.label,
            icon=json.loads(row.icon or "{}"),
            description=row.description,
            parameters=tuple(WorkflowToolParameter(**p) for p in json.loads(row.parameters or "[]")),
            privacy_policy=row.privacy_policy,
            labels=tuple(json.loads(row.labels or "[]")),
            version=row.version,
            created_by=row.created_by,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def _values(self, record: WorkflowToolProviderRecord) -> dict:
        return dict(
            app_id=record.app_id,
            name=record.name,
            label=record.label,
            icon=json.dumps(dict(record.icon)),
            description=record.description,
            parameters=json.dumps([asdict(p) for p in record.parameters]),
            privacy_policy=record.privacy_policy,
            labels=json.dumps(list(record.labels)),
            version=record.version,
        )

    async def _one(self, *where) -> WorkflowToolProviderRecord | None:
        row = (await self._session.execute(select(tool_workflow_providers).where(*where))).first()
        return self._record(row) if row else None

    async def by_id(self, tenant_id: UUID, provider_id: UUID) -> WorkflowToolProviderRecord | None:
        t = tool_workflow_providers
        return await self._one(t.c.tenant_id == tenant_id, t.c.id == provider_id)

    async def by_app(self, tenant_id: UUID, app_id: UUID) -> WorkflowToolProviderRecord | None:
        t = tool_workflow_providers
        return await self._one(t.c.tenant_id == tenant_id, t.c.app_id == app_id)

    async def by_name(self, tenant_id: UUID, name: str) -> WorkflowToolProviderRecord | None:
        t = tool_workflow_providers
        return await self._one(t.c.tenant_id == tenant_id, t.c.name == name)

    async def for_tenant(self, tenant_id: UUID) -> list[WorkflowToolProviderRecord]:
        t = tool_workflow_providers
        rows = (await self._session.execute(select(t).where(t.c.tenant_id == tenant_id).order_by(t.c.created_at))).all()
        return [self._record(r) for r in rows]

    async def add(self, record: WorkflowToolProviderRecord) -> None:
        await self._write(
            insert(tool_workflow_providers).values(
                id=record.id, tenant_id=record.tenant_id, created_by=record.created_by, **self._values(record)
            ),
            record.name,
        )

    async def update(self, record: WorkflowToolProviderRecord) -> None:
        t = tool_workflow_providers
        await self._write(
            update(t)
            .where(t.c.tenant_id == record.tenant_id, t.c.id == record.id)
            .values(**self._values(record), **({"updated_at": record.updated_at} if record.updated_at else {})),
            record.name,
        )

    async def delete(self, tenant_id: UUID, provider_id: UUID) -> bool:
        t = tool_workflow_providers
        result = await self._session.execute(delete(t).where(t.c.tenant_id == tenant_id, t.c.id == provider_id))
        return bool(result.rowcount)
