"""StartAsyncWorkflowRun: a run handed to a worker is stored first, and a run the queue refuses never looks
like it is running."""

import pytest

from application.conversations.generations import Generations
from application.workflows.run_workflow import RunWorkflowRequest
from application.workflows.start_async_run import StartAsyncWorkflowRun
from domain.apps.entities import AppMode
from domain.shared.errors import InvalidParam, StoreUnavailable
from domain.workflows.entities import RunStatus
from tests.workflow_fakes import graph, make_app, make_end_user, publish

APP = make_app(AppMode.WORKFLOW)
ALICE = make_end_user(APP, "alice")
START = {"type": "start", "variables": [{"variable": "ticket", "label": "Ticket", "type": "text-input", "required": True}]}


class RecordingRunQueue:
    def __init__(self, down: bool = False, durable: bool = True) -> None:
        self.down = down
        self.durable = durable
        self.sent: list[tuple] = []

    async def enqueue(self, run_id, task_id, user) -> None:
        if self.down:
            raise StoreUnavailable("The workflow queue is unavailable.")
        self.sent.append((run_id, task_id, user))


async def _published(workflow_db):
    await publish(workflow_db, APP, graph({"s": START, "e": {"type": "end", "outputs": []}}, [("s", "e")]))


async def test_the_run_is_stored_as_running_then_queued_with_its_ids(run_workflow, workflow_db):
    await _published(workflow_db)
    queue = RecordingRunQueue()
    handle = await StartAsyncWorkflowRun(run_workflow, queue, Generations()).execute(RunWorkflowRequest(APP, ALICE, {"ticket": "x"}))
    assert queue.sent == [(handle.run.id, handle.task_id, ALICE.session_id)]
    assert workflow_db.state.workflow_runs[handle.run.id].status == RunStatus.RUNNING


async def test_a_run_the_queue_refuses_ends_failed_with_the_reason(run_workflow, workflow_db, workflow_stops):
    await _published(workflow_db)
    with pytest.raises(StoreUnavailable):
        await StartAsyncWorkflowRun(run_workflow, RecordingRunQueue(down=True), Generations()).execute(
            RunWorkflowRequest(APP, ALICE, {"ticket": "x"})
        )
    [run] = workflow_db.state.workflow_runs.values()
    assert (run.status, run.error) == (RunStatus.FAILED, "The workflow queue is unavailable.")
    assert run.finished_at is not None and workflow_stops.owners == {}


async def test_bad_inputs_queue_nothing(run_workflow, workflow_db):
    await _published(workflow_db)
    queue = RecordingRunQueue()
    with pytest.raises(InvalidParam):
        await StartAsyncWorkflowRun(run_workflow, queue, Generations()).execute(RunWorkflowRequest(APP, ALICE, {}))
    assert queue.sent == [] and workflow_db.state.workflow_runs == {}


async def test_a_run_on_a_durable_queue_has_no_owner_one_on_the_in_process_queue_is_this_processes(
    run_workflow, workflow_db, work_lease
):
    await _published(workflow_db)
    durable = await StartAsyncWorkflowRun(run_workflow, RecordingRunQueue(), Generations()).execute(
        RunWorkflowRequest(APP, ALICE, {"ticket": "x"})
    )
    in_process = await StartAsyncWorkflowRun(run_workflow, RecordingRunQueue(durable=False), Generations()).execute(
        RunWorkflowRequest(APP, ALICE, {"ticket": "x"})
    )
    runs = workflow_db.state.workflow_runs
    assert (runs[durable.run.id].lease_owner, runs[in_process.run.id].lease_owner) == (None, work_lease.owner)
