from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from domain.apps.entities import ApiToken, App, AppMode, EndUser, TokenType


@dataclass(frozen=True, slots=True)
class AppPage:
    items: list[App]
    total: int


class AppRepository(Protocol):
    async def add(self, app: App) -> None: ...

    async def get(self, app_id: UUID) -> App | None: ...

    async def update(self, app: App) -> None: ...

    async def delete(self, app_id: UUID) -> None: ...

    async def list(
        self, tenant_id: UUID, *, page: int, limit: int, mode: AppMode | None, name: str | None,
        ids: frozenset[UUID] | None = None,
    ) -> AppPage:
        """Newest first; `name` matches as a case-insensitive substring; `ids`, when given, keeps only those."""


class ApiTokenRepository(Protocol):
    async def add(self, token: ApiToken) -> None: ...

    async def find(self, token: str, type: TokenType) -> ApiToken | None:
        """The key with exactly this secret and type; a key of another type is not found."""

    async def list_for(self, tenant_id: UUID, type: TokenType, app_id: UUID | None) -> list[ApiToken]:
        """Oldest first. Dataset keys have app_id None."""

    async def delete(self, token_id: UUID) -> None: ...

    async def touch(self, token: ApiToken) -> None:
        """Persists last_used_at."""


class EndUserRepository(Protocol):
    async def find_by_session(self, app_id: UUID, session_id: str) -> EndUser | None: ...

    async def get(self, end_user_id: UUID) -> EndUser | None: ...

    async def add_if_absent(self, end_user: EndUser) -> EndUser:
        """Stores the end user unless one with the same (app, session) exists; returns the stored one.

        Two concurrent first requests of the same `user` end with one row.
        """


class SecretTokenGenerator(Protocol):
    """Draws the random part of API keys. Contract: 24 characters from [A-Za-z0-9], unpredictable."""

    def new_secret(self) -> str: ...
