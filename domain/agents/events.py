"""What an agent reports while it works, in order: for each round RoundStarted, any AnswerText, a
ToolCallStarted / ToolCallFinished pair per call, then RoundFinished. The agent node turns these into
Dify's agent logs, an agent-chat app into agent thoughts and agent messages."""

from dataclasses import dataclass

from domain.agents.entities import AgentRound, ToolCallRecord


@dataclass(frozen=True, slots=True)
class RoundStarted:
    round: AgentRound


@dataclass(frozen=True, slots=True)
class AnswerText:
    """Text meant for the user (function calling streams every round's text; ReAct its final answer)."""

    text: str


@dataclass(frozen=True, slots=True)
class ToolCallStarted:
    round: AgentRound
    call_id: str
    tool_name: str
    arguments: dict


@dataclass(frozen=True, slots=True)
class ToolCallFinished:
    round: AgentRound
    record: ToolCallRecord


@dataclass(frozen=True, slots=True)
class RoundFinished:
    round: AgentRound


AgentEvent = RoundStarted | AnswerText | ToolCallStarted | ToolCallFinished | RoundFinished
