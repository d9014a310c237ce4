"""The spans a finished run or message becomes, with deterministic ids (spec §6.2).

trace_id = the run's (or message's) UUID as a 128-bit integer, so a trace can be found from the run id;
span_id = the first 8 bytes of SHA-256 of the source id. Times are the real start and end.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.telemetry.records import MessageRecord, NodeExecutionRecord, WorkflowRunRecord


@dataclass(frozen=True, slots=True)
class SpanRecord:
    name: str
    trace_id: int
    span_id: int
    start: datetime
    end: datetime
    attributes: dict[str, str | int | float | bool] = field(default_factory=dict)
    parent_span_id: int | None = None
    error: str | None = None


def trace_id_for(source_id: UUID) -> int:
    return source_id.int


def span_id_for(source: str) -> int:
    value = int.from_bytes(hashlib.sha256(source.encode()).digest()[:8], "big")
    return value or 1  # 0 is the invalid span id


def _clean(attributes: dict[str, object]) -> dict[str, str | int | float | bool]:
    return {k: v if isinstance(v, (str, int, float, bool)) else str(v) for k, v in attributes.items() if v is not None}


def workflow_spans(
    run: WorkflowRunRecord, nodes: list[NodeExecutionRecord], start: datetime, end: datetime
) -> list[SpanRecord]:
    trace_id = trace_id_for(run.id)
    root_id = span_id_for(str(run.id))
    common = {
        "dify.trace_id": str(run.id), "dify.tenant_id": str(run.tenant_id), "dify.app_id": str(run.app_id),
        "dify.workflow.id": str(run.workflow_id), "dify.workflow.run_id": str(run.id),
        "dify.conversation.id": run.conversation_id, "dify.message.id": run.message_id,
    }
    root = SpanRecord(
        name="dify.workflow.run", trace_id=trace_id, span_id=root_id, start=start, end=end,
        attributes=_clean({
            **common, "dify.workflow.status": run.status, "dify.workflow.error": run.error,
            "dify.workflow.elapsed_time": run.elapsed_time, "dify.invoke_from": run.triggered_from,
            "dify.invoked_by": run.invoked_by, "gen_ai.usage.total_tokens": run.total_tokens,
        }),
        error=run.error if run.failed else None,
    )
    spans = [root]
    for node in sorted(nodes, key=lambda n: n.index):
        spans.append(
            SpanRecord(
                name="dify.node.execution", trace_id=trace_id, span_id=span_id_for(str(node.id)),
                parent_span_id=root_id, start=node.created_at, end=node.finished_at or node.created_at,
                attributes=_clean({
                    **common, "dify.node.execution_id": str(node.id), "dify.node.id": node.node_id,
                    "dify.node.type": node.node_type, "dify.node.title": node.title, "dify.node.status": node.status,
                    "dify.node.error": node.error, "dify.node.elapsed_time": node.elapsed_time,
                    "dify.node.index": node.index, "dify.node.predecessor_node_id": node.predecessor_node_id,
                    "gen_ai.provider.name": node.model_provider, "gen_ai.request.model": node.model_name,
                    "gen_ai.usage.input_tokens": node.prompt_tokens or None,
                    "gen_ai.usage.output_tokens": node.completion_tokens or None,
                    "gen_ai.usage.total_tokens": node.total_tokens or None,
                }),
                error=node.error if node.failed else None,
            )
        )
    return spans


def message_spans(message: MessageRecord, start: datetime, end: datetime) -> list[SpanRecord]:
    trace_id = trace_id_for(message.id)
    root_id = span_id_for(str(message.id))
    identity = {
        "dify.trace_id": str(message.id), "dify.tenant_id": str(message.tenant_id), "dify.app_id": str(message.app_id),
        "dify.message.id": str(message.id), "dify.conversation.id": message.conversation_id,
    }
    usage = {
        "gen_ai.provider.name": message.model_provider, "gen_ai.request.model": message.model_name,
        "gen_ai.usage.input_tokens": message.message_tokens, "gen_ai.usage.output_tokens": message.answer_tokens,
        "gen_ai.usage.total_tokens": message.message_tokens + message.answer_tokens,
    }
    error = message.error if message.failed else None
    root = SpanRecord(
        name="dify.message.run", trace_id=trace_id, span_id=root_id, start=start, end=end, error=error,
        attributes=_clean({
            **identity, **usage, "dify.message.status": message.status, "dify.message.error": message.error,
            "dify.invoke_from": message.invoke_from, "dify.message.from_source": message.from_source,
            "dify.streaming": message.streaming, "dify.message.time_to_first_token": message.time_to_first_token,
        }),
    )
    llm = SpanRecord(
        name="dify.message.llm", trace_id=trace_id, span_id=span_id_for(f"{message.id}:llm"), parent_span_id=root_id,
        start=start, end=end, error=error, attributes=_clean({**identity, **usage, "gen_ai.operation.name": "chat"}),
    )
    return [root, llm]
