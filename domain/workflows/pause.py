"""A paused run's state: everything the engine needs to go on from where it stopped, in any process.

A walk pauses when a node waits for something outside the run (a human-input form): that node is
*pending* (started, not finished, its outgoing edges undecided). Every other branch runs on until
nothing more can run; then the walk's state (edge states, started/finished/skipped nodes, the variable
pool, counters, the answer and the response streams so far, the pending nodes) is kept as a WalkState,
and the engine ends with RunPaused instead of RunFinished. Resuming gives each answered pending node its
result (a NodeResult: outputs and the edge handle it takes) and walks on from there.

Only the top-level graph pauses: a human-input node inside an iteration or a loop fails (its round's
position would have to be kept too).

Records: WalkState and PausedRun are frozen dataclasses of JSON values, stored with records.encode.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.workflows import records

PAUSING_TYPES = frozenset({"human-input"})


@dataclass(frozen=True, slots=True)
class PendingNode:
    """A node that started and waits: its NodeStarted facts, so its NodeFinished can follow on resume."""

    execution_id: UUID
    node_id: str
    index: int
    predecessor_id: str | None
    started_at: datetime


@dataclass(frozen=True, slots=True)
class WalkState:
    edges: dict[str, str]
    started: tuple[str, ...]
    finished: tuple[str, ...]
    skipped: tuple[str, ...]
    outputs: dict[str, Any]
    answer: str
    pending: tuple[PendingNode, ...]
    pool: dict[str, Any]
    responses: tuple[tuple[int, ...], ...]  # each response stream's (position, done)
    steps: int = 0
    tokens: int = 0
    exceptions: int = 0

    @property
    def pending_ids(self) -> tuple[str, ...]:
        return tuple(p.node_id for p in self.pending)


@dataclass(frozen=True, slots=True)
class RunPaused:
    """The engine's last item when the run waits: its state, to be stored."""

    state: WalkState


@dataclass(frozen=True, slots=True)
class PausedRun:
    """What is stored for a paused run: the walk, who runs it, and for a chatflow its message."""

    run_id: UUID
    user: str
    state: WalkState
    paused_at: datetime
    message_id: UUID | None = None
    conversation_id: UUID | None = None
    history: tuple[tuple[str, ...], ...] = field(default_factory=tuple)

    def to_record(self) -> dict[str, Any]:
        return records.encode(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "PausedRun":
        return records.decode(cls, record)
