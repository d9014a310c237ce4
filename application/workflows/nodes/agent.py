"""agent: a model that calls tools over several rounds (function calling or ReAct) until it answers; its
rounds and tool calls stream as agent logs, its answer text as it is written."""

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

from application.agents.strategies import run_agent
from application.agents.task import AgentTask
from application.agents.toolbox import FileKeeper, Toolbox, ToolInvoker, prepare_tools
from application.tools.mcp_named_servers import named_server_tools
from application.tools.tool_files import StoreToolFiles
from application.workflows.nodes.agent_config import read_agent_node
from application.workflows.nodes.agent_logs import AgentLogWriter, as_metadata
from application.workflows.nodes.model_call import Completion, ModelResolver
from domain.agents.events import AgentEvent, AnswerText
from domain.models.entities import ChatMessage
from domain.models.errors import ModelProviderError
from domain.models.pricing import price_usage
from domain.shared.errors import DomainError
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.entities import ToolInvocation, ToolMessage
from domain.tools.mcp import McpClient
from domain.tools.ports import ToolProviders
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeFailed, NodeResult, RunContext


class AgentExecutor:
    """Rules: the model, tools and query must be configured (the node fails naming what is missing, before
    any call); an unknown tool provider or tool fails the node; a tool that fails mid-run does not (the
    model reads the error and goes on); the last allowed round offers no tools; with memory, the
    chatflow's earlier turns (within the window) come before the query; usage is summed over rounds."""

    def __init__(
        self,
        resolver: ModelResolver,
        providers: ToolProviders,
        invoke: ToolInvoker,
        store_files: StoreToolFiles | None = None,
        uow: UnitOfWorkFactory | None = None,
        mcp_client: Callable[[], McpClient] | None = None,
    ) -> None:
        self._mcp_client = mcp_client
        self._resolver = resolver
        self._providers = providers
        self._invoke = invoke
        self._store_files = store_files
        self._uow = uow

    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        config = read_agent_node(node.data, context.pool)
        run = context.run
        started = time.monotonic()
        try:
            resolved = await self._resolver.execute(run.tenant_id, config.model)
            tools = await prepare_tools(self._providers, run.tenant_id, config.tools)
            tools += await named_server_tools(self._mcp_client, config.mcp_servers)
        except DomainError as error:
            raise NodeFailed(error.message) from None
        invocation = ToolInvocation(
            tenant_id=run.tenant_id,
            user_id=run.user_id,
            app_id=run.app_id,
            call_depth=run.call_depth,
            trace_id=run.run_id,
        )
        history: tuple[ChatMessage, ...] = ()
        if config.memory_window is not None:
            turns = run.history[-config.memory_window :]
            history = tuple(m for q, a in turns for m in (ChatMessage.user(q), ChatMessage.assistant(a)))
        params = dict(config.model.completion_params)
        params.pop("stop", None)
        task = AgentTask(
            resolved.model,
            config.model.name,
            config.strategy,
            config.instruction,
            config.query,
            config.max_iterations,
            params,
            history,
        )
        logs = AgentLogWriter(context.log)

        async def listen(event: AgentEvent) -> None:
            if isinstance(event, AnswerText):
                await context.stream(event.text)
            else:
                await logs(event)

        try:
            toolbox = Toolbox(tools, self._invoke, invocation, self._file_keeper(run))
            outcome = await run_agent(task, toolbox, listen)
        except ModelProviderError as error:
            raise NodeFailed(error.message) from None
        completion = Completion(
            outcome.answer, "stop", price_usage(outcome.usage, resolved.entry.price, time.monotonic() - started)
        )
        usage = completion.usage_dict()
        return NodeResult(
            outputs={"text": outcome.answer, "files": outcome.files, "json": outcome.json, "usage": usage},
            inputs={"query": config.query, "instruction": config.instruction},
            process_data={
                "model_provider": config.model.provider,
                "model_name": config.model.name,
                "strategy": config.strategy.value,
                "iterations": len(outcome.rounds),
                "tools": [t.spec.tool_name for t in tools],
            },
            usage=completion.node_usage(),
            metadata={
                "total_tokens": usage["total_tokens"],
                "total_price": usage["total_price"],
                "currency": usage["currency"],
                "agent_log": as_metadata(logs.entries),
            },
        )

    def _file_keeper(self, run: RunContext) -> FileKeeper | None:
        store, uow = self._store_files, self._uow
        if store is None or uow is None:
            return None

        async def keep(messages: Sequence[ToolMessage]) -> list[Mapping[str, Any]]:
            owner, role = await _run_owner(uow, run)
            return await store.execute(messages, run.tenant_id, owner, role)

        return keep


async def _run_owner(uow: UnitOfWorkFactory, run: RunContext) -> tuple[UUID, str]:
    """Who tool files belong to: the run's creator (end user or account), else the app's owner."""
    async with uow() as work:
        stored = await work.workflow_runs.get(run.run_id)
        app = await work.apps.get(run.app_id) if stored is None else None
    if stored is not None:
        return stored.created_by, stored.created_by_role
    if app is None:
        raise NodeFailed("The run's app no longer exists.")
    return app.created_by, "account"
