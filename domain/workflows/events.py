"""What a workflow run reports as it goes; the API maps these to Dify's SSE events and to stored rows."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.workflows.entities import NodeStatus, RunStatus
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeResult


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a node ran: inside which container (iteration or loop) and at which round."""

    container_id: str
    container_type: str
    index: int


@dataclass(frozen=True, slots=True)
class NodeStarted:
    execution_id: UUID
    node: Node
    index: int
    predecessor_id: str | None
    started_at: datetime
    scope: Scope | None = None


@dataclass(frozen=True, slots=True)
class NodeFinished:
    execution_id: UUID
    node: Node
    index: int
    predecessor_id: str | None
    started_at: datetime
    finished_at: datetime
    status: NodeStatus
    result: NodeResult
    error: str | None = None
    scope: Scope | None = None
    retries: int = 0

    @property
    def elapsed(self) -> float:
        return max((self.finished_at - self.started_at).total_seconds(), 0.0)


@dataclass(frozen=True, slots=True)
class NodeRetried:
    execution_id: UUID
    node: Node
    index: int
    attempt: int
    error: str
    started_at: datetime
    scope: Scope | None = None


@dataclass(frozen=True, slots=True)
class TextChunk:
    text: str
    from_variable_selector: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContainerStarted:
    execution_id: UUID
    node: Node
    inputs: dict[str, Any]
    started_at: datetime


@dataclass(frozen=True, slots=True)
class ContainerNext:
    execution_id: UUID
    node: Node
    index: int


@dataclass(frozen=True, slots=True)
class ContainerCompleted:
    execution_id: UUID
    node: Node
    outputs: dict[str, Any]
    started_at: datetime
    finished_at: datetime
    steps: int
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RunFinished:
    status: RunStatus
    outputs: dict[str, Any]
    error: str | None
    total_tokens: int
    total_steps: int
    exceptions_count: int
    answer: str = ""
    conversation_variables: dict[str, Any] = field(default_factory=dict)


WorkflowEvent = (
    NodeStarted
    | NodeFinished
    | NodeRetried
    | TextChunk
    | ContainerStarted
    | ContainerNext
    | ContainerCompleted
    | RunFinished
)
