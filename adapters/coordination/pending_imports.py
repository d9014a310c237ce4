"""DSL imports waiting for the user's confirmation: in this process's memory for the single-process embedded
mode, or in Redis (one key per workspace and import, expiring by itself), shared by every API process."""

import json
import time
from collections.abc import Callable
from uuid import UUID

import redis.asyncio as redis

from domain.shared.errors import StoreUnavailable
from domain.workflows.dsl import PendingImport


def _record(pending: PendingImport) -> str:
    return json.dumps(
        {
            "id": str(pending.id),
            "tenant_id": str(pending.tenant_id),
            "account_id": str(pending.account_id),
            "yaml_content": pending.yaml_content,
            "overrides": pending.overrides,
            "app_id": str(pending.app_id) if pending.app_id else None,
        }
    )


def _pending(record: str | bytes) -> PendingImport:
    data = json.loads(record)
    return PendingImport(
        id=UUID(data["id"]),
        tenant_id=UUID(data["tenant_id"]),
        account_id=UUID(data["account_id"]),
        yaml_content=data["yaml_content"],
        overrides=dict(data.get("overrides") or {}),
        app_id=UUID(data["app_id"]) if data.get("app_id") else None,
    )


class InProcessPendingImports:
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._kept: dict[tuple[UUID, UUID], tuple[PendingImport, float]] = {}  # (tenant, id) -> (import, expires)

    async def keep(self, pending: PendingImport, ttl_seconds: float) -> None:
        now = self._now()
        self._kept = {k: v for k, v in self._kept.items() if v[1] > now}  # few and short-lived: sweep each time
        self._kept[(pending.tenant_id, pending.id)] = (pending, now + ttl_seconds)

    async def take(self, tenant_id: UUID, import_id: UUID) -> PendingImport | None:
        found = self._kept.pop((tenant_id, import_id), None)
        if found is None or found[1] <= self._now():
            return None
        return found[0]


class RedisPendingImports:
    """`app_import:<tenant>:<id>`, written with an expiry and read with GETDEL, so one confirmation wins."""

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    async def keep(self, pending: PendingImport, ttl_seconds: float) -> None:
        try:
            await self._redis.set(
                _key(pending.tenant_id, pending.id), _record(pending), px=max(1, int(ttl_seconds * 1000))
            )
        except redis.RedisError as error:
            raise _unavailable() from error

    async def take(self, tenant_id: UUID, import_id: UUID) -> PendingImport | None:
        try:
            record = await self._redis.getdel(_key(tenant_id, import_id))
        except redis.RedisError as error:
            raise _unavailable() from error
        return _pending(record) if record is not None else None


def _key(tenant_id: UUID, import_id: UUID) -> str:
    return f"weir:app_import:{tenant_id}:{import_id}"


def _unavailable() -> StoreUnavailable:
    return StoreUnavailable("The store of imports waiting for confirmation (Redis) is unavailable.")
