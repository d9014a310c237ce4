"""An agent's events as Dify's agent log (what the console draws under an agent node): a ROUND entry per
round, a Model Thought and one CALL entry per tool call nested in it, each reported as it starts and ends."""

from collections.abc import Awaitable, Callable
from typing import Any

from domain.agents.entities import AgentRound
from domain.agents.events import AgentEvent, RoundFinished, RoundStarted, ToolCallFinished, ToolCallStarted
from domain.workflows.nodes import NodeLog


def _round_id(round: AgentRound) -> str:
    return f"round-{round.position}"


def _usage(round: AgentRound) -> dict[str, Any]:
    u = round.usage
    return {"prompt_tokens": u.prompt_tokens, "completion_tokens": u.completion_tokens, "total_tokens": u.total_tokens}


class AgentLogWriter:
    """Turns agent events into NodeLog entries; keeps the finished ones for the node's execution metadata."""

    def __init__(self, log: Callable[[NodeLog], Awaitable[None]]) -> None:
        self._log = log
        self.entries: list[NodeLog] = []

    async def __call__(self, event: AgentEvent) -> None:
        entry = _entry(event)
        if entry is None:
            return
        if entry.status != "start":
            self.entries.append(entry)
        await self._log(entry)


def _entry(event: AgentEvent) -> NodeLog | None:
    if isinstance(event, RoundStarted):
        return NodeLog(_round_id(event.round), f"ROUND {event.round.position}", "start")
    if isinstance(event, ToolCallStarted):
        return NodeLog(
            f"{_round_id(event.round)}-call-{event.call_id}",
            f"CALL {event.tool_name}",
            "start",
            parent_id=_round_id(event.round),
            data={"tool_name": event.tool_name, "tool_call_args": event.arguments},
        )
    if isinstance(event, ToolCallFinished):
        record = event.record
        return NodeLog(
            f"{_round_id(event.round)}-call-{record.call_id}",
            f"CALL {record.tool_name}",
            "error" if record.error else "success",
            parent_id=_round_id(event.round),
            error=record.error,
            data={
                "tool_name": record.tool_name,
                "tool_call_args": dict(record.arguments),
                "output": record.observation,
            },
            metadata={"elapsed_time": round(record.elapsed_seconds, 6)},
        )
    if isinstance(event, RoundFinished):
        r = event.round
        return NodeLog(
            _round_id(r),
            f"ROUND {r.position}",
            "success",
            data={
                "output": {
                    "llm_response": r.thought,
                    "tool_responses": [{"tool_name": c.tool_name, "tool_response": c.observation} for c in r.calls],
                }
            },
            metadata={"elapsed_time": round(r.elapsed_seconds, 6), **_usage(r)},
        )
    return None


def as_metadata(entries: list[NodeLog]) -> list[dict[str, Any]]:
    return [
        {
            "id": e.id,
            "label": e.label,
            "parent_id": e.parent_id,
            "status": e.status,
            "error": e.error,
            "data": dict(e.data),
            "metadata": dict(e.metadata),
        }
        for e in entries
    ]
