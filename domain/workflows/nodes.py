"""What the engine needs from a node: an executor per node type, behind one port."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

from domain.workflows.graph import Node
from domain.workflows.variables import VariablePool

SOURCE_HANDLE = "source"


@dataclass(frozen=True, slots=True)
class NodeUsage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    total_price: str = "0"
    currency: str = "USD"


@dataclass(frozen=True, slots=True)
class NodeResult:
    """What a node produced. `edge_handle` picks the outgoing edges (if-else case id, class id …)."""

    outputs: Mapping[str, Any] = field(default_factory=dict)
    inputs: Mapping[str, Any] = field(default_factory=dict)
    process_data: Mapping[str, Any] = field(default_factory=dict)
    edge_handle: str = SOURCE_HANDLE
    usage: NodeUsage | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    # Writes to variables outside the node's own outputs (assigner: conversation or loop variables),
    # as (selector, new value); the engine applies them to the pool when the node succeeds.
    variable_updates: tuple[tuple[tuple[str, ...], Any], ...] = ()


class NodeFailed(Exception):
    """A node could not produce its outputs; `message` is shown in the run's error and the node's."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RunContext:
    """Who runs what: identifiers a node may need (tenant scoping, model credentials, tracing)."""

    tenant_id: UUID
    app_id: UUID
    workflow_id: UUID
    run_id: UUID
    user_id: str
    call_depth: int = 0
    # A chatflow's earlier turns (query, answer), oldest first: what llm nodes with memory remember.
    history: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class NodeLog:
    """One entry of a node's own log while it runs (Dify's agent log: a round, a model thought, a tool call).
    An entry is reported when it starts and again, under the same `id`, when it ends; `parent_id` nests it."""

    id: str
    label: str
    status: str  # start | success | error
    parent_id: str | None = None
    error: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)


async def _no_log(entry: NodeLog) -> None:
    return None


@dataclass
class NodeContext:
    """What an executor sees while it runs: the pool (read it; return outputs instead of writing), the run,
    `stream` to forward text as it is produced (LLM deltas), and `log` to report its own steps as they
    happen (the agent node's rounds and tool calls)."""

    run: RunContext
    pool: VariablePool
    stream: Callable[[str], Awaitable[None]]
    log: Callable[[NodeLog], Awaitable[None]] = _no_log


class NodeExecutor(Protocol):
    """Runs one node type. Contract: returns a NodeResult or raises NodeFailed (never another exception for
    an expected failure); honours cancellation (the run was stopped) by letting CancelledError through."""

    async def run(self, node: Node, context: NodeContext) -> NodeResult: ...


class NodeExecutors(Protocol):
    """The executor for a node type; None when weir does not support that type."""

    def for_type(self, node_type: str) -> NodeExecutor | None: ...
