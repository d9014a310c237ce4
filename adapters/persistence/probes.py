from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.shared.health import ProbeResult


class PostgresProbe:
    def __init__(self, engine: AsyncEngine, embedded: bool) -> None:
        self._engine = engine
        self._embedded = embedded

    async def check(self) -> ProbeResult:
        kind = "embedded" if self._embedded else "external"
        try:
            async with self._engine.connect() as conn:
                version = (await conn.execute(text("SHOW server_version"))).scalar_one()
                revision = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
        except Exception as exc:  # a probe reports, it never raises
            return ProbeResult("database", False, {"kind": kind, "error": type(exc).__name__})
        return ProbeResult("database", True, {"kind": kind, "server_version": version, "migration": revision or ""})


class PgvectorProbe:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def check(self) -> ProbeResult:
        try:
            async with self._engine.connect() as conn:
                version = (
                    await conn.execute(text("SELECT extversion FROM pg_extension WHERE extname = 'vector'"))
                ).scalar()
        except Exception as exc:
            return ProbeResult("vector_store", False, {"kind": "pgvector", "error": type(exc).__name__})
        if version is None:
            detail = {"kind": "pgvector", "error": "extension vector is not installed"}
            return ProbeResult("vector_store", False, detail)
        return ProbeResult("vector_store", True, {"kind": "pgvector", "version": version})
