from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class AppMode(StrEnum):
    CHAT = "chat"
    COMPLETION = "completion"
    AGENT_CHAT = "agent-chat"
    ADVANCED_CHAT = "advanced-chat"
    WORKFLOW = "workflow"

    @property
    def is_chat(self) -> bool:
        return self in (AppMode.CHAT, AppMode.AGENT_CHAT, AppMode.ADVANCED_CHAT)


class AppStatus(StrEnum):
    NORMAL = "normal"
    DELETING = "deleting"  # gone for every reader; its data is being removed in the background


class IconType(StrEnum):
    EMOJI = "emoji"
    IMAGE = "image"


@dataclass
class App:
    id: UUID
    tenant_id: UUID
    name: str
    mode: AppMode
    created_by: UUID
    created_at: datetime
    updated_at: datetime
    description: str = ""
    icon_type: IconType = IconType.EMOJI
    icon: str = "🤖"
    icon_background: str = "#FFEAD5"
    status: AppStatus = AppStatus.NORMAL
    enable_site: bool = True
    enable_api: bool = True
    max_active_requests: int | None = None
    use_icon_as_answer_icon: bool = False
    updated_by: UUID | None = None

    def rename(self, name: str, description: str, at: datetime, by: UUID) -> None:
        self.name = name
        self.description = description
        self.touch(at, by)

    def set_api_enabled(self, enabled: bool, at: datetime, by: UUID) -> None:
        self.enable_api = enabled
        self.touch(at, by)

    def touch(self, at: datetime, by: UUID) -> None:
        self.updated_at = at
        self.updated_by = by

    def mark_deleted(self, at: datetime) -> None:
        self.status = AppStatus.DELETING
        self.updated_at = at


class TokenType(StrEnum):
    APP = "app"
    DATASET = "dataset"

    @property
    def prefix(self) -> str:
        return f"{self.value}-"


@dataclass
class ApiToken:
    """A Service API key. App keys belong to an app; dataset keys to the whole tenant."""

    id: UUID
    tenant_id: UUID
    type: TokenType
    token: str
    created_at: datetime
    app_id: UUID | None = None
    last_used_at: datetime | None = None

    # Writing last_used_at on every request would turn each read into a write; once a minute is enough.
    USAGE_WRITE_INTERVAL_SECONDS = 60

    def mark_used(self, at: datetime) -> bool:
        """Records use; returns True when the change is worth persisting."""
        if self.last_used_at and (at - self.last_used_at).total_seconds() < self.USAGE_WRITE_INTERVAL_SECONDS:
            return False
        self.last_used_at = at
        return True


MAX_KEYS_PER_OWNER = 10


class EndUserType(StrEnum):
    SERVICE_API = "service-api"
    TRIGGER = "trigger"  # who a triggered run (webhook, schedule) runs as: one per app (Dify's)
    BROWSER = "browser"  # a visitor of the app's web app, known by the session id of their passport


DEFAULT_END_USER_SESSION = "DEFAULT-USER"


@dataclass
class EndUser:
    """A user of an integrator's product, named by the `user` string the integrator passes."""

    id: UUID
    tenant_id: UUID
    app_id: UUID
    session_id: str
    is_anonymous: bool
    created_at: datetime
    updated_at: datetime
    type: EndUserType = EndUserType.SERVICE_API
    name: str | None = None

    @property
    def external_user_id(self) -> str:
        return self.session_id
