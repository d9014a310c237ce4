"""The ReAct strategy: the model writes Thought / Action as text (domain.agents.react), weir runs the one
tool it names and writes the Observation back; the last allowed round lists no tools and asks for the
final answer."""

import time

from application.agents.model_turn import model_turn
from application.agents.task import AgentListener, AgentOutcome, AgentTask
from application.agents.toolbox import Toolbox
from domain.agents import react
from domain.agents.entities import AgentRound, add_usage
from domain.agents.events import AnswerText, RoundFinished, RoundStarted, ToolCallFinished, ToolCallStarted
from domain.models.entities import ChatMessage, ChatRequest, Usage

LAST_ROUND_NOTE = "You may not call any more tools: give the Final Answer now, from what you know."


class ReAct:
    async def run(self, task: AgentTask, toolbox: Toolbox, emit: AgentListener) -> AgentOutcome:
        rounds: list[AgentRound] = []
        usage, scratchpad, model_seconds = Usage(), "", 0.0
        answer = ""
        params = {k: v for k, v in task.params.items() if k != "stop"}
        for position in range(1, task.max_iterations + 1):
            last = position == task.max_iterations
            current = AgentRound(position)
            started = time.perf_counter()
            await emit(RoundStarted(current))
            system = react.system_prompt(task.instruction, () if last else toolbox.definitions)
            if last:
                system += "\n\n" + LAST_ROUND_NOTE
            messages = [ChatMessage.system(system), *task.history, ChatMessage.user(f"Question: {task.query}")]
            if scratchpad:
                messages.append(ChatMessage.assistant(scratchpad))
            request = ChatRequest(model=task.model_name, messages=tuple(messages), params=params, stop=react.STOP_WORDS)
            turn = await model_turn(task.model, request)
            model_seconds += turn.seconds
            current.usage = turn.usage
            usage = add_usage(usage, turn.usage)
            step = react.parse(turn.text)
            current.thought = step.thought
            if step.is_final or last:
                answer = step.answer if step.is_final else (step.thought or turn.text.strip())
                current.final, current.answer = True, answer
                await emit(AnswerText(answer))
            else:
                await emit(ToolCallStarted(current, f"react-{position}", step.action or "", step.action_input))
                record = await toolbox.call(f"react-{position}", step.action or "", step.action_input)
                current.calls = [record]
                await emit(ToolCallFinished(current, record))
                scratchpad += react.scratchpad_entry(step, record.observation)
            current.elapsed_seconds = time.perf_counter() - started
            rounds.append(current)
            await emit(RoundFinished(current))
            if current.final:
                break
        return AgentOutcome(answer, rounds, usage, model_seconds)
