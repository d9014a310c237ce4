"""Doubles and builders for the workflow tests: graphs in Dify's JSON, an in-memory database with the
workflow, run, conversation and message repositories, the run ports, and scripted node executors."""

import asyncio
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from domain.apps.entities import App, AppMode, EndUser
from domain.conversations.entities import Conversation, Message
from domain.telemetry.records import EventTimes
from domain.workflows import run_events as ev
from domain.workflows.entities import NodeExecution, NodeStatus, RunStatus, Workflow, WorkflowRun
from domain.workflows.nodes import NodeFailed, NodeResult, NodeUsage
from domain.workflows.ports import RunLogEntry, RunLogFilter
from domain.workflows.run_events import RunEvent, from_record
from tests.fakes import FakeUnitOfWork, FakeUnitOfWorkBlock, _Store


def graph(nodes: dict[str, dict], edges: list[tuple]) -> dict:
    """nodes: id -> data (type included; `parent` puts a node inside a container); edges: (source, target)
    or (source, target, handle)."""
    raw_nodes = []
    for node_id, data in nodes.items():
        data = dict(data)
        parent = data.pop("parent", None)
        raw_nodes.append(
            {"id": node_id, "data": {"title": node_id, **data}, **({"parentId": parent} if parent else {})}
        )
    raw_edges = [{"source": e[0], "target": e[1], "sourceHandle": e[2] if len(e) > 2 else "source"} for e in edges]
    return {"nodes": raw_nodes, "edges": raw_edges}


# --- the database


class WorkflowStore(_Store):
    """The committed state, with what workflow and chatflow runs keep."""

    def __init__(self) -> None:
        super().__init__()
        self.workflows: dict[UUID, Workflow] = {}
        self.published: dict[UUID, UUID] = {}  # app id -> published workflow id
        self.workflow_runs: dict[UUID, WorkflowRun] = {}
        self.app_logs: list[tuple[UUID, str]] = []  # (run id, created_from)
        self.node_executions: dict[UUID, NodeExecution] = {}
        self.run_messages: dict[UUID, UUID] = {}  # chatflow run id -> the message it answers
        self.conversations: dict[UUID, Conversation] = {}
        self.chat_messages: dict[UUID, Message] = {}
        self.progress: list[tuple[UUID, str]] = []  # (message id, answer so far) as saved while streaming


class FakeWorkflowRepository:
    def __init__(self, state: WorkflowStore) -> None:
        self.s = state

    async def draft(self, app_id: UUID) -> Workflow | None:
        return next((w for w in self.s.workflows.values() if w.app_id == app_id and w.is_draft), None)

    async def save_draft(self, workflow: Workflow) -> None:
        for old in [w for w in self.s.workflows.values() if w.app_id == workflow.app_id and w.is_draft]:
            del self.s.workflows[old.id]
        self.s.workflows[workflow.id] = workflow

    async def save_draft_part(self, workflow: Workflow, part: str) -> None:
        draft = await self.draft(workflow.app_id)
        if draft is not None:
            self.s.workflows[draft.id] = replace(draft, **{part: getattr(workflow, part), "updated_at": workflow.updated_at})

    async def add_version(self, workflow: Workflow) -> None:
        self.s.workflows[workflow.id] = workflow
        self.s.published[workflow.app_id] = workflow.id

    async def published(self, app_id: UUID) -> Workflow | None:
        workflow_id = self.s.published.get(app_id)
        return self.s.workflows.get(workflow_id) if workflow_id else None

    async def get(self, workflow_id: UUID) -> Workflow | None:
        return self.s.workflows.get(workflow_id)


class FakeWorkflowRunRepository:
    def __init__(self, state: WorkflowStore) -> None:
        self.s = state

    async def add(self, run: WorkflowRun, logged_from: str | None = None) -> None:
        assert run.id not in self.s.workflow_runs, "a run is added once"
        self.s.workflow_runs[run.id] = run
        if logged_from is not None:
            await self.add_app_log(run, logged_from)

    async def update(self, run: WorkflowRun) -> None:
        assert run.id in self.s.workflow_runs, "only a stored run is updated"
        self.s.workflow_runs[run.id] = run

    async def get(self, run_id: UUID) -> WorkflowRun | None:
        return self.s.workflow_runs.get(run_id)

    async def add_node(self, execution: NodeExecution) -> None:
        assert execution.workflow_run_id in self.s.workflow_runs, "a node row belongs to a stored run"
        self.s.node_executions[execution.id] = execution

    async def update_node(self, execution: NodeExecution) -> None:
        assert execution.id in self.s.node_executions, "only a stored node row is updated"
        self.s.node_executions[execution.id] = execution

    async def save_nodes(self, executions: list[NodeExecution]) -> None:
        for execution in executions:
            assert execution.workflow_run_id in self.s.workflow_runs, "a node row belongs to a stored run"
            self.s.node_executions[execution.id] = execution

    async def delete_nodes(self, run_id: UUID) -> None:
        for node in [n for n in self.s.node_executions.values() if n.workflow_run_id == run_id]:
            del self.s.node_executions[node.id]

    async def add_app_log(self, run: WorkflowRun, created_from: str) -> None:
        self.s.app_logs.append((run.id, created_from))

    async def link_message(self, run_id: UUID, message_id: UUID) -> None:
        assert run_id in self.s.workflow_runs and message_id in self.s.chat_messages, "both rows are stored first"
        self.s.run_messages[run_id] = message_id

    async def logs(self, app_id: UUID, filters: RunLogFilter, *, page: int, limit: int):
        runs = [r for r in self.s.workflow_runs.values() if r.app_id == app_id]
        if filters.status:
            runs = [r for r in runs if r.status == filters.status]
        runs.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        entries = [RunLogEntry(run=r, created_from="service-api", end_user=None) for r in runs]
        return entries[(page - 1) * limit: page * limit], len(entries)


class FakeConversationRepository:
    def __init__(self, state: WorkflowStore) -> None:
        self.s = state

    async def add(self, conversation: Conversation) -> None:
        self.s.conversations[conversation.id] = conversation

    async def get(self, conversation_id: UUID) -> Conversation | None:
        found = self.s.conversations.get(conversation_id)
        return None if found is None or found.is_deleted else found

    async def update(self, conversation: Conversation) -> None:
        self.s.conversations[conversation.id] = conversation


class FakeMessageRepository:
    def __init__(self, state: WorkflowStore) -> None:
        self.s = state

    async def add(self, message: Message) -> None:
        self.s.chat_messages[message.id] = message

    async def get(self, message_id: UUID) -> Message | None:
        return self.s.chat_messages.get(message_id)

    async def update(self, message: Message) -> None:
        self.s.chat_messages[message.id] = message

    async def save_progress(self, message_id: UUID, answer: str) -> None:
        stored = self.s.chat_messages.get(message_id)
        if stored is not None and stored.generating:
            self.s.chat_messages[message_id] = replace(stored, answer=answer)
            self.s.progress.append((message_id, answer))

    async def save_progress_many(self, answers: dict[UUID, str]) -> None:
        for message_id, answer in answers.items():
            await self.save_progress(message_id, answer)

    async def history(self, conversation_id: UUID, limit: int) -> list[Message]:
        answered = [
            m for m in self.s.chat_messages.values()
            if m.conversation_id == conversation_id and m.answer and not m.generating
        ]
        answered.sort(key=lambda m: (m.created_at, m.id))
        return answered[-limit:]


class WorkflowDatabase(FakeUnitOfWork):
    """The fake database of workflow and chatflow runs, and its unit-of-work factory."""

    def __init__(self) -> None:
        super().__init__(WorkflowStore())

    def __call__(self) -> "WorkflowBlock":
        return WorkflowBlock(self)

    @property
    def state(self) -> WorkflowStore:
        return self.committed


class WorkflowBlock(FakeUnitOfWorkBlock):
    async def __aenter__(self) -> "WorkflowBlock":
        await super().__aenter__()
        self.workflows = FakeWorkflowRepository(self._working)
        self.workflow_runs = FakeWorkflowRunRepository(self._working)
        self.conversations = FakeConversationRepository(self._working)
        self.messages = FakeMessageRepository(self._working)
        return self


def make_workflow(app_id: UUID, raw_graph: dict, *, workflow_id: UUID, version: str = "v1", **extra) -> Workflow:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    return Workflow(
        id=workflow_id, tenant_id=UUID(int=900), app_id=app_id, type=extra.pop("type", "workflow"), version=version,
        graph=raw_graph, created_by=UUID(int=901), created_at=at, updated_at=at, **extra,
    )


# --- the run ports


class FakeStopSignals:
    """Stop flags with the port's rule: only the user who started a task can stop it."""

    def __init__(self) -> None:
        self.owners: dict[UUID, str] = {}
        self.stopped: set[UUID] = set()
        self._events: dict[UUID, asyncio.Event] = {}

    async def register(self, task_id: UUID, owner: str) -> None:
        self.owners[task_id] = owner

    async def request_stop(self, task_id: UUID, owner: str) -> None:
        if self.owners.get(task_id) == owner:
            self.stopped.add(task_id)
            self._events.setdefault(task_id, asyncio.Event()).set()

    async def is_stopped(self, task_id: UUID) -> bool:
        return task_id in self.stopped

    async def wait_stopped(self, task_id: UUID) -> None:
        if task_id not in self.stopped:
            await self._events.setdefault(task_id, asyncio.Event()).wait()

    async def forget(self, task_id: UUID) -> None:
        self.owners.pop(task_id, None)
        self.stopped.discard(task_id)
        self._events.pop(task_id, None)


@dataclass
class RecordingTraces:
    workflows: list[tuple[UUID, EventTimes]] = field(default_factory=list)
    nodes: list[tuple[UUID, EventTimes]] = field(default_factory=list)
    messages: list[tuple[UUID, EventTimes]] = field(default_factory=list)

    async def workflow_finished(self, run_id: UUID, times: EventTimes) -> None:
        self.workflows.append((run_id, times))

    async def node_finished(self, node_execution_id: UUID, times: EventTimes) -> None:
        self.nodes.append((node_execution_id, times))

    async def message_finished(self, message_id: UUID, times: EventTimes) -> None:
        self.messages.append((message_id, times))


class FakeRunEventLog:
    """Keeps records, as the real logs do, so what is read back went through the serialized form."""

    def __init__(self) -> None:
        self.records: dict[UUID, list[dict[str, Any]]] = {}

    async def append(self, run_id: UUID, event: RunEvent) -> None:
        self.records.setdefault(run_id, []).append(event.to_record())

    async def flush(self) -> None:
        pass

    async def read(self, run_id: UUID, after: int, wait: float) -> list[tuple[int, RunEvent]]:
        records = self.records.get(run_id, [])
        return [(position, from_record(records[position - 1])) for position in range(after + 1, len(records) + 1)]


# --- node executors


class ScriptedNodes:
    """Node types for use-case tests, by data: `value` outputs data.value; `fail` fails; `wait` waits until
    `release` is set; `count` adds 1 to conversation.turns; `llm` streams data.pieces and records the history
    it was given; `answer` renders data.answer; `end` outputs its selectors; `probe` calls `on_probe`."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.histories: list[tuple[tuple[str, str], ...]] = []
        self.on_probe = None

    def for_type(self, node_type: str):
        return self if node_type in ("value", "fail", "wait", "count", "llm", "answer", "end", "probe") else None

    async def run(self, node, context) -> NodeResult:
        data = node.data
        if node.type == "fail":
            raise NodeFailed(f"{node.id} broke")
        if node.type == "wait":
            await self.release.wait()
        if node.type == "count":
            turns = context.pool.get(["conversation", "turns"]) or 0
            return NodeResult(variable_updates=((("conversation", "turns"), turns + 1),))
        if node.type == "llm":
            self.histories.append(context.run.history)
            for piece in data["pieces"]:
                await context.stream(piece)
            usage = NodeUsage(prompt_tokens=3, completion_tokens=2, total_tokens=5)
            return NodeResult(outputs={"text": "".join(data["pieces"])}, usage=usage)
        if node.type == "answer":
            return NodeResult(outputs={"answer": context.pool.render(data["answer"])})
        if node.type == "end":
            return NodeResult(
                outputs={o["variable"]: context.pool.get(o["value_selector"]) for o in data.get("outputs", [])}
            )
        if node.type == "probe":
            await self.on_probe(context)
        return NodeResult(outputs={"value": data.get("value", node.id)})


async def events_until(handle, last, seconds: float = 5.0) -> list[RunEvent]:
    """A handle's events up to and including the first that is of type `last` (or that `last(event)`
    accepts); fails after `seconds` without one."""
    ends = (lambda e: isinstance(e, last)) if isinstance(last, type) else last
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    seen: list[RunEvent] = []
    while not (seen and ends(seen[-1])):
        item = await handle.next_event(timeout=max(deadline - loop.time(), 0.001))
        assert item is not None, f"no {last} within {seconds}s; saw {[type(e).__name__ for e in seen]}"
        seen.append(item)
    return seen


# --- one event of each kind, for the serialization and rendering tests


def sample_run_events() -> list[RunEvent]:
    at = datetime(2026, 1, 1, 12, 0, 0, 250000, tzinfo=UTC)
    later = at + timedelta(seconds=2)
    node = ev.NodeRef("llm", "llm", "Draft")
    scope = ev.Scope("it", "iteration", 1)
    usage = NodeUsage(prompt_tokens=3, completion_tokens=2, total_tokens=5, total_price="0.0001", currency="USD")
    loop = ev.NodeRef("lp", "loop", "Twice")
    required = ev.HumanInputRequired(
        UUID(int=5), "tok", "review", "Review", "Ship it?", ({"type": "paragraph", "output_variable_name": "comment"},),
        ({"id": "approve", "title": "Approve", "button_style": "primary"},), {"comment": ""}, later,
    )
    return [
        ev.WorkflowStarted(UUID(int=1), UUID(int=2), {"ticket": "help"}, at),
        ev.NodeStarted(UUID(int=3), node, 2, "start", at, scope),
        ev.NodeRetried(UUID(int=3), node, 2, 1, "timeout", at, scope),
        ev.NodeFinished(
            UUID(int=3), node, 2, "start", at, later, NodeStatus.SUCCEEDED, inputs={"q": "hi"},
            process_data={"prompts": [{"role": "user", "text": "hi"}]}, outputs={"text": "Hello"},
            metadata={"note": 1}, usage=usage, error=None, scope=scope, retries=1,
        ),
        ev.TextChunk("Hel", ("llm", "text")),
        ev.ContainerStarted(UUID(int=4), loop, {"n": 1}, at),
        ev.ContainerNext(UUID(int=4), loop, 0),
        ev.ContainerCompleted(UUID(int=4), loop, {"n": 2}, at, later, 2, "broke"),
        ev.WorkflowFinished(
            UUID(int=1), UUID(int=2), RunStatus.PARTIAL_SUCCEEDED, {"reply": "ok"}, None, 2.0, 5, 4, 1, at, later
        ),
        ev.AnswerChunk("Hi"),
        ev.MessageEnd({"usage": {"total_tokens": 5}, "conversation_variables": {"turns": 1}}),
        ev.AgentLog(
            UUID(int=5), ev.NodeRef("agent", "agent", "Agent"), "round-1", "ROUND 1", "success", None, None,
            {"output": "thinking"}, {"elapsed_time": 0.5, "total_tokens": 14},
        ),
        ev.WorkflowStarted(UUID(int=1), UUID(int=2), {"ticket": "help"}, later, "resumption"),
        required,
        ev.WorkflowPaused(UUID(int=1), ("review",), {}, (required,), at, 0.5, 0, 2),
        ev.HumanInputFormFilled("review", "Review", "Ship it? yes", "approve", "Approve", {"comment": "yes"}),
        ev.HumanInputFormTimeout("review", "Review", later),
    ]


# --- apps, end users and published workflows


def make_app(mode: AppMode, number: int = 1) -> App:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    return App(
        id=UUID(int=10**6 + number), tenant_id=UUID(int=900), name=f"App {number}", mode=mode,
        created_by=UUID(int=901), created_at=at, updated_at=at,
    )


def make_end_user(app: App, session: str = "alice", number: int = 1) -> EndUser:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    return EndUser(
        id=UUID(int=2 * 10**6 + number), tenant_id=app.tenant_id, app_id=app.id, session_id=session,
        is_anonymous=False, created_at=at, updated_at=at,
    )


async def publish(db: WorkflowDatabase, app: App, raw_graph: dict, number: int = 1, **extra) -> Workflow:
    """Stores a published version of the app's workflow (and a draft beside it, which must never run)."""
    kind = "chat" if app.mode == AppMode.ADVANCED_CHAT else "workflow"
    workflow = make_workflow(app.id, raw_graph, workflow_id=UUID(int=3 * 10**6 + number), type=kind, **extra)
    draft = make_workflow(app.id, raw_graph, workflow_id=UUID(int=4 * 10**6 + number), type=kind, version="draft")
    async with db() as uow:
        await uow.workflows.add_version(workflow)
        await uow.workflows.save_draft(draft)
        await uow.commit()
    return workflow
