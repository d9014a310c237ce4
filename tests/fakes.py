"""Hand-written doubles for the core's ports: in-memory, with just enough behaviour to be honest."""

import asyncio
import copy
import itertools
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from uuid import UUID

from domain.apps.entities import ApiToken, App, AppMode, AppStatus, EndUser, TokenType
from domain.apps.installed import InstalledApp
from domain.apps.model_config import AppModelConfig
from domain.apps.ports import AppPage, KeyOwners
from domain.apps.site import Site
from domain.conversations.agent_thoughts import AgentThought
from domain.conversations.entities import Conversation, Feedback, Message, MessageStatus
from domain.conversations.ports import Page
from domain.files.entities import UploadFile
from domain.models.entities import ChatChunk, ChatMessage, ChatRequest, ToolCall, Usage
from domain.models.providers import DefaultModel, ProviderCredentials
from domain.telemetry.points import MetricPoint
from domain.telemetry.records import EventTimes, MessageRecord, NodeExecutionRecord, WorkflowRunRecord
from domain.telemetry.spans import SpanRecord
from domain.tenancy.entities import Account, Membership, Role, SetupRecord, Tenant
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
            refresh_expires_at=self._clock.now() + timedelta(days=30), csrf_token=f"csrf:{account_id}:{n}",
        )

    def account_for_access(self, token: str) -> UUID:
        return self._read(token, "access")

    def account_for_refresh(self, token: str) -> UUID:
        return self._read(token, "refresh")

    def account_for_csrf(self, token: str) -> UUID:
        return self._read(token, "csrf")

    def issue_invitation(self, account_id: UUID, tenant_id: UUID, hours: int) -> str:
        return f"invite:{account_id}:{tenant_id}"

    def invitation_for(self, token: str) -> tuple[UUID, UUID]:
        account = self._read(token, "invite")
        return account, UUID(token.split(":")[2])

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
        self.message_records: dict[UUID, MessageRecord] = {}  # what telemetry reads of a message
        self.trace_keys: set[str] = set()
        self.model_configs: dict[UUID, AppModelConfig] = {}  # every version, by config id
        self.current_configs: dict[UUID, UUID] = {}  # app id -> its current config id (apps.app_model_config_id)
        self.providers: dict[tuple[UUID | None, str], ProviderCredentials] = {}
        self.default_models: dict[tuple[UUID, str], DefaultModel] = {}
        self.conversations: dict[UUID, Conversation] = {}
        self.messages: dict[UUID, Message] = {}
        self.feedbacks: dict[UUID, Feedback] = {}
        self.uploads: dict[UUID, UploadFile] = {}
        self.used_uploads: set[UUID] = set()
        self.agent_thoughts: dict[UUID, AgentThought] = {}
        self.sites: dict[UUID, Site] = {}  # by app id
        self.installed_apps: dict[UUID, InstalledApp] = {}


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

    async def rename(self, tenant_id: UUID, name: str, at: datetime) -> None:
        tenant = self.s.tenants[tenant_id]
        tenant.name, tenant.updated_at = name, at


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

    async def members(self, tenant_id: UUID) -> list[tuple[Account, Membership]]:
        seats = sorted((m for m in self.s.memberships if m.tenant_id == tenant_id),
                       key=lambda m: (m.role != Role.OWNER, m.created_at))
        return [(self.s.accounts[m.account_id], m) for m in seats]

    async def set_role(self, tenant_id: UUID, account_id: UUID, role: Role) -> bool:
        seat = next((m for m in self.s.memberships if (m.tenant_id, m.account_id) == (tenant_id, account_id)), None)
        if seat is not None:
            seat.role = role
        return seat is not None

    async def seats_of(self, account_id: UUID) -> list[Membership]:
        return sorted((m for m in self.s.memberships if m.account_id == account_id), key=lambda m: m.created_at)

    async def make_current(self, account_id: UUID, tenant_id: UUID) -> bool:
        mine = [m for m in self.s.memberships if m.account_id == account_id]
        if not any(m.tenant_id == tenant_id for m in mine):
            return False
        for seat in mine:
            seat.current = seat.tenant_id == tenant_id
        return True

    async def remove_membership(self, tenant_id: UUID, account_id: UUID) -> bool:
        kept = [m for m in self.s.memberships if (m.tenant_id, m.account_id) != (tenant_id, account_id)]
        removed = len(kept) < len(self.s.memberships)
        self.s.memberships[:] = kept
        return removed

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

    async def list(
        self, tenant_id: UUID, *, page: int, limit: int, mode: AppMode | None, name: str | None,
        ids: frozenset[UUID] | None = None,
    ) -> AppPage:
        found = [
            a for a in self.s.apps.values()
            if a.tenant_id == tenant_id and (mode is None or a.mode == mode) and (ids is None or a.id in ids)
            and (not name or name.lower() in a.name.lower())
        ]
        found.sort(key=lambda a: (a.created_at, a.id), reverse=True)
        return AppPage(items=found[(page - 1) * limit: page * limit], total=len(found))


class FakeApiTokenRepository(_Repo):
    async def add(self, token: ApiToken) -> None:
        self.s.tokens[token.id] = token

    async def find(self, token: str, type: TokenType) -> ApiToken | None:
        return next((t for t in self.s.tokens.values() if t.token == token and t.type == type), None)

    async def find_with_owners(self, token: str, type: TokenType) -> KeyOwners | None:
        key = await self.find(token, type)
        if key is None:
            return None
        app = self.s.apps.get(key.app_id) if key.app_id else None
        if app is not None and app.status == AppStatus.DELETING:
            app = None
        return KeyOwners(key=key, app=app, tenant=self.s.tenants.get(key.tenant_id))

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


class FakeSiteRepository(_Repo):
    async def add(self, site: Site) -> None:
        self.s.sites[site.app_id] = site

    async def for_app(self, app_id: UUID) -> Site | None:
        return self.s.sites.get(app_id)

    async def update(self, site: Site) -> None:
        self.s.sites[site.app_id] = site


class FakeInstalledApps(_Repo):
    async def add(self, installed: InstalledApp) -> None:
        if not any(i.tenant_id == installed.tenant_id and i.app_id == installed.app_id
                   for i in self.s.installed_apps.values()):
            self.s.installed_apps[installed.id] = installed


class FakeTelemetryRepository(_Repo):
    async def workflow_run(self, run_id: UUID) -> WorkflowRunRecord | None:
        return self.s.runs.get(run_id)

    async def node_executions(self, run_id: UUID) -> list[NodeExecutionRecord]:
        return sorted((n for n in self.s.nodes.values() if n.workflow_run_id == run_id), key=lambda n: n.index)

    async def node_execution(self, node_execution_id: UUID) -> NodeExecutionRecord | None:
        return self.s.nodes.get(node_execution_id)

    async def message(self, message_id: UUID) -> MessageRecord | None:
        return self.s.message_records.get(message_id)

    async def claim(self, trace_key: str) -> bool:
        if trace_key in self.s.trace_keys:
            return False
        self.s.trace_keys.add(trace_key)
        return True

    async def claim_all(self, trace_keys) -> set[str]:
        return {key for key in trace_keys if await self.claim(key)}

    async def claim_with(self, trace_key: str, also) -> set[str]:
        return {trace_key} | await self.claim_all(also) if await self.claim(trace_key) else set()


T = TypeVar("T")


def _row(entity: T) -> T:
    """What a database round trip gives: a copy, so changing an entity does nothing until `update`."""
    return copy.deepcopy(entity)


def _insert(table: dict, key: object, entity: object) -> None:
    if key in table:
        raise ValueError(f"duplicate key {key!r}")  # the primary key's unique violation
    table[key] = _row(entity)


def _keyset_page(rows: list[T], key: Callable[[T], tuple], anchor: T | None, limit: int, descending: bool) -> Page[T]:
    """The rows after `anchor` in the (key, id) order, as the SQL repositories page them."""
    rows = sorted(rows, key=key, reverse=descending)
    if anchor is not None:
        rows = [r for r in rows if (key(r) < key(anchor) if descending else key(r) > key(anchor))]
    return Page(items=[_row(r) for r in rows[:limit]], has_more=len(rows) > limit)


class FakeAppModelConfigRepository(_Repo):
    async def current(self, app_id: UUID) -> AppModelConfig | None:
        config_id = self.s.current_configs.get(app_id)
        return _row(self.s.model_configs[config_id]) if config_id is not None else None

    async def add(self, config: AppModelConfig) -> None:
        _insert(self.s.model_configs, config.id, config)
        if config.app_id in self.s.apps:  # the SQL repository points the app's row at it: no row, no current
            self.s.current_configs[config.app_id] = config.id


class FakeProviderRepository(_Repo):
    async def get(self, tenant_id: UUID, provider: str) -> ProviderCredentials | None:
        return self.s.providers.get((tenant_id, provider))

    async def for_tenant(self, tenant_id: UUID) -> list[ProviderCredentials]:
        return sorted((p for (t, _), p in self.s.providers.items() if t == tenant_id), key=lambda p: p.provider)

    async def save(self, credentials: ProviderCredentials) -> None:
        self.s.providers[(credentials.tenant_id, credentials.provider)] = credentials

    async def defaults(self, tenant_id: UUID) -> list[DefaultModel]:
        return [d for (t, _), d in self.s.default_models.items() if t == tenant_id]

    async def save_default(self, tenant_id: UUID, default: DefaultModel) -> None:
        self.s.default_models[(tenant_id, default.model_type)] = default


_CONVERSATION_SORTS = {
    "created_at": (lambda c: (c.created_at, c.id), False),
    "-created_at": (lambda c: (c.created_at, c.id), True),
    "updated_at": (lambda c: (c.updated_at, c.id), False),
    "-updated_at": (lambda c: (c.updated_at, c.id), True),
}


class FakeConversationRepository(_Repo):
    async def add(self, conversation: Conversation) -> None:
        _insert(self.s.conversations, conversation.id, conversation)

    async def get(self, conversation_id: UUID) -> Conversation | None:
        found = self.s.conversations.get(conversation_id)
        return _row(found) if found is not None and not found.is_deleted else None

    async def update(self, conversation: Conversation) -> None:
        if conversation.id in self.s.conversations:
            self.s.conversations[conversation.id] = _row(conversation)

    async def list_for(
        self, app_id: UUID, end_user_id: UUID, *, last_id: UUID | None, limit: int, sort_by: str
    ) -> Page[Conversation] | None:
        key, descending = _CONVERSATION_SORTS[sort_by]
        mine = [
            c for c in self.s.conversations.values()
            if c.app_id == app_id and c.from_end_user_id == end_user_id and not c.is_deleted
        ]
        anchor = None
        if last_id is not None:
            anchor = next((c for c in mine if c.id == last_id), None)
            if anchor is None:
                return None
        return _keyset_page(mine, key, anchor, limit, descending)


def _by_time(message: Message) -> tuple:
    return message.created_at, message.id


class FakeMessageRepository(_Repo):
    async def add(self, message: Message) -> None:
        _insert(self.s.messages, message.id, message)

    async def get(self, message_id: UUID) -> Message | None:
        found = self.s.messages.get(message_id)
        return _row(found) if found is not None else None

    async def many(self, message_ids: list[UUID]) -> list[Message]:
        return [_row(self.s.messages[i]) for i in message_ids if i in self.s.messages]

    async def update(self, message: Message) -> None:
        if message.id in self.s.messages:
            self.s.messages[message.id] = _row(message)

    async def save_progress(self, message_id: UUID, answer: str) -> None:
        stored = self.s.messages.get(message_id)
        if stored is not None and stored.status is MessageStatus.GENERATING:
            self.s.messages[message_id] = replace(stored, answer=answer)

    async def save_progress_many(self, answers: dict[UUID, str]) -> None:
        for message_id, answer in answers.items():
            await self.save_progress(message_id, answer)

    def _of(self, conversation_id: UUID) -> list[Message]:
        return sorted((m for m in self.s.messages.values() if m.conversation_id == conversation_id), key=_by_time)

    def _answered(self, conversation_id: UUID) -> list[Message]:
        return [m for m in self._of(conversation_id) if m.answer != "" and m.status is not MessageStatus.GENERATING]

    async def first(self, conversation_id: UUID) -> Message | None:
        answered = self._answered(conversation_id)
        return _row(answered[0]) if answered else None

    async def history(self, conversation_id: UUID, limit: int) -> list[Message]:
        answered = self._answered(conversation_id)
        return [_row(m) for m in answered[max(len(answered) - limit, 0):]]

    async def page(self, conversation_id: UUID, *, first_id: UUID | None, limit: int) -> Page[Message] | None:
        messages = self._of(conversation_id)
        anchor = None
        if first_id is not None:
            anchor = next((m for m in messages if m.id == first_id), None)
            if anchor is None:
                return None
        return _keyset_page(messages, _by_time, anchor, limit, descending=True)


class FakeAgentThoughtRepository(_Repo):
    async def add(self, thought: AgentThought) -> None:
        _insert(self.s.agent_thoughts, thought.id, thought)

    async def for_messages(self, message_ids: Sequence[UUID]) -> dict[UUID, list[AgentThought]]:
        found: dict[UUID, list[AgentThought]] = {}
        for thought in sorted(self.s.agent_thoughts.values(), key=lambda t: t.position):
            if thought.message_id in message_ids:
                found.setdefault(thought.message_id, []).append(_row(thought))
        return found


class FakeFeedbackRepository(_Repo):
    async def for_message(self, message_id: UUID) -> Feedback | None:
        found = next(
            (f for f in self.s.feedbacks.values() if f.message_id == message_id and f.from_source == "user"), None
        )
        return _row(found) if found is not None else None

    async def save(self, feedback: Feedback) -> None:
        existing = next(
            (f for f in self.s.feedbacks.values()
             if f.message_id == feedback.message_id and f.from_source == feedback.from_source),
            None,
        )
        if existing is None:
            _insert(self.s.feedbacks, feedback.id, feedback)
        else:  # the upsert on (message_id, from_source) changes only the rating, content and updated_at
            self.s.feedbacks[existing.id] = replace(
                existing, rating=feedback.rating, content=feedback.content, updated_at=feedback.updated_at
            )

    async def delete(self, feedback_id: UUID) -> None:
        self.s.feedbacks.pop(feedback_id, None)

    async def page(self, app_id: UUID, *, page: int, limit: int) -> list[Feedback]:
        found = sorted(
            (f for f in self.s.feedbacks.values() if f.app_id == app_id),
            key=lambda f: (f.created_at, f.id), reverse=True,
        )
        return [_row(f) for f in found[(page - 1) * limit: page * limit]]


class FakeUploadFileRepository(_Repo):
    async def add(self, upload: UploadFile) -> None:
        _insert(self.s.uploads, upload.id, upload)

    async def get(self, file_id: UUID) -> UploadFile | None:
        return self.s.uploads.get(file_id)

    async def mark_used(self, file_id: UUID, used_by: UUID) -> None:
        self.s.used_uploads.add(file_id)


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
    works on a copy of the committed state; `commit()` publishes the copy, leaving the block drops it.

    It implements the repositories of the UnitOfWork port but workflows and workflow_runs."""

    def __init__(self, committed: _Store | None = None) -> None:
        self.committed = committed or _Store()
        self.commits = 0
        self.open = 0  # blocks open now: what a real database would hold a connection for

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
        self.sites = FakeSiteRepository(self._working)
        self.installed_apps = FakeInstalledApps(self._working)
        self.telemetry = FakeTelemetryRepository(self._working)
        self.model_configs = FakeAppModelConfigRepository(self._working)
        self.providers = FakeProviderRepository(self._working)
        self.conversations = FakeConversationRepository(self._working)
        self.messages = FakeMessageRepository(self._working)
        self.agent_thoughts = FakeAgentThoughtRepository(self._working)
        self.feedbacks = FakeFeedbackRepository(self._working)
        self.uploads = FakeUploadFileRepository(self._working)
        self._db.open += 1
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._db.open -= 1
        del self._working

    async def commit(self) -> None:
        self._db.committed = copy.deepcopy(self._working)
        self._db.commits += 1

    async def rollback(self) -> None:
        self._working.__dict__.update(copy.deepcopy(self._db.committed).__dict__)


SCRIPTED_USAGE = Usage.of(11, 3)


@dataclass
class Script:
    """How the ScriptedChatModel answers one request: the deltas, in order, then the final chunk's usage.

    `usage=None` is a provider that reports none. With `hold`, the model waits for the event after
    `hold_after` deltas (all of them by default): a slow answer, time to stop it or to fill the app's slots.
    With `error`, it raises that instead of the final chunk: a provider failure after the deltas, or before
    anything was streamed when there are none.
    """

    deltas: tuple[str, ...] = ("Hello", " world")
    usage: Usage | None = SCRIPTED_USAGE
    error: Exception | None = None
    hold: asyncio.Event | None = None
    hold_after: int | None = None
    tool_calls: tuple[ToolCall, ...] = ()  # carried by the final chunk (finish_reason tool_calls)


class ScriptedChatModel:
    """A ChatModel (and its factory) answering each request with the next Script, the default one when none is
    left. Records the requests, and how many streams ended or were closed (a cancelled one must close too)."""

    def __init__(self, *scripts: Script) -> None:
        self.scripts = list(scripts)
        self.requests: list[ChatRequest] = []
        self.credentials: list[ProviderCredentials] = []
        self.closed = 0
        self.on_request: Callable[[ChatRequest], None] | None = None  # runs as the provider is called

    def for_credentials(self, credentials: ProviderCredentials) -> "ScriptedChatModel":
        self.credentials.append(credentials)
        return self

    async def stream(self, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]:
        self.requests.append(request)  # nothing is sent before iteration starts: this runs on the first one
        if self.on_request is not None:
            self.on_request(request)
        script = self.scripts.pop(0) if self.scripts else Script()
        try:
            hold_after = len(script.deltas) if script.hold_after is None else script.hold_after
            for index, delta in enumerate(script.deltas):
                if index == hold_after and script.hold is not None:
                    await script.hold.wait()
                yield ChatChunk(delta=delta)
            if hold_after >= len(script.deltas) and script.hold is not None:
                await script.hold.wait()
            if script.error is not None:
                raise script.error
            finish = "tool_calls" if script.tool_calls else "stop"
            yield ChatChunk(usage=script.usage, finish_reason=finish, tool_calls=script.tool_calls)
        finally:
            self.closed += 1


class WordTokenCounter:
    """A TokenCounter counting one token per word; each message costs 4 more (its role and framing), its name
    and each tool call 1, and a prompt 3 for the reply priming."""

    def count_text(self, text: str, model: str) -> int:
        return len(text.split())

    def count_messages(self, messages: Sequence[ChatMessage], model: str) -> int:
        return 3 + sum(4 + len(m.content.split()) + (1 if m.name else 0) + len(m.tool_calls) for m in messages)


class FakeStopSignals:
    """StopSignals in memory, keeping the contract: a stop by anyone but the task's owner is ignored.
    Set `unreadable` to make `is_stopped` raise it (the shared store, Redis, is unreachable)."""

    def __init__(self) -> None:
        self.owners: dict[UUID, str] = {}
        self.stopped: set[UUID] = set()
        self.forgotten: list[UUID] = []
        self.unreadable: Exception | None = None
        self.checks = 0  # calls of is_stopped / wait_stopped: how often a running generation looked
        self._events: dict[UUID, asyncio.Event] = {}

    async def register(self, task_id: UUID, owner: str) -> None:
        self.owners[task_id] = owner

    async def request_stop(self, task_id: UUID, owner: str) -> None:
        if self.owners.get(task_id) == owner:
            self.stopped.add(task_id)
            self._events.setdefault(task_id, asyncio.Event()).set()

    async def is_stopped(self, task_id: UUID) -> bool:
        self.checks += 1
        if self.unreadable is not None:
            raise self.unreadable
        return task_id in self.stopped

    async def wait_stopped(self, task_id: UUID) -> None:
        if not await self.is_stopped(task_id):
            await self._events.setdefault(task_id, asyncio.Event()).wait()

    async def forget(self, task_id: UUID) -> None:
        self.owners.pop(task_id, None)
        self.stopped.discard(task_id)
        self.forgotten.append(task_id)


class FakeConcurrencyLimiter:
    """The per-app slots in memory; `held(app_id)` is how many generations hold one now."""

    def __init__(self) -> None:
        self._active: dict[UUID, set[UUID]] = {}

    async def acquire(self, app_id: UUID, request_id: UUID, limit: int) -> bool:
        active = self._active.setdefault(app_id, set())
        if len(active) >= limit:
            return False
        active.add(request_id)
        return True

    async def release(self, app_id: UUID, request_id: UUID) -> None:
        self._active.get(app_id, set()).discard(request_id)

    def held(self, app_id: UUID) -> int:
        return len(self._active.get(app_id, ()))


class RecordingTraceDispatcher:
    """A TraceDispatcher that keeps what it was handed, in order."""

    def __init__(self) -> None:
        self.workflows: list[tuple[UUID, EventTimes]] = []
        self.nodes: list[tuple[UUID, EventTimes]] = []
        self.messages: list[tuple[UUID, EventTimes]] = []

    async def workflow_finished(self, run_id: UUID, times: EventTimes) -> None:
        self.workflows.append((run_id, times))

    async def node_finished(self, node_execution_id: UUID, times: EventTimes) -> None:
        self.nodes.append((node_execution_id, times))

    async def message_finished(self, message_id: UUID, times: EventTimes) -> None:
        self.messages.append((message_id, times))


class FakeWorkLease:
    """A WorkLease that is always held: `owner` is what the use cases record on their rows."""

    def __init__(self, owner: UUID = UUID(int=0x1EA5E)) -> None:
        self.owner = owner
        self.holds = 0

    async def hold(self) -> UUID:
        self.holds += 1
        return self.owner
