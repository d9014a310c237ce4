from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.tenancy.entities import Account, Membership, Role, SetupRecord, Tenant


class SetupRepository(Protocol):
    """Remembers that the instance was set up (Dify's dify_setups)."""

    async def get(self) -> SetupRecord | None: ...

    async def add(self, record: SetupRecord) -> None:
        """Raises AlreadySetUp when a record exists (also when another request won the race)."""


class TenantRepository(Protocol):
    async def add(self, tenant: Tenant) -> None: ...

    async def get(self, tenant_id: UUID) -> Tenant | None: ...

    async def rename(self, tenant_id: UUID, name: str, at: datetime) -> None: ...


class AccountRepository(Protocol):
    async def add(self, account: Account) -> None: ...

    async def get(self, account_id: UUID) -> Account | None: ...

    async def get_by_email(self, email: str) -> Account | None: ...

    async def first(self) -> Account | None:
        """The earliest created account (the one setup made)."""

    async def update(self, account: Account) -> None: ...

    async def add_membership(self, membership: Membership) -> None: ...

    async def current_membership(self, account_id: UUID) -> Membership | None:
        """The membership flagged current, else the oldest one; None for an account with no tenant."""

    async def members(self, tenant_id: UUID) -> list[tuple[Account, Membership]]:
        """The tenant's accounts with their seats, owner first, then by joining time."""

    async def set_role(self, tenant_id: UUID, account_id: UUID, role: Role) -> bool:
        """Gives a member another role; False when the account has no seat in the tenant."""

    async def remove_membership(self, tenant_id: UUID, account_id: UUID) -> bool:
        """Takes the account's seat in the tenant away; False when it had none."""

    async def seats_of(self, account_id: UUID) -> list[Membership]:
        """Every seat the account has, in any tenant, oldest first."""

    async def make_current(self, account_id: UUID, tenant_id: UUID) -> bool:
        """Flags the account's seat in that tenant as its current one (and no other); False when it has none."""

    async def add_refresh_token(self, digest: str, account_id: UUID, expires_at: datetime, now: datetime) -> None:
        """Remembers a refresh token (by its digest) as usable until `expires_at`; forgets the account's expired
        ones."""

    async def take_refresh_token(self, digest: str, now: datetime) -> UUID | None:
        """Forgets the unexpired refresh token with this digest and returns its account, or None (used, expired,
        never issued). Of two concurrent takes of one token, one gets the account and the other None."""


class PasswordHasher(Protocol):
    """A slow key-derivation function. Contract: `verify` is constant-time in the digest compare."""

    async def hash(self, password: str) -> tuple[str, str]:
        """Returns (digest, salt), both printable."""

    async def verify(self, password: str, digest: str, salt: str) -> bool:
        """Contract: costs one key derivation whatever the digest; an empty or malformed digest (an unknown account,
        an account without a password) takes as long as a real one and is False."""


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    refresh_expires_at: datetime
    # Dify's double-submit token: the console sends it back as X-CSRF-Token beside its cookie.
    csrf_token: str = ""


class AccessTokenIssuer(Protocol):
    """Signs and checks console session tokens.

    Contract: `account_for_access` / `account_for_refresh` / `account_for_csrf` return the account id a valid token
    names and raise InvalidAccessToken for an expired, forged or wrong-kind token. Every `issue` returns
    tokens never issued before, also for one account twice in the same second.
    """

    def issue(self, account_id: UUID) -> TokenPair: ...

    def account_for_access(self, token: str) -> UUID: ...

    def account_for_refresh(self, token: str) -> UUID: ...

    def account_for_csrf(self, token: str) -> UUID: ...

    def issue_invitation(self, account_id: UUID, tenant_id: UUID, hours: int) -> str:
        """A token for an invitation link: names the invited account and the workspace, valid for `hours`."""
        ...

    def invitation_for(self, token: str) -> tuple[UUID, UUID]:
        """(account id, tenant id) of a valid invitation token; InvalidAccessToken otherwise."""
        ...


class AttemptCounter(Protocol):
    """Counts attempts under a key for a while; every API process sharing the store sees the same counts.

    Contract: `add` counts one and (re)starts the key's expiry, so a count lasts `ttl_seconds` after its last
    attempt; `take` counts one in a fixed window that starts at the window's first attempt, unless `limit`
    are already counted there: then it returns False and changes nothing. Expired counts read as 0.
    """

    async def count(self, key: str) -> int: ...

    async def add(self, key: str, ttl_seconds: float) -> int:
        """The count after this attempt."""

    async def take(self, key: str, limit: int, window_seconds: float) -> bool: ...

    async def clear(self, key: str) -> None: ...
