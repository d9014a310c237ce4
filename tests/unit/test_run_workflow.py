"""RunWorkflow over in-memory fakes: what is checked before anything is stored, what is stored as the run
goes, what a stop does, and the order of the events a client sees (live and replayed)."""

import asyncio
from itertools import pairwise

import pytest

from application.telemetry.outcome import TraceOutcome
from application.telemetry.record_workflow_trace import RecordWorkflowTrace, finished_run_record
from application.workflows.run_workflow import RunWorkflow, RunWorkflowRequest, WorkflowNotPublished
from domain.apps.entities import AppMode
from domain.apps.errors import NotWorkflowApp
from domain.maintenance.leases import SHUT_DOWN_RUN
from domain.shared.errors import InvalidParam, NotFound
from domain.telemetry.records import EventTimes
from domain.workflows import run_events as ev
from domain.workflows.engine import Limits
from domain.workflows.entities import NodeStatus, RunStatus
from tests.fakes import FakeUnitOfWorkBlock, RecordingExporter, RecordingSink
from tests.polling import eventually
from tests.workflow_fakes import events_until, graph, make_app, make_end_user, publish

APP = make_app(AppMode.WORKFLOW)
ALICE = make_end_user(APP, "alice")
START = {"type": "start", "variables": [{"variable": "ticket", "label": "Ticket", "type": "text-input", "required": True}]}


def _linear(*middle: tuple[str, dict]) -> dict:
    nodes = {"s": START, **dict(middle), "e": {"type": "end", "outputs": [{"variable": "out", "value_selector": ["s", "ticket"]}]}}
    return graph(nodes, list(pairwise(nodes)))


async def test_a_run_reports_started_nodes_then_finished_and_stores_each_node(run_workflow, workflow_db, workflow_traces):
    await publish(workflow_db, APP, _linear(("v", {"type": "value", "value": 1})))
    handle = await run_workflow.execute(RunWorkflowRequest(APP, ALICE, {"ticket": "help"}))
    events = await events_until(handle, ev.WorkflowFinished)

    kinds = [(type(e).__name__, getattr(getattr(e, "node", None), "id", None)) for e in events]
    assert kinds == [
        ("WorkflowStarted", None),
        ("NodeStarted", "s"), ("NodeFinished", "s"),
        ("NodeStarted", "v"), ("NodeFinished", "v"),
        ("NodeStarted", "e"), ("NodeFinished", "e"),
        ("WorkflowFinished", None),
    ]
    finished = events[-1]
    assert (finished.status, finished.outputs, finished.total_steps) == (RunStatus.SUCCEEDED, {"out": "help"}, 3)
    run = workflow_db.state.workflow_runs[handle.run.id]
    assert (run.status, run.outputs, run.finished_at is not None) == (RunStatus.SUCCEEDED, {"out": "help"}, True)
    rows = sorted(workflow_db.state.node_executions.values(), key=lambda n: n.index)
    # The start node's outputs carry the run's system variables as `sys.<name>`, as Dify's do.
    system = {k[4:]: v for k, v in rows[0].outputs.items() if k.startswith("sys.")}
    assert [(n.node_id, n.status, n.outputs) for n in rows] == [
        ("s", NodeStatus.SUCCEEDED, {"ticket": "help"} | {f"sys.{k}": v for k, v in system.items()}),
        ("v", NodeStatus.SUCCEEDED, {"value": 1}), ("e", NodeStatus.SUCCEEDED, {"out": "help"}),
    ]
    assert system["user_id"] == "alice" and system["workflow_run_id"] == str(run.id)
    # One trace job per run: it records the nodes too (RecordWorkflowTrace), none is sent per node.
    assert [run_id for run_id, _ in workflow_traces.workflows] == [run.id] and workflow_traces.nodes == []
    assert workflow_db.state.app_logs == [(run.id, "service-api")]


async def test_with_a_recorder_a_run_traces_itself_once_with_its_nodes_and_sends_no_job(
    workflow_db, scripted_nodes, workflow_stops, workflow_traces, run_log, workflow_generations, clock, ids, work_lease,
    run_workflow,
):
    sink, exporter = RecordingSink(), RecordingExporter()
    recorder = RecordWorkflowTrace(workflow_db, sink, exporter, delays=())
    recording = RunWorkflow(
        workflow_db, scripted_nodes, workflow_stops, workflow_traces, run_log, workflow_generations, clock, ids,
        Limits(max_seconds=10), work_lease, run_workflow._pauses, recorder=recorder,
    )
    await publish(workflow_db, APP, _linear(("v", {"type": "value", "value": 1})))
    handle = await recording.execute(RunWorkflowRequest(APP, ALICE, {"ticket": "help"}))
    await events_until(handle, ev.WorkflowFinished)
    run_id = handle.run.id
    await eventually(lambda: any(s.name == "dify.workflow.run" for s in exporter.spans), timeout=5,
                     what="the run's trace")

    assert workflow_traces.workflows == [] and workflow_traces.nodes == []  # no job: claimed with the run's end
    root = [s for s in exporter.spans if s.name == "dify.workflow.run"]
    assert len(root) == 1 and root[0].attributes["dify.workflow.run_id"] == str(run_id)
    node_spans = [s for s in exporter.spans if s.parent_span_id == root[0].span_id]
    assert sorted(s.attributes["dify.node.id"] for s in node_spans) == ["e", "s", "v"]
    assert len([p for p in sink.named("dify.requests.total") if p.label_dict.get("type") == "node"]) == 3
    stored = workflow_db.state.trace_keys
    assert f"workflow_run:{run_id}" in stored and len([k for k in stored if k.startswith("node_execution:")]) == 3
    # A job for the same run afterwards (a retry, the reaper) records nothing twice. (The fake's telemetry view of
    # runs is its own table: the row the SQL repository would read.)
    workflow_db.committed.runs[run_id] = finished_run_record(workflow_db.state.workflow_runs[run_id])
    assert await recorder.execute(run_id, EventTimes()) == TraceOutcome.ALREADY_RECORDED
    assert len([s for s in exporter.spans if s.name == "dify.workflow.run"]) == 1


async def test_inputs_are_checked_before_anything_is_stored(run_workflow, workflow_db, workflow_stops):
    await publish(workflow_db, APP, _linear())
    with pytest.raises(InvalidParam):
        await run_workflow.execute(RunWorkflowRequest(APP, ALICE, {}))
    assert workflow_db.state.workflow_runs == {} and workflow_db.commits == 1  # only the publish
    assert workflow_stops.owners == {}


async def test_the_run_row_exists_before_the_first_node_runs(run_workflow, workflow_db, scripted_nodes):
    seen = []

    async def probe(context):
        async with workflow_db() as uow:
            seen.append(await uow.workflow_runs.get(context.run.run_id))

    scripted_nodes.on_probe = probe
    await publish(workflow_db, APP, graph({"s": START, "p": {"type": "probe"}}, [("s", "p")]))
    handle = await run_workflow.execute(RunWorkflowRequest(APP, ALICE, {"ticket": "x"}))
    await events_until(handle, ev.WorkflowFinished)
    assert [(run.id, run.status) for run in seen] == [(handle.run.id, RunStatus.RUNNING)]


async def test_a_draft_cannot_be_run_nor_an_unpublished_app_nor_another_apps_workflow(run_workflow, workflow_db):
    with pytest.raises(WorkflowNotPublished):
        await run_workflow.execute(RunWorkflowRequest(APP, ALICE, {"ticket": "x"}))
    published = await publish(workflow_db, APP, _linear())
    draft = await _draft_of(workflow_db, APP)
    with pytest.raises(InvalidParam) as refused:
        await run_workflow.execute(RunWorkflowRequest(APP, ALICE, {"ticket": "x"}, workflow_id=draft.id))
    assert refused.value.param == "workflow_id"
    other = make_app(AppMode.WORKFLOW, number=2)
    with pytest.raises(NotFound):  # another app's version is not one of its own
        await run_workflow.execute(RunWorkflowRequest(other, make_end_user(other), {"ticket": "x"}, published.id))
    assert workflow_db.state.workflow_runs == {}


async def test_only_workflow_apps_run_workflows(run_workflow):
    chat = make_app(AppMode.ADVANCED_CHAT, number=3)
    with pytest.raises(NotWorkflowApp):
        await run_workflow.execute(RunWorkflowRequest(chat, make_end_user(chat), {}))


async def test_a_stop_by_the_runs_user_ends_it_as_stopped(run_workflow, workflow_db, workflow_stops):
    await publish(workflow_db, APP, _linear(("w", {"type": "wait"}), ("after", {"type": "value"})))
    handle = await run_workflow.execute(RunWorkflowRequest(APP, ALICE, {"ticket": "x"}))
    await events_until(handle, lambda e: isinstance(e, ev.NodeStarted) and e.node.id == "w")
    await workflow_stops.request_stop(handle.task_id, "mallory")  # someone else's stop is ignored
    await workflow_stops.request_stop(handle.task_id, "alice")
    rest = await events_until(handle, ev.WorkflowFinished)
    assert (rest[-1].status, rest[-1].outputs) == (RunStatus.STOPPED, {})
    assert not any(isinstance(e, ev.NodeStarted) and e.node.id == "after" for e in rest)
    assert workflow_db.state.workflow_runs[handle.run.id].status == RunStatus.STOPPED
    assert workflow_stops.owners == {}  # the task is forgotten once the run ended


async def test_a_failing_node_fails_the_run_with_its_message(run_workflow, workflow_db):
    await publish(workflow_db, APP, _linear(("f", {"type": "fail"})))
    handle = await run_workflow.execute(RunWorkflowRequest(APP, ALICE, {"ticket": "x"}))
    finished = (await events_until(handle, ev.WorkflowFinished))[-1]
    assert (finished.status, finished.error) == (RunStatus.FAILED, "f broke")
    failed = [n for n in workflow_db.state.node_executions.values() if n.node_id == "f"]
    assert [(n.status, n.error) for n in failed] == [(NodeStatus.FAILED, "f broke")]


async def test_the_event_log_replays_what_the_live_stream_showed(run_workflow, workflow_db, run_log):
    await publish(workflow_db, APP, _linear(("v", {"type": "value"})))
    handle = await run_workflow.execute(RunWorkflowRequest(APP, ALICE, {"ticket": "x"}))
    live = await events_until(handle, ev.WorkflowFinished)
    replayed = await run_log.read(handle.run.id, after=0, wait=0)
    assert [event for _, event in replayed] == live and [p for p, _ in replayed] == list(range(1, len(live) + 1))


async def test_an_async_run_resumes_in_another_process_once(run_workflow, workflow_db, run_log):
    await publish(workflow_db, APP, _linear())
    handle, _ = await run_workflow.prepare(RunWorkflowRequest(APP, ALICE, {"ticket": "x"}))
    assert workflow_db.state.workflow_runs[handle.run.id].status == RunStatus.RUNNING
    await run_workflow.resume(handle.run.id, handle.task_id, "alice")
    assert workflow_db.state.workflow_runs[handle.run.id].status == RunStatus.SUCCEEDED
    logged = len(run_log.records[handle.run.id])
    await run_workflow.resume(handle.run.id, handle.task_id, "alice")  # a redelivered job: the run ended
    assert len(run_log.records[handle.run.id]) == logged and len(workflow_db.state.node_executions) == 2


async def _draft_of(db, app):
    async with db() as uow:
        return await uow.workflows.draft(app.id)


# Crash truthfulness: who owns a run, and a run never left `running` by a live process


async def test_a_run_executed_here_records_this_process_as_its_owner(run_workflow, workflow_db, work_lease):
    await publish(workflow_db, APP, _linear())
    handle = await run_workflow.execute(RunWorkflowRequest(APP, ALICE, {"ticket": "x"}))
    await events_until(handle, ev.WorkflowFinished)
    assert workflow_db.state.workflow_runs[handle.run.id].lease_owner == work_lease.owner


async def test_a_run_for_a_durable_queue_has_no_owner_and_its_resume_keeps_none(run_workflow, workflow_db):
    await publish(workflow_db, APP, _linear())
    handle, _ = await run_workflow.prepare(RunWorkflowRequest(APP, ALICE, {"ticket": "x"}), owned=False)
    assert workflow_db.state.workflow_runs[handle.run.id].lease_owner is None
    await run_workflow.resume(handle.run.id, handle.task_id, "alice")
    run = workflow_db.state.workflow_runs[handle.run.id]
    assert (run.status, run.lease_owner) == (RunStatus.SUCCEEDED, None)


async def test_a_run_cancelled_mid_execution_ends_failed_with_its_running_nodes(
    run_workflow, workflow_db, workflow_generations, workflow_stops
):
    await publish(workflow_db, APP, _linear(("w", {"type": "wait"})))
    handle = await run_workflow.execute(RunWorkflowRequest(APP, ALICE, {"ticket": "x"}))
    await events_until(handle, lambda e: isinstance(e, ev.NodeStarted) and e.node.id == "w")
    await workflow_generations.drain(timeout=0)  # the process shutting down with the run still going
    await eventually(lambda: workflow_db.state.workflow_runs[handle.run.id].ended, what="the run to be ended")
    run = workflow_db.state.workflow_runs[handle.run.id]
    assert (run.status, run.error) == (RunStatus.FAILED, SHUT_DOWN_RUN) and run.finished_at is not None
    waiting = [n for n in workflow_db.state.node_executions.values() if n.node_id == "w"]
    assert [(n.status, n.error) for n in waiting] == [(NodeStatus.FAILED, SHUT_DOWN_RUN)]
    assert workflow_stops.owners == {}


async def test_a_client_gone_right_after_the_run_was_stored_still_gets_it_run(run_workflow, workflow_db, monkeypatch):
    caller: list[asyncio.Task] = []
    real_commit = FakeUnitOfWorkBlock.commit

    async def commit_then_the_client_leaves(block):
        await real_commit(block)
        if caller and not caller[0].cancelling() and workflow_db.state.workflow_runs:
            caller[0].cancel()
            await asyncio.sleep(0)

    monkeypatch.setattr(FakeUnitOfWorkBlock, "commit", commit_then_the_client_leaves)
    await publish(workflow_db, APP, _linear())
    caller.append(asyncio.create_task(run_workflow.execute(RunWorkflowRequest(APP, ALICE, {"ticket": "x"}))))
    with pytest.raises(asyncio.CancelledError):
        await caller[0]
    [run_id] = workflow_db.state.workflow_runs
    await eventually(lambda: workflow_db.state.workflow_runs[run_id].ended, what="the detached run to finish")
    assert workflow_db.state.workflow_runs[run_id].status == RunStatus.SUCCEEDED
