import logging
from uuid import UUID

from application.workflows.run_chatflow import ChatflowHandle, RunChatflow
from application.workflows.run_handle import WorkflowRunHandle
from application.workflows.run_workflow import RunSetup, RunWorkflow
from domain.conversations.entities import MessageStatus
from domain.conversations.ports import StopSignals
from domain.maintenance.leases import WorkLease
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows import run_events as ev
from domain.workflows.engine import RunFinished
from domain.workflows.entities import RunStatus
from domain.workflows.human_input import FormAnswer, HumanInputForm
from domain.workflows.nodes import NodeResult
from domain.workflows.ports import RunEventLog
from domain.workflows.variables import VariablePool

log = logging.getLogger("weir.workflow")


class ResumeWorkflowRun:
    """Executes a job of the `workflow` queue: a paused run whose forms were answered goes on from its stored
    state; any other run is RunWorkflow.resume's (an async run starting).

    Rules: only a run marked `running` again (WakePausedRun) goes on, so a redelivered job for a run that
    ended or paused again is left alone; each answered waiting node finishes with its form's answer (the
    submitted values and the chosen action's edge, or the timeout edge), announced after WorkflowStarted
    (`reason: resumption`) as HumanInputFormFilled or HumanInputFormTimeout; nodes still waiting pause the
    run again; this process owns the run (its lease) while it executes, and a chatflow's message is
    `generating` again until the run completes or fails it; the stored state goes when the run ends.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        runs: RunWorkflow,
        chatflows: RunChatflow,
        events: RunEventLog,
        stops: StopSignals,
        lease: WorkLease,
    ) -> None:
        self._uow = uow
        self._runs = runs
        self._chatflows = chatflows
        self._events = events
        self._stops = stops
        self._lease = lease

    async def execute(self, run_id: UUID, task_id: UUID, user: str) -> None:
        async with self._uow() as uow:
            paused = await uow.human_inputs.pause(run_id)
            run = await uow.workflow_runs.get(run_id)
            workflow = await uow.workflows.get(run.workflow_id) if run else None
            forms = await uow.human_inputs.forms_of(run_id)
        if paused is None:  # an async run starting (or one that never paused)
            return await self._runs.resume(run_id, task_id, user)
        if run is None or workflow is None or run.status is not RunStatus.RUNNING:
            return None
        answered = [(f, a) for f in forms if f.node_id in paused.state.pending_ids and (a := FormAnswer.of(f))]
        owner = await self._lease.hold()
        async with self._uow() as uow:
            run.lease_owner = owner
            await uow.workflow_runs.update(run)
            message = conversation = None
            if paused.message_id is not None and paused.conversation_id is not None:
                message = await uow.messages.get(paused.message_id)
                conversation = await uow.conversations.get(paused.conversation_id)
                if message is not None:
                    message.status, message.lease_owner = MessageStatus.GENERATING, owner
                    await uow.messages.update(message)
            await uow.commit()
        results = {f.node_id: NodeResult(outputs=a.outputs, inputs=a.inputs, edge_handle=a.handle) for f, a in answered}
        setup = RunSetup(
            paused.user,
            VariablePool.restored(paused.state.pool),
            history=paused.history,
            message_id=paused.message_id,
            conversation_id=paused.conversation_id,
            resume=(paused.state, results),
            announcements=tuple(_announcement(f) for f, _ in answered),
        )
        handle = WorkflowRunHandle(task_id, run, self._events)
        await self._stops.register(task_id, paused.user)
        if message is not None and conversation is not None:
            outcome = await self._chatflows.answer(ChatflowHandle(handle, message, conversation), workflow, setup)
        else:
            outcome = await self._runs.drive(handle, workflow, setup, handle.publish)
        if isinstance(outcome, RunFinished):
            async with self._uow() as uow:
                await uow.human_inputs.delete_pause(run.id)
                await uow.commit()
        return None


def _announcement(form: HumanInputForm) -> ev.RunEvent:
    if form.action_id is None:
        return ev.HumanInputFormTimeout(form.node_id, form.node_title, form.expires_at)
    return ev.HumanInputFormFilled(
        form.node_id,
        form.node_title,
        form.rendered_answer(),
        form.action_id,
        next((a["title"] for a in form.actions if a["id"] == form.action_id), form.action_id),
        dict(form.submitted_data or {}),
    )
