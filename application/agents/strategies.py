"""The loop that runs a strategy."""

from typing import Protocol

from application.agents.function_calling import FunctionCalling
from application.agents.react_strategy import ReAct
from application.agents.task import AgentListener, AgentOutcome, AgentTask
from application.agents.toolbox import Toolbox
from domain.agents.entities import AgentStrategy


class StrategyLoop(Protocol):
    async def run(self, task: AgentTask, toolbox: Toolbox, emit: AgentListener) -> AgentOutcome: ...


def loop_for(strategy: AgentStrategy) -> StrategyLoop:
    return ReAct() if strategy is AgentStrategy.REACT else FunctionCalling()


async def run_agent(task: AgentTask, toolbox: Toolbox, emit: AgentListener) -> AgentOutcome:
    """Runs the task's strategy. Model errors (ModelProviderError) pass through; tool failures do not."""
    return await loop_for(task.strategy).run(task, toolbox, emit)
