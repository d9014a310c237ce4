"""An agent-chat app's answer: the agent loop over the app's model and its agent_mode tools, its rounds
published as agent thoughts and stored (message_agent_thoughts), its answer text streamed as the message's.

SendMessage prepares the plan before anything is stored (an unknown tool is the caller's error, nothing is
half-written) and GenerateAnswer runs the producer in place of one model stream, so stops, progress saving,
failures and telemetry are the chat path's own."""

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.agents.strategies import run_agent
from application.agents.task import AgentTask
from application.agents.toolbox import AgentTool, FileKeeper, Toolbox, ToolInvoker, prepare_tools
from application.conversations.generate_answer import AnswerGeneration
from application.tools.tool_files import StoreToolFiles
from domain.agents.entities import DEFAULT_MAX_ITERATIONS, AgentRound, AgentStrategy
from domain.agents.events import AgentEvent, AnswerText, RoundFinished, ToolCallStarted
from domain.apps.agent_mode import AgentMode
from domain.apps.entities import App, EndUser
from domain.apps.model_config import AppModelConfig
from domain.conversations.agent_thoughts import AgentThought
from domain.conversations.events import AgentThoughtUpdated
from domain.models.entities import ChatMessage, Role, Usage
from domain.shared.clock import Clock
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.entities import ToolInvocation, ToolMessage
from domain.tools.ports import ToolProviders


@dataclass(frozen=True, slots=True)
class AgentPlan:
    strategy: AgentStrategy
    max_iterations: int
    tools: list[AgentTool]
    invocation: ToolInvocation
    end_user_id: UUID


class AgentAnswers:
    """Rules: agent_mode's enabled tools must exist (ToolProviderNotFound / ToolNotFound otherwise); a
    missing agent_mode is function calling without tools for Dify's default 5 rounds; each round is one
    thought, stored when it ends, positions from 1; a round that called tools is published as soon as the
    model asked for them, then again with the observations; tool failures are observations, not errors."""

    def __init__(
        self,
        providers: ToolProviders,
        invoke: ToolInvoker,
        uow: UnitOfWorkFactory,
        clock: Clock,
        ids: IdGenerator,
        store_files: StoreToolFiles | None = None,
    ) -> None:
        self._store_files = store_files
        self._providers = providers
        self._invoke = invoke
        self._uow = uow
        self._clock = clock
        self._ids = ids

    async def prepare(self, app: App, config: AppModelConfig | None, end_user: EndUser) -> AgentPlan:
        mode = (config.agent_mode if config else None) or AgentMode(enabled=True, max_iteration=DEFAULT_MAX_ITERATIONS)
        tools = await prepare_tools(self._providers, app.tenant_id, mode.tool_specs())
        invocation = ToolInvocation(tenant_id=app.tenant_id, user_id=str(end_user.id), app_id=app.id)
        return AgentPlan(mode.loop_strategy, mode.max_iteration, tools, invocation, end_user.id)

    def producer(self, plan: AgentPlan, generation: AnswerGeneration) -> Callable:
        async def produce(delta: Callable[[str], None]) -> Usage:
            rounds = _RoundThoughts(generation, self._store, self._clock, self._ids)

            async def listen(event: AgentEvent) -> None:
                if isinstance(event, AnswerText):
                    delta(event.text)
                else:
                    rounds.on(event)

            try:
                toolbox = Toolbox(plan.tools, self._invoke, plan.invocation, self._file_keeper(plan))
                outcome = await run_agent(_task(plan, generation), toolbox, listen)
            finally:
                await rounds.stored()
            return outcome.usage

        return produce

    def _file_keeper(self, plan: AgentPlan) -> FileKeeper | None:
        store = self._store_files
        if store is None:
            return None

        async def keep(messages: Sequence[ToolMessage]) -> list[Mapping[str, Any]]:
            return await store.execute(messages, plan.invocation.tenant_id, plan.end_user_id, "end_user")

        return keep

    async def _store(self, thought: AgentThought) -> None:
        async with self._uow() as uow:
            await uow.agent_thoughts.add(thought)
            await uow.commit()


class _RoundThoughts:
    """One message's thoughts as its rounds go: a thought id per round, published at once and stored in
    the background while the next round runs (the message is completed only after every store ended)."""

    def __init__(
        self,
        generation: AnswerGeneration,
        store: Callable[[AgentThought], Awaitable[None]],
        clock: Clock,
        ids: IdGenerator,
    ) -> None:
        self._generation = generation
        self._store = store
        self._clock = clock
        self._new_id = ids.new_id
        self._ids: dict[int, UUID] = {}
        self._announced: set[int] = set()
        self._pending: list[asyncio.Task[None]] = []

    def on(self, event: AgentEvent) -> None:
        if isinstance(event, ToolCallStarted) and event.round.position not in self._announced:
            self._announced.add(event.round.position)
            self._publish(self._thought(event.round, done=False))
        elif isinstance(event, RoundFinished):
            thought = self._thought(event.round, done=True)
            self._publish(thought)
            self._pending.append(asyncio.create_task(self._store(thought)))

    async def stored(self) -> None:
        """Waits for every store; the first that failed raises (the message then fails: nothing is lost silently)."""
        results = await asyncio.gather(*self._pending, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    def _publish(self, thought: AgentThought) -> None:
        self._generation.run.publish(AgentThoughtUpdated(thought))

    def _thought(self, round: AgentRound, done: bool) -> AgentThought:
        thought_id = self._ids.get(round.position) or self._ids.setdefault(round.position, self._new_id())
        calls = round.calls
        return AgentThought(
            id=thought_id,
            message_id=self._generation.message.id,
            position=round.position,
            created_at=self._clock.now(),
            thought=round.thought,
            tool=round.tool_names,
            tool_labels={c.tool_name: {"en_US": c.tool_name, "zh_Hans": c.tool_name} for c in calls},
            tool_input=_keyed({c.tool_name: dict(c.arguments) for c in calls}),
            observation=_keyed({c.tool_name: c.observation for c in calls}) if done else "",
            message_files=[str(f.get("id")) for c in calls for f in c.files if f.get("id")],
            answer=round.answer,
            tokens=round.usage.total_tokens,
            latency=round.elapsed_seconds,
        )


def _keyed(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False) if values else ""


def _task(plan: AgentPlan, generation: AnswerGeneration) -> AgentTask:
    """The chat path's prompt (pre_prompt with inputs and knowledge, history trimmed to the context, the
    query) split into what the loop takes."""
    messages = list(generation.request.messages)
    instruction = messages.pop(0).content if messages and messages[0].role is Role.SYSTEM else ""
    query = messages.pop().content if messages else generation.message.query
    history: tuple[ChatMessage, ...] = tuple(messages)
    params = {k: v for k, v in generation.request.params.items() if k != "stop"}
    return AgentTask(
        generation.model,
        generation.request.model,
        plan.strategy,
        instruction,
        query,
        plan.max_iterations,
        params,
        history,
    )
