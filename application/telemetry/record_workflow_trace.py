from dataclasses import replace
from uuid import UUID

from application.telemetry.outcome import TraceOutcome, TraceRecorder, log
from domain.telemetry.durations import wall_clock_seconds
from domain.telemetry.points import node_points, workflow_points
from domain.telemetry.records import EventTimes
from domain.telemetry.spans import workflow_spans


class RecordWorkflowTrace(TraceRecorder):
    """Records a finished workflow run: its duration histogram, token and request counters, and a span
    tree (the run with one child per node execution); and each ended node's metrics (RecordNodeTrace's
    rules), so a run costs one trace job, not one per node.

    Rules: exactly once per run (a trace key claimed in the same transaction); the duration comes from
    the persisted row (finished_at - created_at, else elapsed_time); while the row is not finished the job
    waits and retries; after the last retry it records from the event's own times and logs that it did;
    with neither, it records nothing rather than a fake 0.
    """

    async def _attempt(self, run_id: UUID, times: EventTimes, final: bool) -> TraceOutcome:
        async with self._uow() as uow:
            run = await uow.telemetry.workflow_run(run_id)
            if run is None:
                if final:
                    log.warning("workflow run %s was never stored; nothing recorded", run_id)
                    return TraceOutcome.MISSING
                return TraceOutcome.NOT_READY
            if not run.ended and not final:
                return TraceOutcome.NOT_READY
            if not await uow.telemetry.claim(f"workflow_run:{run.id}"):
                return TraceOutcome.ALREADY_RECORDED
            outcome = TraceOutcome.RECORDED
            start, end, duration = run.created_at, run.finished_at, None
            if not run.ended:
                duration = wall_clock_seconds(times.started_at, times.finished_at)
                if duration is None:
                    log.warning("workflow run %s never finished in storage and the event has no times", run_id)
                    return TraceOutcome.MISSING
                start, end = times.started_at, times.finished_at
                run = replace(run, status=times.status or run.status)
                outcome = TraceOutcome.RECORDED_FROM_EVENT
                log.warning("workflow run %s not finished in storage after retries; recorded from event times", run_id)
            nodes = await uow.telemetry.node_executions(run.id)
            for node in nodes:
                if node.ended and await uow.telemetry.claim(f"node_execution:{node.id}"):
                    self._sink.emit(node_points(node))
            self._sink.emit(workflow_points(run, duration))
            self._exporter.export(workflow_spans(run, nodes, start, end))
            await uow.commit()
            return outcome
