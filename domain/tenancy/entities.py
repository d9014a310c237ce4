from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class TenantStatus(StrEnum):
    NORMAL = "normal"
    ARCHIVE = "archive"


class AccountStatus(StrEnum):
    PENDING = "pending"
    UNINITIALIZED = "uninitialized"
    ACTIVE = "active"
    BANNED = "banned"
    CLOSED = "closed"


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    EDITOR = "editor"
    NORMAL = "normal"
    DATASET_OPERATOR = "dataset_operator"


@dataclass
class Tenant:
    """A workspace: everything a team owns (apps, keys, datasets) hangs off one."""

    id: UUID
    name: str
    created_at: datetime
    updated_at: datetime
    plan: str = "basic"
    status: TenantStatus = TenantStatus.NORMAL

    @property
    def is_archived(self) -> bool:
        return self.status == TenantStatus.ARCHIVE


@dataclass
class Account:
    id: UUID
    name: str
    email: str
    password_hash: str
    password_salt: str
    created_at: datetime
    updated_at: datetime
    status: AccountStatus = AccountStatus.ACTIVE
    interface_language: str = "en-US"
    timezone: str = "UTC"
    initialized_at: datetime | None = None
    last_login_at: datetime | None = None
    last_login_ip: str | None = None

    @property
    def can_log_in(self) -> bool:
        return self.status in (AccountStatus.ACTIVE, AccountStatus.PENDING)

    def record_login(self, at: datetime, ip: str | None) -> None:
        self.last_login_at = at
        self.last_login_ip = ip
        self.updated_at = at


@dataclass
class Membership:
    """An account's seat in a tenant (Dify's tenant_account_joins row)."""

    id: UUID
    tenant_id: UUID
    account_id: UUID
    role: Role
    created_at: datetime
    current: bool = True


@dataclass(frozen=True, slots=True)
class SetupRecord:
    version: str
    setup_at: datetime


@dataclass(frozen=True, slots=True)
class Workspace:
    """What the console shows of the account's current tenant."""

    tenant: Tenant
    role: Role
