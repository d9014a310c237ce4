from collections.abc import Awaitable, Callable

from application.workflows.wake_paused_run import WakePausedRun
from domain.apps.ports import SecretTokenGenerator
from domain.shared.clock import Clock
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows import run_events as ev
from domain.workflows.entities import NodeExecution, NodeStatus, RunStatus, WorkflowRun
from domain.workflows.graph import Graph
from domain.workflows.human_input import FormSpec, FormStatus, HumanInputForm
from domain.workflows.pause import PausedRun
from domain.workflows.variables import VariablePool

Publish = Callable[[ev.RunEvent], Awaitable[None]]


class PauseRun:
    """Stores a run whose walk waits for people (the engine ended with RunPaused) and tells its stream.

    Rules: each pending human-input node gets one form (an unguessable token, the content rendered from
    the run's variables, expiring after the node's timeout), unless it already has one waiting (a run that
    paused again while another of its forms was answered keeps the others, and one answered meanwhile
    sends the run straight back to the queue: WakePausedRun); the walk's state is stored so
    any process can resume it; the run becomes `paused` with no owner (no reaper takes it while it waits)
    and its counters so far; all of it in one transaction, before anything is announced. Then each form
    as HumanInputRequired, and WorkflowPaused with all of them as reasons.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        tokens: SecretTokenGenerator,
        waker: WakePausedRun,
        clock: Clock,
        ids: IdGenerator,
    ) -> None:
        self._uow = uow
        self._waker = waker
        self._tokens = tokens
        self._clock = clock
        self._ids = ids

    async def execute(
        self, run: WorkflowRun, graph: Graph, paused: PausedRun, waiting: list[NodeExecution], publish: Publish
    ) -> None:
        """`waiting`: the rows of the nodes still started, the pending ones: they are stored `paused`."""
        state, now = paused.state, self._clock.now()
        pool = VariablePool.restored(state.pool)
        async with self._uow() as uow:
            existing = {f.node_id: f for f in await uow.human_inputs.forms_of(run.id)}
            forms, answered = [], False
            for node_id in state.pending_ids:
                form = existing.get(node_id)
                if form is None:
                    form = self._new_form(run, graph, node_id, pool)
                    await uow.human_inputs.add_form(form)
                if form.status is FormStatus.WAITING:
                    forms.append(form)
                else:  # answered while the run was going on from another of its forms
                    answered = True
            await uow.human_inputs.save_pause(paused)
            for execution in waiting:
                execution.status = NodeStatus.PAUSED
                await uow.workflow_runs.update_node(execution)
            run.status, run.lease_owner = RunStatus.PAUSED, None
            run.total_steps, run.total_tokens, run.exceptions_count = state.steps, state.tokens, state.exceptions
            run.elapsed_time = max((now - run.created_at).total_seconds(), 0.0)
            await uow.workflow_runs.update(run)
            woken = await self._waker.mark(uow, run.id) if answered else None
            await uow.commit()
        reasons = tuple(_required(form) for form in forms)
        for reason in reasons:
            await publish(reason)
        await publish(
            ev.WorkflowPaused(
                run.id,
                state.pending_ids,
                dict(state.outputs),
                reasons,
                run.created_at,
                run.elapsed_time,
                run.total_tokens,
                run.total_steps,
            )
        )
        if woken is not None:
            await self._waker.send(*woken)

    def _new_form(self, run: WorkflowRun, graph: Graph, node_id: str, pool: VariablePool) -> HumanInputForm:
        node = graph.nodes[node_id]
        spec = FormSpec.of(node.title, node.data)
        now = self._clock.now()
        definition = {
            "form_content": spec.render(pool),
            "inputs": list(spec.inputs),
            "user_actions": list(spec.actions),
            "resolved_default_values": spec.resolved_defaults(pool),
        }
        return HumanInputForm(
            id=self._ids.new_id(),
            token=self._tokens.new_secret(),
            tenant_id=run.tenant_id,
            app_id=run.app_id,
            run_id=run.id,
            node_id=node_id,
            node_title=node.title,
            definition=definition,
            created_at=now,
            expires_at=now + spec.timeout,
        )


def _required(form: HumanInputForm) -> ev.HumanInputRequired:
    return ev.HumanInputRequired(
        form.id,
        form.token,
        form.node_id,
        form.node_title,
        form.content,
        tuple(form.inputs),
        tuple(form.actions),
        form.resolved_defaults,
        form.expires_at,
    )
