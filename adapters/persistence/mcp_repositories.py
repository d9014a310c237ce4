"""Workspace MCP servers and apps served over MCP (the McpProviderRepository and AppMcpServerRepository ports).

A provider's URL and headers are sealed by the SecretCipher before they reach the table and opened when read.
"""

import contextlib
import hashlib
import json
from dataclasses import asdict
from typing import Any
from uuid import UUID

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.schema import app_mcp_servers, tool_mcp_providers
from domain.models.ports import SecretCipher
from domain.tools.entities import ParameterForm, ParameterOption, ParameterType, Tool, ToolParameter
from domain.tools.mcp import AppMcpServer, McpProvider, McpServerStatus

P = tool_mcp_providers
S = app_mcp_servers


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def tools_json(tools: list[Tool]) -> str:
    return json.dumps([asdict(t) for t in tools], ensure_ascii=False, default=str)


def tools_from_json(text: str) -> list[Tool]:
    try:
        items = json.loads(text or "[]")
    except ValueError:
        return []
    return [
        Tool(
            name=item["name"],
            label=item.get("label") or item["name"],
            description=item.get("description") or "",
            parameters=tuple(_parameter(p) for p in item.get("parameters") or ()),
        )
        for item in items
        if isinstance(item, dict) and item.get("name")
    ]


def _parameter(item: dict[str, Any]) -> ToolParameter:
    return ToolParameter(
        name=item["name"],
        type=ParameterType(item.get("type") or "string"),
        form=ParameterForm(item.get("form") or "llm"),
        required=bool(item.get("required")),
        label=item.get("label") or "",
        human_description=item.get("human_description") or "",
        llm_description=item.get("llm_description") or "",
        default=item.get("default"),
        options=tuple(ParameterOption(o["value"], o.get("label", "")) for o in item.get("options") or ()),
        min=item.get("min"),
        max=item.get("max"),
    )


class SqlaMcpProviderRepository:
    def __init__(self, session: AsyncSession, cipher: SecretCipher) -> None:
        self._session = session
        self._cipher = cipher

    def _provider(self, row) -> McpProvider:
        headers = json.loads(self._cipher.decrypt(row.headers)) if row.headers else {}
        return McpProvider(
            id=row.id,
            tenant_id=row.tenant_id,
            name=row.name,
            server_identifier=row.server_identifier,
            server_url=self._cipher.decrypt(row.server_url),
            headers=headers,
            icon=row.icon,
            timeout=row.timeout,
            sse_read_timeout=row.sse_read_timeout,
            tools=tools_from_json(row.tools),
            user_id=row.user_id,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def _values(self, provider: McpProvider) -> dict[str, Any]:
        return dict(
            name=provider.name,
            server_identifier=provider.server_identifier,
            server_url=self._cipher.encrypt(provider.server_url),
            server_url_hash=url_hash(provider.server_url),
            headers=self._cipher.encrypt(json.dumps(provider.headers)) if provider.headers else "",
            icon=provider.icon,
            timeout=provider.timeout,
            sse_read_timeout=provider.sse_read_timeout,
            tools=tools_json(provider.tools),
            updated_at=provider.updated_at,
        )

    async def get(self, tenant_id: UUID, provider_id: UUID) -> McpProvider | None:
        row = (await self._session.execute(select(P).where(P.c.tenant_id == tenant_id, P.c.id == provider_id))).first()
        return self._provider(row) if row else None

    async def find(self, tenant_id: UUID, key: str) -> McpProvider | None:
        match = P.c.server_identifier == key
        with contextlib.suppress(ValueError):  # not an id: only the identifier can match
            match = or_(match, P.c.id == UUID(key))
        row = (await self._session.execute(select(P).where(P.c.tenant_id == tenant_id, match).limit(1))).first()
        return self._provider(row) if row else None

    async def for_tenant(self, tenant_id: UUID) -> list[McpProvider]:
        rows = (await self._session.execute(select(P).where(P.c.tenant_id == tenant_id).order_by(P.c.name))).all()
        return [self._provider(r) for r in rows]

    async def clash(self, provider: McpProvider) -> str | None:
        rows = (
            await self._session.execute(
                select(P.c.name, P.c.server_url_hash, P.c.server_identifier).where(
                    P.c.tenant_id == provider.tenant_id,
                    P.c.id != provider.id,
                    or_(
                        P.c.name == provider.name,
                        P.c.server_url_hash == url_hash(provider.server_url),
                        P.c.server_identifier == provider.server_identifier,
                    ),
                )
            )
        ).all()
        for row in rows:
            if row.name == provider.name:
                return "name"
            if row.server_url_hash == url_hash(provider.server_url):
                return "server_url"
            return "server_identifier"
        return None

    async def add(self, provider: McpProvider) -> None:
        await self._session.execute(
            P.insert().values(
                id=provider.id,
                tenant_id=provider.tenant_id,
                user_id=provider.user_id,
                created_at=provider.created_at,
                **self._values(provider),
            )
        )

    async def save(self, provider: McpProvider) -> None:
        await self._session.execute(
            update(P).where(P.c.tenant_id == provider.tenant_id, P.c.id == provider.id).values(**self._values(provider))
        )

    async def delete(self, tenant_id: UUID, provider_id: UUID) -> bool:
        result = await self._session.execute(delete(P).where(P.c.tenant_id == tenant_id, P.c.id == provider_id))
        return bool(result.rowcount)


def _server(row) -> AppMcpServer:
    try:
        parameters = json.loads(row.parameters or "{}")
    except ValueError:
        parameters = {}
    return AppMcpServer(
        id=row.id,
        tenant_id=row.tenant_id,
        app_id=row.app_id,
        name=row.name,
        description=row.description,
        server_code=row.server_code,
        status=McpServerStatus(row.status),
        parameters=parameters if isinstance(parameters, dict) else {},
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlaAppMcpServerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _one(self, *where) -> AppMcpServer | None:
        row = (await self._session.execute(select(S).where(*where).limit(1))).first()
        return _server(row) if row else None

    async def for_app(self, app_id: UUID) -> AppMcpServer | None:
        return await self._one(S.c.app_id == app_id)

    async def get(self, tenant_id: UUID, server_id: UUID) -> AppMcpServer | None:
        return await self._one(S.c.tenant_id == tenant_id, S.c.id == server_id)

    async def by_code(self, server_code: str) -> AppMcpServer | None:
        return await self._one(S.c.server_code == server_code)

    def _values(self, server: AppMcpServer) -> dict[str, Any]:
        return dict(
            name=server.name,
            description=server.description,
            server_code=server.server_code,
            status=server.status.value,
            parameters=json.dumps(server.parameters, ensure_ascii=False),
            updated_at=server.updated_at,
        )

    async def add(self, server: AppMcpServer) -> None:
        await self._session.execute(
            S.insert().values(
                id=server.id,
                tenant_id=server.tenant_id,
                app_id=server.app_id,
                created_at=server.created_at,
                **self._values(server),
            )
        )

    async def save(self, server: AppMcpServer) -> None:
        await self._session.execute(update(S).where(S.c.id == server.id).values(**self._values(server)))
