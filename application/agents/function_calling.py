"""The function-calling strategy: the model's native tool calls, several per round run side by side, until
it answers without calling one; the last allowed round offers no tools, so it must answer."""

import asyncio
import json
import time
from typing import Any

from application.agents.model_turn import model_turn
from application.agents.task import AgentListener, AgentOutcome, AgentTask
from application.agents.toolbox import Toolbox
from domain.agents.entities import AgentRound, ToolCallRecord, add_usage
from domain.agents.events import AnswerText, RoundFinished, RoundStarted, ToolCallFinished, ToolCallStarted
from domain.models.entities import ChatMessage, ChatRequest, ToolCall, Usage


class FunctionCalling:
    async def run(self, task: AgentTask, toolbox: Toolbox, emit: AgentListener) -> AgentOutcome:
        messages = [
            *([ChatMessage.system(task.instruction)] if task.instruction.strip() else []),
            *task.history,
            ChatMessage.user(task.query),
        ]
        rounds: list[AgentRound] = []
        usage, answer, model_seconds = Usage(), [], 0.0
        for position in range(1, task.max_iterations + 1):
            last = position == task.max_iterations
            current = AgentRound(position)
            started = time.perf_counter()
            await emit(RoundStarted(current))

            async def forward(text: str) -> None:
                await emit(AnswerText(text))

            request = ChatRequest(
                model=task.model_name,
                messages=tuple(messages),
                params=task.params,
                tools=() if last else toolbox.definitions,
            )
            turn = await model_turn(task.model, request, forward)
            model_seconds += turn.seconds
            current.thought, current.usage = turn.text, turn.usage
            usage = add_usage(usage, turn.usage)
            answer.append(turn.text)
            calls = () if last else turn.tool_calls
            if calls:
                messages.append(ChatMessage.assistant(turn.text, calls))
                current.calls = await self._call_all(current, calls, toolbox, emit)
                messages += [ChatMessage.tool(c.observation, c.call_id) for c in current.calls]
            current.final = not calls
            current.answer = turn.text if current.final else ""
            current.elapsed_seconds = time.perf_counter() - started
            rounds.append(current)
            await emit(RoundFinished(current))
            if current.final:
                break
        return AgentOutcome("".join(answer), rounds, usage, model_seconds)

    async def _call_all(
        self, current: AgentRound, calls: tuple[ToolCall, ...], toolbox: Toolbox, emit: AgentListener
    ) -> list[ToolCallRecord]:
        parsed = [(call, _arguments(call.arguments)) for call in calls]
        for call, arguments in parsed:
            await emit(ToolCallStarted(current, call.id, call.name, arguments or {}))

        async def one(call: ToolCall, arguments: dict[str, Any] | None) -> ToolCallRecord:
            if arguments is None:
                text = f"The arguments of {call.name} are not a valid JSON object: {call.arguments!r}"
                record = ToolCallRecord(call.id, call.name, {}, text, error=text)
            else:
                record = await toolbox.call(call.id, call.name, arguments)
            await emit(ToolCallFinished(current, record))
            return record

        return list(await asyncio.gather(*(one(call, arguments) for call, arguments in parsed)))


def _arguments(text: str) -> dict[str, Any] | None:
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
