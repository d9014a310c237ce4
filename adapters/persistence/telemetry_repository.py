import json
from uuid import UUID

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence import driver_sql
from adapters.persistence.raw_statement import RawStatement
from adapters.persistence.schema import apps, messages, trace_records, workflow_node_executions, workflow_runs
from domain.telemetry.records import MessageRecord, NodeExecutionRecord, WorkflowRunRecord, count_of


def _json(text: str | None) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _run(row) -> WorkflowRunRecord:
    return WorkflowRunRecord(
        id=row.id, tenant_id=row.tenant_id, app_id=row.app_id, workflow_id=row.workflow_id, status=row.status,
        created_at=row.created_at, finished_at=row.finished_at, elapsed_time=row.elapsed_time or 0.0,
        total_tokens=row.total_tokens or 0, triggered_from=row.triggered_from, error=row.error,
        invoked_by=f"{'end_user' if row.created_by_role == 'end_user' else 'account'}:{row.created_by}",
    )


def _node(row) -> NodeExecutionRecord:
    meta, process = _json(row.execution_metadata), _json(row.process_data)
    return NodeExecutionRecord(
        id=row.id, tenant_id=row.tenant_id, app_id=row.app_id, workflow_id=row.workflow_id,
        workflow_run_id=row.workflow_run_id, node_id=row.node_id, node_type=row.node_type, title=row.title,
        index=row.index, status=row.status, created_at=row.created_at, finished_at=row.finished_at,
        elapsed_time=row.elapsed_time or 0.0, error=row.error, predecessor_node_id=row.predecessor_node_id,
        prompt_tokens=count_of(meta.get("prompt_tokens")), completion_tokens=count_of(meta.get("completion_tokens")),
        total_tokens=count_of(meta.get("total_tokens")),
        model_provider=process.get("model_provider"), model_name=process.get("model_name"),
    )


def _message(row) -> MessageRecord:
    completed = row.updated_at is not None and row.updated_at > row.created_at
    return MessageRecord(
        id=row.id, tenant_id=row.tenant_id, app_id=row.app_id, conversation_id=row.conversation_id,
        model_provider=row.model_provider or "", model_name=row.model_id or "", status=row.status,
        created_at=row.created_at, updated_at=row.updated_at,
        provider_response_latency=row.provider_response_latency or 0.0,
        message_tokens=row.message_tokens or 0, answer_tokens=row.answer_tokens or 0,
        invoke_from=row.invoke_from or "service-api", error=row.error, time_to_first_token=row.time_to_first_token,
        from_source=row.from_source, streaming=row.is_streaming,
        finished=completed or row.status == "error" or (row.provider_response_latency or 0) > 0,
    )


# The first key, then the others only if the first was this statement's to mark (a concurrent claim of a key waits
# on its row lock, then sees the conflict: one winner).
_CLAIM_WITH = (
    "WITH first AS (INSERT INTO trace_records (trace_key) VALUES (%(key)s) "
    "ON CONFLICT DO NOTHING RETURNING trace_key), "
    "rest AS (INSERT INTO trace_records (trace_key) SELECT key FROM unnest(%(also)s::text[]) AS key "
    "WHERE EXISTS (SELECT FROM first) ON CONFLICT DO NOTHING RETURNING trace_key) "
    "SELECT trace_key FROM first UNION ALL SELECT trace_key FROM rest"
)



# Every finished chat claims its trace key: built once, run by psycopg itself (RawStatement).
_CLAIM = RawStatement(
    insert(trace_records)
    .values(trace_key=bindparam("_trace_key"))
    .on_conflict_do_nothing()
    .returning(trace_records.c.trace_key),
    trace_records,
)

class SqlaTelemetryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def workflow_run(self, run_id: UUID) -> WorkflowRunRecord | None:
        row = (await self._session.execute(select(workflow_runs).where(workflow_runs.c.id == run_id))).first()
        return _run(row) if row else None

    async def node_executions(self, run_id: UUID) -> list[NodeExecutionRecord]:
        n = workflow_node_executions
        rows = (await self._session.execute(select(n).where(n.c.workflow_run_id == run_id).order_by(n.c.index))).all()
        return [_node(r) for r in rows]

    async def node_execution(self, node_execution_id: UUID) -> NodeExecutionRecord | None:
        n = workflow_node_executions
        row = (await self._session.execute(select(n).where(n.c.id == node_execution_id))).first()
        return _node(row) if row else None

    async def message(self, message_id: UUID) -> MessageRecord | None:
        stmt = (
            select(messages, apps.c.tenant_id)
            .join(apps, apps.c.id == messages.c.app_id)
            .where(messages.c.id == message_id)
        )
        row = (await self._session.execute(stmt)).first()
        return _message(row) if row else None

    async def claim(self, trace_key: str) -> bool:
        # A concurrent claim of the same key waits on the row lock, then sees the conflict: one winner.
        return await (await _CLAIM.execute(self._session, {"_trace_key": trace_key})).fetchone() is not None

    async def claim_all(self, trace_keys) -> set[str]:
        if not trace_keys:
            return set()
        stmt = insert(trace_records).values([{"trace_key": key} for key in trace_keys]).on_conflict_do_nothing()
        rows = (await self._session.execute(stmt.returning(trace_records.c.trace_key))).all()
        return {row.trace_key for row in rows}

    async def claim_with(self, trace_key: str, also) -> set[str]:
        rows = await driver_sql.execute(self._session, _CLAIM_WITH, {"key": trace_key, "also": list(also)})
        return {key for (key,) in rows}
