from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from domain.apps.entities import ApiToken, App, AppMode, EndUser, EndUserType, TokenType
from domain.apps.installed import InstalledApp
from domain.apps.site import Site
from domain.tenancy.entities import Tenant


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

    async def find_with_owners(self, token: str, type: TokenType) -> "KeyOwners | None":
        """`find`, with the key's app (None when it has none or it is deleted) and workspace, in one query."""

    async def list_for(self, tenant_id: UUID, type: TokenType, app_id: UUID | None) -> list[ApiToken]:
        """Oldest first. Dataset keys have app_id None."""

    async def delete(self, token_id: UUID) -> None: ...

    async def touch(self, token: ApiToken) -> None:
        """Persists last_used_at."""


class EndUserRepository(Protocol):
    async def find_by_session(
        self, app_id: UUID, session_id: str, type: EndUserType = EndUserType.SERVICE_API
    ) -> EndUser | None: ...

    async def get(self, end_user_id: UUID) -> EndUser | None: ...

    async def add_if_absent(self, end_user: EndUser) -> EndUser:
        """Stores the end user unless one with the same (app, session) exists; returns the stored one.

        Two concurrent first requests of the same `user` end with one row.
        """


@dataclass(frozen=True, slots=True)
class KeyOwners:
    """An API key with what authenticating it needs: its app (app keys) and its workspace."""

    key: ApiToken
    app: App | None
    tenant: Tenant | None


class CallerCache(Protocol):
    """Keys recently authenticated, end users recently resolved and what a chat message reads before the model
    (its app's model config and provider credentials), kept a few seconds so the Service API's hot path reads
    none of them on every request.

    Contract: an entry lives at most the cache's lifetime; `forget_*` drops the matching entries in this
    process before it returns and in every other process as soon as its notice arrives (Redis pub/sub);
    a cache that cannot hear other processes' notices (Redis unreachable) answers nothing, so a revoked
    key or a disabled app is never served from it for longer than the notice takes.
    """

    def caller(self, secret: str) -> KeyOwners | None: ...

    def keep_caller(self, secret: str, owners: KeyOwners) -> None: ...

    def end_user(self, app_id: UUID, session_id: str) -> EndUser | None: ...

    def keep_end_user(self, end_user: EndUser) -> None: ...

    def published_workflow(self, app_id: UUID) -> Any | None:
        """The app's published workflow (a domain.workflows Workflow), as last kept."""

    def keep_published_workflow(self, app_id: UUID, workflow: Any) -> None: ...

    def chat_setup(self, app_id: UUID) -> Any | None:
        """The app's chat setup (application.conversations: its model config and provider credentials), as
        last kept."""

    def keep_chat_setup(self, app_id: UUID, tenant_id: UUID, setup: Any) -> None: ...

    async def forget_key(self, key_id: UUID) -> None: ...

    async def forget_app(self, app_id: UUID) -> None:
        """Drops the app's keys, end users, published workflow and chat setup (the app was changed, published,
        configured, disabled or deleted)."""

    async def forget_workspace(self, tenant_id: UUID) -> None:
        """Drops the chat setups of the workspace's apps (its provider credentials or default models changed)."""


class SecretTokenGenerator(Protocol):
    """Draws the random part of API keys. Contract: 24 characters from [A-Za-z0-9], unpredictable."""

    def new_secret(self) -> str: ...


class NoCallerCache:
    """A CallerCache that remembers nothing: every request reads the store (what a use case gets by default)."""

    def caller(self, secret: str) -> KeyOwners | None:
        return None

    def keep_caller(self, secret: str, owners: KeyOwners) -> None:
        pass

    def end_user(self, app_id: UUID, session_id: str) -> EndUser | None:
        return None

    def keep_end_user(self, end_user: EndUser) -> None:
        pass

    def published_workflow(self, app_id: UUID) -> Any | None:
        return None

    def keep_published_workflow(self, app_id: UUID, workflow: Any) -> None:
        pass

    def chat_setup(self, app_id: UUID) -> Any | None:
        return None

    def keep_chat_setup(self, app_id: UUID, tenant_id: UUID, setup: Any) -> None:
        pass

    async def forget_key(self, key_id: UUID) -> None:
        pass

    async def forget_app(self, app_id: UUID) -> None:
        pass

    async def forget_workspace(self, tenant_id: UUID) -> None:
        pass


@dataclass(frozen=True, slots=True)
class SiteOwners:
    """A site with what serving its web app needs: its app, its workspace and (when asked) one of its users."""

    site: Site
    app: App
    tenant: Tenant
    end_user: EndUser | None = None


class SiteRepository(Protocol):
    async def add(self, site: Site) -> None: ...

    async def for_app(self, app_id: UUID) -> Site | None: ...

    async def owners_by_code(self, code: str, end_user_id: UUID | None = None) -> SiteOwners | None:
        """The site with this code, its live app (not being deleted) and its workspace, in one query; with the
        app's end user `end_user_id` when given and found."""

    async def update(self, site: Site) -> None: ...


class WebAppMarks(Protocol):
    """What a web app's user keeps: saved messages and pinned conversations, each theirs alone."""

    async def save_message(self, app_id: UUID, end_user_id: UUID, message_id: UUID) -> None:
        """Idempotent: saving a saved message again changes nothing."""

    async def unsave_message(self, app_id: UUID, end_user_id: UUID, message_id: UUID) -> None: ...

    async def saved_message_ids(
        self, app_id: UUID, end_user_id: UUID, *, limit: int, before: UUID | None
    ) -> tuple[list[UUID], bool] | None:
        """Newest saved first, `limit` of them after the saved message `before` (a message id); and whether more
        follow. None when `before` is not a message this user saved."""

    async def pin(self, app_id: UUID, end_user_id: UUID, conversation_id: UUID) -> None: ...

    async def unpin(self, app_id: UUID, end_user_id: UUID, conversation_id: UUID) -> None: ...


class PassportSigner(Protocol):
    """Signs and checks web app passports. Contract: `verify` returns the claims `issue` was given, for tokens
    this signer issued; anything else (tampered, another key, not a token) raises Unauthorized."""

    def issue(self, claims: dict[str, str]) -> str: ...

    def verify(self, token: str) -> dict[str, str]: ...


class InstalledApps(Protocol):
    async def add(self, installed: InstalledApp) -> None:
        """Idempotent per (workspace, app): installing an installed app again changes nothing."""

    async def list_for(self, tenant_id: UUID, app_id: UUID | None = None) -> list[tuple[InstalledApp, App]]:
        """The workspace's installed apps whose app is live, pinned first, then most recently used, then newest."""

    async def get(self, tenant_id: UUID, installed_id: UUID) -> tuple[InstalledApp, App] | None:
        """One of the workspace's installed apps with its live app."""

    async def update(self, installed: InstalledApp) -> None: ...
