"""The trace use cases with fakes: exactly once, the stale-row wait, event-time fallback, aborted messages."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from application.telemetry.outcome import TraceOutcome
from application.telemetry.record_message_trace import RecordMessageTrace
from application.telemetry.record_node_trace import RecordNodeTrace
from application.telemetry.record_workflow_trace import RecordWorkflowTrace
from domain.telemetry.records import EventTimes, MessageRecord, NodeExecutionRecord, WorkflowRunRecord
from domain.telemetry.spans import span_id_for
from tests.fakes import RecordingExporter, RecordingSink

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
RUN = UUID(int=101)
TENANT, APP = UUID(int=1), UUID(int=2)


def _run(**changes) -> WorkflowRunRecord:
    base = WorkflowRunRecord(
        id=RUN, tenant_id=TENANT, app_id=APP, workflow_id=UUID(int=3), status="succeeded", created_at=T0,
        finished_at=T0 + timedelta(milliseconds=250), elapsed_time=0.0, total_tokens=120, triggered_from="app-run",
    )
    return replace(base, **changes)


def _node(index: int, **changes) -> NodeExecutionRecord:
    base = NodeExecutionRecord(
        id=UUID(int=200 + index), tenant_id=TENANT, app_id=APP, workflow_id=UUID(int=3), workflow_run_id=RUN,
        node_id=f"n{index}", node_type="llm", title=f"LLM {index}", index=index, status="succeeded",
        created_at=T0 + timedelta(milliseconds=10 * index), finished_at=T0 + timedelta(milliseconds=10 * index + 5),
        elapsed_time=0.0, prompt_tokens=40, completion_tokens=20, total_tokens=60, model_provider="openai",
        model_name="gpt-4o-mini",
    )
    return replace(base, **changes)


def _message(**changes) -> MessageRecord:
    base = MessageRecord(
        id=UUID(int=301), tenant_id=TENANT, app_id=APP, conversation_id=UUID(int=302), model_provider="openai",
        model_name="gpt-4o-mini", status="normal", created_at=T0, updated_at=T0 + timedelta(seconds=1.5),
        provider_response_latency=1.2, message_tokens=30, answer_tokens=12, invoke_from="service-api",
        time_to_first_token=0.3,
    )
    return replace(base, **changes)


class ScriptedSleep:
    """Stands in for asyncio.sleep: counts waits and can run a step at a given wait (e.g. storage landing)."""

    def __init__(self, at_wait: int | None = None, step=None) -> None:
        self.waits: list[float] = []
        self._at, self._step = at_wait, step

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self._step and len(self.waits) == self._at:
            self._step()


def _workflow(uow, sleep=None):
    sink, exporter = RecordingSink(), RecordingExporter()
    return RecordWorkflowTrace(uow, sink, exporter, sleep=sleep or ScriptedSleep()), sink, exporter


async def test_a_finished_run_yields_one_duration_point_and_a_span_tree(uow):
    uow.committed.runs[RUN] = _run()
    for i in (1, 2):
        uow.committed.nodes[UUID(int=200 + i)] = _node(i)
    use_case, sink, exporter = _workflow(uow)
    assert await use_case.execute(RUN, EventTimes()) == TraceOutcome.RECORDED
    [point] = sink.named("dify.workflow.duration")
    assert point.value == pytest.approx(0.25)
    assert point.label_dict == {"tenant_id": str(TENANT), "app_id": str(APP), "status": "succeeded"}
    root, *children = exporter.spans
    assert (root.name, root.start, root.end, root.trace_id) == ("dify.workflow.run", T0, T0 + timedelta(milliseconds=250), RUN.int)
    assert [c.parent_span_id for c in children] == [span_id_for(str(RUN))] * 2
    assert [c.attributes["dify.node.id"] for c in children] == ["n1", "n2"]


async def test_a_redelivered_job_records_nothing_twice(uow):
    uow.committed.runs[RUN] = _run()
    use_case, sink, exporter = _workflow(uow)
    await use_case.execute(RUN, EventTimes())
    before = (len(sink.points), len(exporter.spans))
    assert await use_case.execute(RUN, EventTimes()) == TraceOutcome.ALREADY_RECORDED
    assert (len(sink.points), len(exporter.spans)) == before


async def test_a_run_stored_late_is_waited_for_and_recorded_with_its_true_duration(uow):
    uow.committed.runs[RUN] = _run(status="running", finished_at=None, elapsed_time=0.0)
    land = lambda: uow.committed.runs.update({RUN: _run(finished_at=T0 + timedelta(milliseconds=300))})  # noqa: E731
    sleep = ScriptedSleep(at_wait=3, step=land)
    use_case, sink, _ = _workflow(uow, sleep)
    assert await use_case.execute(RUN, EventTimes()) == TraceOutcome.RECORDED
    assert len(sleep.waits) == 3 and sleep.waits == sorted(sleep.waits)
    assert [p.value for p in sink.named("dify.workflow.duration")] == [pytest.approx(0.3)]


async def test_a_run_never_finished_in_storage_is_recorded_from_the_event_times(uow):
    uow.committed.runs[RUN] = _run(status="running", finished_at=None)
    use_case, sink, exporter = _workflow(uow)
    times = EventTimes(started_at=T0, finished_at=T0 + timedelta(seconds=2), status="succeeded")
    assert await use_case.execute(RUN, times) == TraceOutcome.RECORDED_FROM_EVENT
    [point] = sink.named("dify.workflow.duration")
    assert (point.value, point.label_dict["status"]) == (2.0, "succeeded")
    assert exporter.spans[0].end == T0 + timedelta(seconds=2)


async def test_with_no_timing_anywhere_nothing_is_recorded(uow):
    uow.committed.runs[RUN] = _run(status="running", finished_at=None)
    use_case, sink, _ = _workflow(uow)
    assert await use_case.execute(RUN, EventTimes()) == TraceOutcome.MISSING
    assert sink.points == [] and uow.committed.trace_keys == set()


async def test_tokens_are_never_counted_twice_across_levels(uow):
    uow.committed.runs[RUN] = _run(total_tokens=120)
    uow.committed.nodes[UUID(int=201)] = _node(1)
    sink = RecordingSink()
    await RecordWorkflowTrace(uow, sink, RecordingExporter(), sleep=ScriptedSleep()).execute(RUN, EventTimes())
    await RecordNodeTrace(uow, sink, sleep=ScriptedSleep()).execute(UUID(int=201), EventTimes())
    totals = {p.label_dict["operation_type"]: p.value for p in sink.named("dify.tokens.total")}
    assert totals == {"workflow": 120, "node_execution": 60}
    inputs = [p.label_dict["operation_type"] for p in sink.named("dify.tokens.input")]
    assert inputs == ["node_execution"]  # input/output only where the counts are known and > 0


async def test_a_completed_message_lasts_until_its_answer_was_stored(uow):
    message = _message()
    uow.committed.message_records[message.id] = message
    sink, exporter = RecordingSink(), RecordingExporter()
    assert await RecordMessageTrace(uow, sink, exporter, sleep=ScriptedSleep()).execute(message.id, EventTimes()) == "recorded"
    assert [p.value for p in sink.named("dify.message.duration")] == [1.5]
    assert [p.value for p in sink.named("dify.message.time_to_first_token")] == [0.3]
    assert {p.instrument.name: p.value for p in sink.named("dify.tokens.input") + sink.named("dify.tokens.output")} == {
        "dify.tokens.input": 30, "dify.tokens.output": 12,
    }
    assert [s.name for s in exporter.spans] == ["dify.message.run", "dify.message.llm"]
    assert exporter.spans[0].end - exporter.spans[0].start == timedelta(seconds=1.5)


async def test_an_aborted_message_uses_the_provider_latency(uow):
    message = _message(updated_at=T0, provider_response_latency=0.8, status="error", error="stopped", answer_tokens=0)
    uow.committed.message_records[message.id] = message
    sink = RecordingSink()
    await RecordMessageTrace(uow, sink, RecordingExporter(), sleep=ScriptedSleep()).execute(message.id, EventTimes())
    assert [p.value for p in sink.named("dify.message.duration")] == [0.8]
    assert sink.named("dify.tokens.output") == []
    assert [p.label_dict["type"] for p in sink.named("dify.errors.total")] == ["message"]
