from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.tenancy.entities import Account
from domain.workflows.dsl import PendingImport
from domain.workflows.entities import NodeExecution, Workflow, WorkflowRun
from domain.workflows.human_input import HumanInputForm
from domain.workflows.pause import PausedRun
from domain.workflows.run_events import RunEvent
from domain.workflows.triggers import AppTrigger, WebhookEndpoint


class WorkflowRepository(Protocol):
    async def draft(self, app_id: UUID) -> Workflow | None: ...

    async def save_draft(self, workflow: Workflow) -> None:
        """Insert or replace the app's one draft."""

    async def save_draft_part(self, workflow: Workflow, part: str) -> None:
        """Stores one part of the app's draft (`features`, `environment_variables` or `conversation_variables`)
        and its updated_at, leaving the rest as stored: a graph saved meanwhile is not overwritten."""

    async def add_version(self, workflow: Workflow) -> None:
        """Stores a published version and points the app at it."""

    async def published(self, app_id: UUID) -> Workflow | None: ...

    async def get(self, workflow_id: UUID) -> Workflow | None: ...

    async def versions(
        self, app_id: UUID, *, page: int, limit: int, named_only: bool = False, created_by: UUID | None = None
    ) -> tuple[list[Workflow], bool]:
        """The app's versions by version descending, one page: the draft first (its version "draft" sorts above
        the published ones' timestamps), then the published ones newest first; only the named ones (never the
        draft, which has no name) or one author's when asked; and whether more follow."""
        ...

    async def update_marks(self, workflow: Workflow) -> None:
        """Stores a version's marked_name and marked_comment."""

    async def delete_version(self, workflow_id: UUID) -> None: ...


@dataclass(frozen=True, slots=True)
class RunLogFilter:
    status: str | None = None
    keyword: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    end_user_session: str | None = None


@dataclass(frozen=True, slots=True)
class RunLogEntry:
    run: WorkflowRun
    created_from: str
    end_user: dict[str, Any] | None
    # The console account that ran it from Explore or the editor (their runs go through an end user of the
    # account's own): logged as the account's, as Dify logs them, not as that end user's.
    account: Account | None = None


@dataclass(frozen=True, slots=True)
class RunHistoryFilter:
    """The editor's run history: one kind of trigger (`debugging`: the editor's test runs; `app-run`: the
    published app's), optionally one status; pages follow the run `after` (the last one shown)."""

    triggered_from: str
    status: str | None = None
    after: UUID | None = None


@dataclass(frozen=True, slots=True)
class RunHistoryEntry:
    """A run of the history, with who ran it (its end user's session) and, for a chatflow, its message."""

    run: WorkflowRun
    end_user: dict[str, Any] | None
    message_id: UUID | None = None
    conversation_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class InspectorEdit:
    """A value the editor typed into its variable inspector, and when (a node that ran since outdates it)."""

    value: Any
    edited_at: datetime


class WorkflowRunRepository(Protocol):
    async def add(self, run: WorkflowRun, logged_from: str | None = None) -> None:
        """Stores a new run and, with `logged_from` (how it was started: `service-api`…), its entry in the app's
        run log, as `add_app_log` would (one statement)."""

    async def update(self, run: WorkflowRun) -> None: ...

    async def get(self, run_id: UUID) -> WorkflowRun | None: ...

    async def add_node(self, execution: NodeExecution) -> None: ...

    async def update_node(self, execution: NodeExecution) -> None: ...

    async def save_nodes(self, executions: list[NodeExecution]) -> None:
        """Stores each node's current state: inserted when new, else updated (one batch of rows)."""

    async def delete_nodes(self, run_id: UUID) -> None:
        """Removes the node rows of a run (an attempt lost with its worker, before the run starts over)."""

    async def add_app_log(self, run: WorkflowRun, created_from: str) -> None: ...

    async def link_message(self, run_id: UUID, message_id: UUID) -> None:
        """Records which chat message a chatflow run answers (the message row is stored first)."""

    async def history(self, app_id: UUID, filters: RunHistoryFilter, limit: int) -> tuple[list[RunHistoryEntry], bool]:
        """Newest first, after `filters.after` when given; and whether more follow."""

    async def count_by_status(
        self, app_id: UUID, triggered_from: str, created_after: datetime | None
    ) -> dict[str, int]:
        """How many runs have each status (statuses with none are absent)."""

    async def nodes(self, run_id: UUID) -> list[NodeExecution]:
        """The run's node executions in the order they started."""

    async def last_node_run(self, workflow_id: UUID, node_id: str) -> NodeExecution | None:
        """The newest execution of a node of this workflow version: in a run or run alone (single-step)."""

    async def last_node_runs(self, workflow_id: UUID) -> list[NodeExecution]:
        """The newest execution of each node of this workflow version (last_node_run for all its nodes)."""

    async def inspector_clears(self, app_id: UUID) -> dict[tuple[str, str], datetime]:
        """When the editor's variable inspector was last cleared, by (node_id, name): ("", "") all of it,
        (node_id, "") one node's values, (node_id, name) one value."""

    async def clear_inspector(self, app_id: UUID, node_id: str, name: str, at: datetime) -> None:
        """Records a clear of that scope and forgets the edits inside it."""

    async def inspector_edits(self, app_id: UUID) -> dict[tuple[str, str], InspectorEdit]:
        """The values the editor typed into the inspector, by (node_id, name)."""

    async def edit_inspector(self, app_id: UUID, node_id: str, name: str, value: Any, at: datetime) -> None:
        """Stores (or replaces) the edited value of one variable."""

    async def forget_inspector_edit(self, app_id: UUID, node_id: str, name: str) -> None: ...

    async def logs(
        self, app_id: UUID, filters: RunLogFilter, *, page: int, limit: int
    ) -> tuple[list[RunLogEntry], int]:
        """Newest first, with the total count for the filters."""


class HumanInputRepository(Protocol):
    """Paused runs' states and their human-input forms.

    Contract: a run has at most one stored pause (`save_pause` replaces it); a form's token is unique;
    `resolve` stores an answer (submitted or timed out) only while the form still waits, and says whether
    it did, so two answers racing for one form never both win.
    """

    async def save_pause(self, paused: PausedRun) -> None: ...

    async def pause(self, run_id: UUID) -> PausedRun | None: ...

    async def delete_pause(self, run_id: UUID) -> None: ...

    async def add_form(self, form: HumanInputForm) -> None: ...

    async def form_by_token(self, token: str) -> HumanInputForm | None: ...

    async def forms_of(self, run_id: UUID) -> list[HumanInputForm]: ...

    async def resolve(self, form: HumanInputForm) -> bool: ...

    async def wake(self, run_id: UUID, lease_owner: UUID | None) -> bool:
        """Turns a `paused` run `running` (owned by `lease_owner`); False when it was not paused, so two
        answers racing to wake one run never both queue it."""

    async def expired(self, now: datetime, limit: int) -> list[HumanInputForm]:
        """Waiting forms whose time ran out by `now`, oldest first."""


class DslCodec(Protocol):
    """Reads and writes Dify's DSL text (YAML). `load` raises ValueError for text that is not a mapping."""

    def load(self, text: str) -> dict[str, Any]: ...

    def dump(self, document: dict[str, Any]) -> str: ...


class PendingImports(Protocol):
    """DSL imports waiting for the user's confirmation, in a store every API process shares, each for a while.

    Contract: `keep` stores the import for `ttl_seconds`; `take` returns a kept import of that workspace and
    forgets it, at most once however many callers ask at the same time; an expired, taken or unknown id, or
    another workspace's, is None (and another workspace's `take` leaves it kept).
    """

    async def keep(self, pending: PendingImport, ttl_seconds: float) -> None: ...

    async def take(self, tenant_id: UUID, import_id: UUID) -> PendingImport | None: ...


class RunEventLog(Protocol):
    """The events of runs, kept so a client can (re)attach from any process and replay what it missed.

    Contract: `append` keeps order per run; `read(run_id, after)` returns events after position `after`
    (0 = from the start), waiting up to `wait` seconds for new ones; entries expire some time after the run.
    What this process appended is readable here at once; `flush` waits until it is readable from any process
    (a log may write behind).
    Events are kept as their records (`to_record()`), so what is read back equals what was appended, in
    whichever process it is read.
    """

    async def append(self, run_id: UUID, event: RunEvent) -> None: ...

    async def flush(self) -> None: ...

    async def read(self, run_id: UUID, after: int, wait: float) -> list[tuple[int, RunEvent]]: ...


class TriggerRepository(Protocol):
    """The webhook URLs of apps' drafts and the triggers of their published workflows (domain.workflows.triggers)."""

    async def webhooks(self, app_id: UUID) -> list[WebhookEndpoint]: ...

    async def add_webhook(self, endpoint: WebhookEndpoint) -> None: ...

    async def delete_webhooks(self, app_id: UUID, node_ids: list[str]) -> None: ...

    async def webhook(self, webhook_id: str) -> WebhookEndpoint | None: ...

    async def app_triggers(self, app_id: UUID) -> list[AppTrigger]:
        """Newest first (Dify's order)."""

    async def replace_app_triggers(self, app_id: UUID, triggers: list[AppTrigger]) -> None:
        """Makes `triggers` the app's triggers: those of nodes no longer there go, the others are stored as given
        (a kept trigger keeps its id and status: the caller passes them)."""

    async def update_app_trigger(self, trigger: AppTrigger) -> None: ...

    async def due_schedules(self, now: datetime, limit: int) -> list[AppTrigger]:
        """Enabled schedule triggers of live apps whose next run is at or before `now`, most overdue first."""

    async def advance_schedule(self, trigger_id: UUID, expected: datetime, next_run_at: datetime) -> bool:
        """Moves a schedule's next run from `expected` to `next_run_at`; False when another process moved it
        first (the one that moved it starts the run: each firing starts one run, however many pollers run)."""


class WebhookDebugInbox(Protocol):
    """Webhook calls for the editor's test run (the debug URL): kept for the editor that is listening, in a store
    every API process shares. Contract: `listen` marks (app, node) listened to for `ttl_seconds`; `deliver`
    keeps a call's inputs for the listener for `ttl_seconds`; `take` returns the oldest kept call and forgets
    it, at most once however many callers ask."""

    async def listen(self, app_id: UUID, node_id: str, ttl_seconds: float) -> None: ...

    async def listening(self, app_id: UUID, node_id: str) -> bool: ...

    async def deliver(self, app_id: UUID, node_id: str, inputs: dict[str, Any], ttl_seconds: float) -> None: ...

    async def take(self, app_id: UUID, node_id: str) -> dict[str, Any] | None: ...
