"""A workflow (draft or published version) and its runs, as stored."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.shared.errors import NotFound

DRAFT = "draft"


class RunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STOPPED = "stopped"
    PARTIAL_SUCCEEDED = "partial-succeeded"  # it ended, but some nodes failed and their failure was handled
    PAUSED = "paused"  # waiting for a human (a human-input form); any process resumes it (domain/workflows/pause.py)

    @property
    def succeeded(self) -> bool:
        return self in (RunStatus.SUCCEEDED, RunStatus.PARTIAL_SUCCEEDED)


class NodeStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXCEPTION = "exception"  # it failed, and its error strategy (fail-branch, default values) handled it
    PAUSED = "paused"  # a human-input node waiting for its form (its run is paused)
    STOPPED = "stopped"  # running when its run was stopped (or cancelled): it never finished


@dataclass
class Workflow:
    id: UUID
    tenant_id: UUID
    app_id: UUID
    type: str  # "workflow" or "chat" (advanced-chat)
    version: str
    graph: dict[str, Any]
    created_by: UUID
    created_at: datetime
    updated_at: datetime
    features: dict[str, Any] = field(default_factory=dict)
    environment_variables: list[dict[str, Any]] = field(default_factory=list)
    conversation_variables: list[dict[str, Any]] = field(default_factory=list)
    # A published version's name and release notes in the editor's version history (Dify's marks).
    marked_name: str = ""
    marked_comment: str = ""

    @property
    def is_draft(self) -> bool:
        return self.version == DRAFT

    def node_data(self, node_id: str) -> dict[str, Any]:
        """A node's `data` (its settings), {} when the graph has no such node."""
        node = next((n for n in self.graph.get("nodes") or [] if str(n.get("id")) == node_id), None)
        return dict((node or {}).get("data") or {})

    def start_variables(self) -> list[dict[str, Any]]:
        start = next((n for n in self.graph.get("nodes", []) if (n.get("data") or {}).get("type") == "start"), None)
        return list(((start or {}).get("data") or {}).get("variables") or [])

    def input_form(self) -> list[dict[str, Any]]:
        """The Start node's variables in the `user_input_form` shape (`{type: {...}}`) /parameters shows."""
        form = []
        for variable in self.start_variables():
            kind = variable.get("type", "text-input")
            form.append({kind: {k: v for k, v in variable.items() if k != "type"}})
        return form


@dataclass
class WorkflowRun:
    id: UUID
    tenant_id: UUID
    app_id: UUID
    workflow_id: UUID
    type: str
    triggered_from: str
    version: str
    inputs: dict[str, Any]
    created_by_role: str
    created_by: UUID
    created_at: datetime
    status: RunStatus = RunStatus.RUNNING
    outputs: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    elapsed_time: float = 0.0
    total_tokens: int = 0
    total_steps: int = 0
    exceptions_count: int = 0
    finished_at: datetime | None = None
    # The process executing it in memory (domain.maintenance.leases); None while a durable queue holds it.
    lease_owner: UUID | None = None
    # The graph it ran, kept with the run (Dify's): a draft changes after its test runs, and run history
    # shows each run on the graph it had.
    graph: dict[str, Any] | None = None
    # The trigger node a triggered run (webhook, schedule) started from; None: the graph's first root.
    root_node_id: str | None = None

    @property
    def ended(self) -> bool:
        return self.status not in (RunStatus.RUNNING, RunStatus.PAUSED)

    def finish(
        self,
        status: RunStatus,
        outputs: dict[str, Any],
        error: str | None,
        tokens: int,
        steps: int,
        exceptions: int,
        at: datetime,
    ) -> None:
        self.status = status
        self.outputs = outputs
        self.error = error
        self.total_tokens = tokens
        self.total_steps = steps
        self.exceptions_count = exceptions
        self.finished_at = at
        self.elapsed_time = max((at - self.created_at).total_seconds(), 0.0)


@dataclass
class NodeExecution:
    id: UUID
    tenant_id: UUID
    app_id: UUID
    workflow_id: UUID
    workflow_run_id: UUID | None  # None for a node run alone in the editor (single-step)
    index: int
    node_id: str
    node_type: str
    title: str
    created_at: datetime
    created_by_role: str
    created_by: UUID
    predecessor_node_id: str | None = None
    status: NodeStatus = NodeStatus.RUNNING
    inputs: dict[str, Any] = field(default_factory=dict)
    process_data: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    elapsed_time: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict)
    finished_at: datetime | None = None

    def finish(
        self,
        status: NodeStatus,
        inputs: dict[str, Any],
        process_data: dict[str, Any],
        outputs: dict[str, Any],
        metadata: dict[str, Any],
        error: str | None,
        at: datetime,
    ) -> None:
        self.status = status
        self.inputs = inputs
        self.process_data = process_data
        self.outputs = outputs
        self.metadata = metadata
        self.error = error
        self.finished_at = at
        self.elapsed_time = max((at - self.created_at).total_seconds(), 0.0)


class DraftWorkflowNotExist(NotFound):
    """The app has no draft yet: the editor then saves its starting graph (Dify's draft_workflow_not_exist)."""

    default_message = "Draft workflow need to be initialized."
