"""What a workflow or chatflow run reports, in order, as typed events: the one model the live stream, the
replayable event log and the HTTP presenter share. Dify's wire shapes are made from these in the HTTP
layer only (entrypoints/http/run_presenter.py).

A run's stream: WorkflowStarted, then node events (NodeStarted, NodeRetried, NodeFinished, TextChunk,
Container*), then WorkflowFinished. A chatflow streams its answer as AnswerChunk instead of TextChunk and
ends with MessageEnd, after WorkflowFinished.

Every event is a frozen dataclass with a `kind` tag and a lossless record form (`to_record()`, a dict of
JSON values; `from_record()` gives back an equal event), which is what the event log stores so any
process can replay a run.

To add an event kind: declare its frozen dataclass here, with `_Recorded` as its base and a new
`kind: ClassVar[str]`, and list it in the `RunEvent` union at the bottom; that is all the domain needs
(its record form follows from its field types: UUID, datetime, enums, tuples, nested dataclasses and JSON
values). Its Dify shape is one entry in run_presenter.py's `_RUN_PAYLOADS`. tests/unit/test_run_events.py
fails until tests/workflow_fakes.py's `sample_run_events` has one of it, which must survive its record
and render.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, get_args
from uuid import UUID

from domain.workflows import records
from domain.workflows.entities import NodeStatus, RunStatus, WorkflowRun
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeLog, NodeUsage


class _Recorded:
    """A run event's record form (the `kind` tag and its fields)."""

    __slots__ = ()
    kind: ClassVar[str]

    def to_record(self) -> dict[str, Any]:
        return {"kind": self.kind, **records.encode(self)}


@dataclass(frozen=True, slots=True)
class NodeRef:
    """Which node an event is about (its config stays with the graph)."""

    id: str
    type: str
    title: str

    @classmethod
    def of(cls, node: Node) -> "NodeRef":
        return cls(node.id, node.type, node.title)


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a node ran: inside which container (iteration or loop) and at which round."""

    container_id: str
    container_type: str
    index: int


@dataclass(frozen=True, slots=True)
class WorkflowStarted(_Recorded):
    kind: ClassVar[str] = "workflow_started"
    run_id: UUID
    workflow_id: UUID
    inputs: dict[str, Any]
    created_at: datetime
    reason: str = "initial"  # "resumption" when a paused run goes on

    @classmethod
    def of(cls, run: WorkflowRun, reason: str = "initial") -> "WorkflowStarted":
        return cls(run.id, run.workflow_id, run.inputs, run.created_at, reason)


@dataclass(frozen=True, slots=True)
class NodeStarted(_Recorded):
    kind: ClassVar[str] = "node_started"
    execution_id: UUID
    node: NodeRef
    index: int
    predecessor_id: str | None
    started_at: datetime
    scope: Scope | None = None


@dataclass(frozen=True, slots=True)
class NodeRetried(_Recorded):
    kind: ClassVar[str] = "node_retried"
    execution_id: UUID
    node: NodeRef
    index: int
    attempt: int
    error: str
    started_at: datetime
    scope: Scope | None = None


@dataclass(frozen=True, slots=True)
class NodeFinished(_Recorded):
    kind: ClassVar[str] = "node_finished"
    execution_id: UUID
    node: NodeRef
    index: int
    predecessor_id: str | None
    started_at: datetime
    finished_at: datetime
    status: NodeStatus
    inputs: dict[str, Any]
    process_data: dict[str, Any]
    outputs: dict[str, Any]
    metadata: dict[str, Any]
    usage: NodeUsage | None = None
    error: str | None = None
    scope: Scope | None = None
    retries: int = 0

    @property
    def elapsed(self) -> float:
        return max((self.finished_at - self.started_at).total_seconds(), 0.0)


@dataclass(frozen=True, slots=True)
class TextChunk(_Recorded):
    """Response text, in the order the client is to read it (see response_stream.py)."""

    kind: ClassVar[str] = "text_chunk"
    text: str
    from_variable_selector: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContainerStarted(_Recorded):
    """An iteration or loop node (node.type says which) began its rounds."""

    kind: ClassVar[str] = "container_started"
    execution_id: UUID
    node: NodeRef
    inputs: dict[str, Any]
    started_at: datetime


@dataclass(frozen=True, slots=True)
class ContainerNext(_Recorded):
    kind: ClassVar[str] = "container_next"
    execution_id: UUID
    node: NodeRef
    index: int


@dataclass(frozen=True, slots=True)
class ContainerCompleted(_Recorded):
    kind: ClassVar[str] = "container_completed"
    execution_id: UUID
    node: NodeRef
    outputs: dict[str, Any]
    started_at: datetime
    finished_at: datetime
    steps: int
    error: str | None = None

    @property
    def elapsed(self) -> float:
        return max((self.finished_at - self.started_at).total_seconds(), 0.0)


@dataclass(frozen=True, slots=True)
class WorkflowFinished(_Recorded):
    """The run as stored once it ended."""

    kind: ClassVar[str] = "workflow_finished"
    run_id: UUID
    workflow_id: UUID
    status: RunStatus
    outputs: dict[str, Any]
    error: str | None
    elapsed_time: float
    total_tokens: int
    total_steps: int
    exceptions_count: int
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, run: WorkflowRun) -> "WorkflowFinished":
        return cls(
            run.id, run.workflow_id, run.status, run.outputs, run.error, run.elapsed_time, run.total_tokens,
            run.total_steps, run.exceptions_count, run.created_at, run.finished_at,
        )


@dataclass(frozen=True, slots=True)
class AnswerChunk(_Recorded):
    """A chatflow's answer text as it streams (what a workflow reports as TextChunk)."""

    kind: ClassVar[str] = "answer_chunk"
    text: str


@dataclass(frozen=True, slots=True)
class MessageEnd(_Recorded):
    """A chatflow's message is saved (answered or failed): its metadata (usage, conversation variables)."""

    kind: ClassVar[str] = "message_end"
    metadata: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AgentLog(_Recorded):
    """A step of a running node's own log (an agent's round, thought or tool call), as it starts and ends."""

    kind: ClassVar[str] = "agent_log"
    execution_id: UUID
    node: NodeRef
    id: str
    label: str
    status: str
    parent_id: str | None = None
    error: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, execution_id: UUID, node: Node, entry: NodeLog) -> "AgentLog":
        return cls(
            execution_id, NodeRef.of(node), entry.id, entry.label, entry.status, entry.parent_id, entry.error,
            dict(entry.data), dict(entry.metadata),
        )


@dataclass(frozen=True, slots=True)
class HumanInputRequired(_Recorded):
    """A human-input node made its form and the run waits for it (sent before WorkflowPaused)."""

    kind: ClassVar[str] = "human_input_required"
    form_id: UUID
    form_token: str
    node_id: str
    node_title: str
    form_content: str
    inputs: tuple[dict[str, Any], ...]
    actions: tuple[dict[str, Any], ...]
    resolved_default_values: dict[str, Any]
    expiration_time: datetime


@dataclass(frozen=True, slots=True)
class WorkflowPaused(_Recorded):
    """The run waits (its state is stored); a live stream ends here, the run goes on in any process."""

    kind: ClassVar[str] = "workflow_paused"
    run_id: UUID
    paused_nodes: tuple[str, ...]
    outputs: dict[str, Any]
    reasons: tuple[HumanInputRequired, ...]
    created_at: datetime
    elapsed_time: float
    total_tokens: int
    total_steps: int


@dataclass(frozen=True, slots=True)
class HumanInputFormFilled(_Recorded):
    kind: ClassVar[str] = "human_input_form_filled"
    node_id: str
    node_title: str
    rendered_content: str
    action_id: str
    action_text: str
    submitted_data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class HumanInputFormTimeout(_Recorded):
    kind: ClassVar[str] = "human_input_form_timeout"
    node_id: str
    node_title: str
    expiration_time: datetime


# What the engine's walks report while nodes run.
NodeEvent = (
    NodeStarted | NodeRetried | NodeFinished | TextChunk | ContainerStarted | ContainerNext | ContainerCompleted
    | AgentLog
)

HumanInputEvent = HumanInputRequired | WorkflowPaused | HumanInputFormFilled | HumanInputFormTimeout

RunEvent = WorkflowStarted | NodeEvent | WorkflowFinished | AnswerChunk | MessageEnd | HumanInputEvent

KINDS: dict[str, type] = {cls.kind: cls for cls in get_args(RunEvent)}
if len(KINDS) != len(get_args(RunEvent)):  # a record must name exactly one class
    raise TypeError("two run event classes share a kind")


def from_record(record: dict[str, Any]) -> RunEvent:
    """The event a record from `to_record()` describes; ValueError for a kind this version does not know."""
    cls = KINDS.get(record.get("kind", ""))
    if cls is None:
        raise ValueError(f"unknown run event kind {record.get('kind')!r}")
    return records.decode(cls, record)
