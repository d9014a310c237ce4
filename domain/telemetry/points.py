"""Which metric points a finished run, node or message yields (pure; the sink only writes them)."""

from dataclasses import dataclass

from domain.telemetry import catalogue as c
from domain.telemetry.durations import message_duration, node_duration, workflow_run_duration
from domain.telemetry.records import MessageRecord, NodeExecutionRecord, WorkflowRunRecord


@dataclass(frozen=True, slots=True)
class MetricPoint:
    instrument: c.Instrument
    value: float
    labels: tuple[tuple[str, str], ...]

    @property
    def label_dict(self) -> dict[str, str]:
        return dict(self.labels)


def _point(instrument: c.Instrument, value: float, **labels: object) -> MetricPoint:
    return MetricPoint(instrument, value, tuple((k, "" if v is None else str(v)) for k, v in labels.items()))


def _tokens(total: int, prompt: int, completion: int, **labels: object) -> list[MetricPoint]:
    points = [_point(c.TOKENS_TOTAL, total, **labels)] if total > 0 else []
    if prompt > 0:
        points.append(_point(c.TOKENS_INPUT, prompt, **labels))
    if completion > 0:
        points.append(_point(c.TOKENS_OUTPUT, completion, **labels))
    return points


def workflow_points(run: WorkflowRunRecord, duration: float | None = None) -> list[MetricPoint]:
    identity = {"tenant_id": run.tenant_id, "app_id": run.app_id}
    if duration is None:
        duration = workflow_run_duration(run.created_at, run.finished_at, run.elapsed_time)
    seconds = duration
    points = []
    if seconds is not None:
        points.append(_point(c.WORKFLOW_DURATION, seconds, **identity, status=run.status))
    # The workflow total includes its nodes' tokens: counted once here with operation_type=workflow.
    points += _tokens(run.total_tokens, 0, 0, **identity, operation_type=c.OperationType.WORKFLOW)
    points.append(
        _point(c.REQUESTS_TOTAL, 1, type="workflow", **identity, status=run.status, invoke_from=run.triggered_from)
    )
    if run.failed:
        points.append(_point(c.ERRORS_TOTAL, 1, type="workflow", **identity))
    return points


def node_points(node: NodeExecutionRecord) -> list[MetricPoint]:
    identity = {"tenant_id": node.tenant_id, "app_id": node.app_id}
    model = {"model_provider": node.model_provider or "", "model_name": node.model_name or ""}
    points = []
    seconds = node_duration(node.created_at, node.finished_at, node.elapsed_time)
    if seconds is not None:
        points.append(_point(c.NODE_DURATION, seconds, **identity, node_type=node.node_type, **model))
    points += _tokens(
        node.total_tokens, node.prompt_tokens, node.completion_tokens,
        **identity, operation_type=c.OperationType.NODE_EXECUTION, node_type=node.node_type, **model,
    )
    points.append(
        _point(c.REQUESTS_TOTAL, 1, type="node", **identity, node_type=node.node_type,
               model_provider=node.model_provider or "", status=node.status)
    )
    if node.failed:
        points.append(_point(c.ERRORS_TOTAL, 1, type="node", **identity, node_type=node.node_type))
    return points


def message_points(message: MessageRecord, duration: float | None = None) -> list[MetricPoint]:
    identity = {"tenant_id": message.tenant_id, "app_id": message.app_id}
    model = {"model_provider": message.model_provider, "model_name": message.model_name}
    points = []
    seconds = duration if duration is not None else message_duration(
        message.created_at, message.updated_at, message.provider_response_latency
    )
    if seconds is not None:
        points.append(_point(c.MESSAGE_DURATION, seconds, **identity, **model))
    if message.time_to_first_token is not None and message.time_to_first_token >= 0:
        points.append(_point(c.MESSAGE_TTFT, message.time_to_first_token, **identity, **model))
    prompt, completion = message.message_tokens, message.answer_tokens
    operation = c.OperationType.MESSAGE
    points += _tokens(prompt + completion, prompt, completion, **identity, operation_type=operation, **model)
    points.append(
        _point(c.REQUESTS_TOTAL, 1, type="message", **identity, **model, status=message.status,
               invoke_from=message.invoke_from)
    )
    if message.failed:
        points.append(_point(c.ERRORS_TOTAL, 1, type="message", **identity, **model))
    return points


_APP_EVENTS = {"created": c.APP_CREATED, "updated": c.APP_UPDATED, "deleted": c.APP_DELETED}


def app_event_points(event: str, tenant_id: object, app_id: object, mode: str | None = None) -> list[MetricPoint]:
    """One count of an app created (labelled with its mode), updated or deleted."""
    extra = {"mode": mode} if event == "created" and mode else {}
    return [_point(_APP_EVENTS[event], 1, tenant_id=tenant_id, app_id=app_id, **extra)]
