from collections.abc import Iterable
from dataclasses import replace
from uuid import UUID

from application.telemetry.outcome import TraceOutcome, TraceRecorder, log
from domain.telemetry.durations import wall_clock_seconds
from domain.telemetry.points import node_points, workflow_points
from domain.telemetry.records import EventTimes, NodeExecutionRecord, WorkflowRunRecord, count_of
from domain.telemetry.spans import workflow_spans
from domain.workflows.entities import NodeExecution, WorkflowRun


def run_trace_key(run_id: UUID) -> str:
    return f"workflow_run:{run_id}"


def node_trace_key(node_execution_id: UUID) -> str:
    return f"node_execution:{node_execution_id}"


def finished_run_record(run: WorkflowRun) -> WorkflowRunRecord:
    """A run's trace snapshot from the entity the engine holds, as the store would give it back."""
    role = "end_user" if run.created_by_role == "end_user" else "account"
    return WorkflowRunRecord(
        id=run.id, tenant_id=run.tenant_id, app_id=run.app_id, workflow_id=run.workflow_id, status=run.status.value,
        created_at=run.created_at, finished_at=run.finished_at, elapsed_time=run.elapsed_time or 0.0,
        total_tokens=run.total_tokens or 0, triggered_from=run.triggered_from, error=run.error,
        invoked_by=f"{role}:{run.created_by}",
    )


def node_record(execution: NodeExecution) -> NodeExecutionRecord:
    meta, process = execution.metadata or {}, execution.process_data or {}
    return NodeExecutionRecord(
        id=execution.id, tenant_id=execution.tenant_id, app_id=execution.app_id, workflow_id=execution.workflow_id,
        workflow_run_id=execution.workflow_run_id, node_id=execution.node_id, node_type=execution.node_type,
        title=execution.title, index=execution.index, status=execution.status.value,
        created_at=execution.created_at, finished_at=execution.finished_at,
        elapsed_time=execution.elapsed_time or 0.0, error=execution.error,
        predecessor_node_id=execution.predecessor_node_id, prompt_tokens=count_of(meta.get("prompt_tokens")),
        completion_tokens=count_of(meta.get("completion_tokens")), total_tokens=count_of(meta.get("total_tokens")),
        model_provider=process.get("model_provider"), model_name=process.get("model_name"),
    )


class RecordWorkflowTrace(TraceRecorder):
    """Records a finished workflow run: its duration histogram, token and request counters, and a span
    tree (the run with one child per node execution); and each ended node's metrics (RecordNodeTrace's
    rules), so a run costs one trace job, not one per node.

    Rules: exactly once per run (a trace key claimed in a transaction, and one per ended node); the duration
    comes from the persisted row (finished_at - created_at, else elapsed_time); while the row is not finished the
    job waits and retries; after the last retry it records from the event's own times and logs that it did;
    with neither, it records nothing rather than a fake 0. A run that claimed its keys in the transaction that
    stored its end records itself at once (`record_claimed`), with no job and no read back.
    """

    def record_claimed(
        self, run: WorkflowRunRecord, nodes: list[NodeExecutionRecord], claimed_nodes: Iterable[UUID]
    ) -> None:
        """The trace of a run whose keys the caller claimed with the run's end; `claimed_nodes` are the nodes
        whose metrics are this call's to emit."""
        self._emit(run, nodes, set(claimed_nodes), run.created_at, run.finished_at, None)

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
            if not await uow.telemetry.claim(run_trace_key(run.id)):
                return TraceOutcome.ALREADY_RECORDED
            nodes = await uow.telemetry.node_executions(run.id)
            claimed = await uow.telemetry.claim_all([node_trace_key(n.id) for n in nodes if n.ended])
            # Committed before anything is emitted: a claim rolled back must not leave the trace recorded.
            await uow.commit()
        self._emit(run, nodes, {n.id for n in nodes if node_trace_key(n.id) in claimed}, start, end, duration)
        return outcome

    def _emit(self, run, nodes, claimed_nodes: set[UUID], start, end, duration) -> None:
        for node in nodes:
            if node.id in claimed_nodes:
                self._sink.emit(node_points(node))
        self._sink.emit(workflow_points(run, duration))
        if self._exporter is not None:
            self._exporter.export(workflow_spans(run, nodes, start, end))
