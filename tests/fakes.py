"""Hand-written doubles for the core's ports: in-memory, with just enough behaviour to be honest."""

import copy
import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

from domain.apps.entities import ApiToken, App, AppMode, EndUser, TokenType
from domain.apps.ports import AppPage
from domain.telemetry.points import MetricPoint
from domain.telemetry.records import MessageRecord, NodeExecutionRecord, WorkflowRunRecord
from domain.telemetry.spans import SpanRecord
from domain.tenancy.entities import Account, Membership, SetupRecord, Tenant
from domain.tenancy.errors import AlreadySetUp, InvalidAccessToken
from domain.tenancy.ports import TokenPair


class FixedClock:
    def __init__(self, at: datetime | None = None) -> None:
        self.at = at or datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, **kwargs: float) -> None:
        self.at += timedelta(**kwargs)


class SequentialIds:
    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def new_id(self) -> UUID:
        return UUID(int=next(self._counter))


class FakeSecrets:
    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def new_secret(self) -> str:
        return f"{next(self._counter):024d}"


class FakeHasher:
    async def hash(self, password: str) -> tuple[str, str]:
        return f"hashed:{password}", "salt"

    async def verify(self, password: str, digest: str, salt: str) -> bool:
        return digest == f"hashed:{password}" and salt == "salt"


class FakeTokenIssuer:
    """Readable tokens (`kind:account:serial`), each pair new; refresh tokens last 30 days of the given clock."""

    def __init__(self, clock: FixedClock | None = None) -> None:
        self._clock = clock or FixedClock()
        self._serial = itertools.count(1)

    def issue(self, account_id: UUID) -> TokenPair:
        n = next(self._serial)
        return TokenPair(
            access_token=f"access:{account_id}:{n}", refresh_token=f"refresh:{account_id}:{n}",
            refresh_expires_at=self._clock.now() + timedelta(days=30),
        )

    def account_for_access(self, token: str) -> UUID:
        return self._read(token, "access")

    def account_for_refresh(self, token: str) -> UUID:
        return self._read(token, "refresh")

    def _read(self, token: str, kind: str) -> UUID:
        prefix, _, raw = token.partition(":")
        if prefix != kind:
            raise InvalidAccessToken()
        return UUID(raw.partition(":")[0])


class _Store:
    """The committed state the fake unit of work loads from and saves to."""

    def __init__(self) -> None:
        self.setups: list[SetupRecord] = []
        self.tenants: dict[UUID, Tenant] = {}
        self.accounts: dict[UUID, Account] = {}
        self.memberships: list[Membership] = []
        self.refresh_tokens: dict[str, tuple[UUID, datetime]] = {}  # digest -> (account, expires at)
        self.apps: dict[UUID, App] = {}
        self.tokens: dict[UUID, ApiToken] = {}
        self.end_users: dict[UUID, EndUser] = {}
        self.runs: dict[UUID, WorkflowRunRecord] = {}
        self.nodes: dict[UUID, NodeExecutionRecord] = {}
        self.messages: dict[UUID, MessageRecord] = {}
        self.trace_keys: set[str] = set()


class _Repo:
    def __init__(self, state: _Store) -> None:
        self.s = state


class FakeSetupRepository(_Repo):
    async def get(self) -> SetupRecord | None:
        return self.s.setups[0] if self.s.setups else None

    async def add(self, record: SetupRecord) -> None:
        if self.s.setups:
            raise AlreadySetUp()
        self.s.setups.append(record)


class FakeTenantRepository(_Repo):
    async def add(self, tenant: Tenant) -> None:
        self.s.tenants[tenant.id] = tenant

    async def get(self, tenant_id: UUID) -> Tenant | None:
        return self.s.tenants.get(tenant_id)


class FakeAccountRepository(_Repo):
    async def add(self, account: Account) -> None:
        self.s.accounts[account.id] = account

    async def get(self, account_id: UUID) -> Account | None:
        return self.s.accounts.get(account_id)

    async def get_by_email(self, email: str) -> Account | None:
        return next((a for a in self.s.accounts.values() if a.email == email), None)

    async def first(self) -> Account | None:
        return min(self.s.accounts.values(), key=lambda a: (a.created_at, a.id), default=None)

    async def update(self, account: Account) -> None:
        self.s.accounts[account.id] = account

    async def add_membership(self, membership: Membership) -> None:
        self.s.memberships.append(membership)

    async def current_membership(self, account_id: UUID) -> Membership | None:
        mine = [m for m in self.s.memberships if m.account_id == account_id]
        return sorted(mine, key=lambda m: (not m.current, m.created_at))[0] if mine else None

    async def add_refresh_token(self, digest: str, account_id: UUID, expires_at: datetime, now: datetime) -> None:
        tokens = self.s.refresh_tokens
        for stale in [d for d, (owner, until) in tokens.items() if owner == account_id and until <= now]:
            del tokens[stale]
        tokens[digest] = (account_id, expires_at)

    async def take_refresh_token(self, digest: str, now: datetime) -> UUID | None:
        owner, until = self.s.refresh_tokens.pop(digest, (None, now))
        return owner if until > now else None


class FakeAppRepository(_Repo):
    async def add(self, app: App) -> None:
        self.s.apps[app.id] = app

    async def get(self, app_id: UUID) -> App | None:
        return self.s.apps.get(app_id)

    async def update(self, app: App) -> None:
        self.s.apps[app.id] = app

    async def delete(self, app_id: UUID) -> None:
        self.s.apps.pop(app_id, None)
        for token in [t for t in self.s.tokens.values() if t.app_id == app_id]:
            del self.s.tokens[token.id]

    async def list(self, tenant_id: UUID, *, page: int, limit: int, mode: AppMode | None, name: str | None) -> AppPage:
        found = [
            a for a in self.s.apps.values()
            if a.tenant_id == tenant_id and (mode is None or a.mode == mode)
            and (not name or name.lower() in a.name.lower())
        ]
        found.sort(key=lambda a: (a.created_at, a.id), reverse=True)
        return AppPage(items=found[(page - 1) * limit: page * limit], total=len(found))


class FakeApiTokenRepository(_Repo):
    async def add(self, token: ApiToken) -> None:
        self.s.tokens[token.id] = token

    async def find(self, token: str, type: TokenType) -> ApiToken | None:
        return next((t for t in self.s.tokens.values() if t.token == token and t.type == type), None)

    async def list_for(self, tenant_id: UUID, type: TokenType, app_id: UUID | None) -> list[ApiToken]:
        found = [t for t in self.s.tokens.values() if t.tenant_id == tenant_id and t.type == type and t.app_id == app_id]
        return sorted(found, key=lambda t: (t.created_at, t.id))

    async def delete(self, token_id: UUID) -> None:
        self.s.tokens.pop(token_id, None)

    async def touch(self, token: ApiToken) -> None:
        self.s.tokens[token.id] = replace(self.s.tokens[token.id], last_used_at=token.last_used_at)


class FakeEndUserRepository(_Repo):
    async def find_by_session(self, app_id: UUID, session_id: str) -> EndUser | None:
        return next((u for u in self.s.end_users.values() if u.app_id == app_id and u.session_id == session_id), None)

    async def get(self, end_user_id: UUID) -> EndUser | None:
        return self.s.end_users.get(end_user_id)

    async def add_if_absent(self, end_user: EndUser) -> EndUser:
        existing = await self.find_by_session(end_user.app_id, end_user.session_id)
        if existing:
            return existing
        self.s.end_users[end_user.id] = end_user
        return end_user


class FakeTelemetryRepository(_Repo):
    async def workflow_run(self, run_id: UUID) -> WorkflowRunRecord | None:
        return self.s.runs.get(run_id)

    async def node_executions(self, run_id: UUID) -> list[NodeExecutionRecord]:
        return sorted((n for n in self.s.nodes.values() if n.workflow_run_id == run_id), key=lambda n: n.index)

    async def node_execution(self, node_execution_id: UUID) -> NodeExecutionRecord | None:
        return self.s.nodes.get(node_execution_id)

    async def message(self, message_id: UUID) -> MessageRecord | None:
        return self.s.messages.get(message_id)

    async def claim(self, trace_key: str) -> bool:
        if trace_key in self.s.trace_keys:
            return False
        self.s.trace_keys.add(trace_key)
        return True


class RecordingSink:
    def __init__(self) -> None:
        self.points: list[MetricPoint] = []

    def emit(self, points: list[MetricPoint]) -> None:
        self.points.extend(points)

    def named(self, name: str) -> list[MetricPoint]:
        return [p for p in self.points if p.instrument.name == name]


class RecordingExporter:
    def __init__(self) -> None:
        self.spans: list[SpanRecord] = []

    def export(self, spans: list[SpanRecord]) -> None:
        self.spans.extend(spans)


class FakeUnitOfWork:
    """The fake database and its unit-of-work factory (what use cases take): each call opens a block that
    works on a copy of the committed state; `commit()` publishes the copy, leaving the block drops it."""

    def __init__(self, committed: _Store | None = None) -> None:
        self.committed = committed or _Store()
        self.commits = 0

    def __call__(self) -> "FakeUnitOfWorkBlock":
        return FakeUnitOfWorkBlock(self)


class FakeUnitOfWorkBlock:
    """One `async with` over a FakeUnitOfWork's state."""

    def __init__(self, db: FakeUnitOfWork) -> None:
        self._db = db

    async def __aenter__(self) -> "FakeUnitOfWorkBlock":
        self._working = copy.deepcopy(self._db.committed)
        self.setups = FakeSetupRepository(self._working)
        self.tenants = FakeTenantRepository(self._working)
        self.accounts = FakeAccountRepository(self._working)
        self.apps = FakeAppRepository(self._working)
        self.api_tokens = FakeApiTokenRepository(self._working)
        self.end_users = FakeEndUserRepository(self._working)
        self.telemetry = FakeTelemetryRepository(self._working)
        return self

    async def __aexit__(self, *exc: object) -> None:
        del self._working

    async def commit(self) -> None:
        self._db.committed = copy.deepcopy(self._working)
        self._db.commits += 1

    async def rollback(self) -> None:
        self._working.__dict__.update(copy.deepcopy(self._db.committed).__dict__)
