import json
from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, delete, desc, func, or_, select, update
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence import driver_sql
from adapters.persistence.schema import (
    apps,
    end_users,
    messages,
    workflow_app_logs,
    workflow_inspector_clears,
    workflow_inspector_edits,
    workflow_node_executions,
    workflow_runs,
    workflows,
)
from domain.workflows.entities import DRAFT, NodeExecution, NodeStatus, RunStatus, Workflow, WorkflowRun
from domain.workflows.ports import InspectorEdit, RunHistoryEntry, RunHistoryFilter, RunLogEntry, RunLogFilter


def _workflow(row) -> Workflow:
    return Workflow(
        id=row.id,
        tenant_id=row.tenant_id,
        app_id=row.app_id,
        type=row.type,
        version=row.version,
        graph=json.loads(row.graph),
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        features=json.loads(row.features or "{}"),
        environment_variables=json.loads(row.environment_variables or "[]"),
        conversation_variables=json.loads(row.conversation_variables or "[]"),
        marked_name=row.marked_name or "",
        marked_comment=row.marked_comment or "",
    )


def _workflow_values(w: Workflow) -> dict:
    return dict(
        tenant_id=w.tenant_id,
        app_id=w.app_id,
        type=w.type,
        version=w.version,
        graph=json.dumps(w.graph),
        features=json.dumps(w.features),
        environment_variables=json.dumps(w.environment_variables),
        conversation_variables=json.dumps(w.conversation_variables),
        marked_name=w.marked_name,
        marked_comment=w.marked_comment,
        created_by=w.created_by,
        created_at=w.created_at,
        updated_at=w.updated_at,
    )


class SqlaWorkflowRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def draft(self, app_id: UUID) -> Workflow | None:
        stmt = select(workflows).where(workflows.c.app_id == app_id, workflows.c.version == DRAFT)
        row = (await self._session.execute(stmt)).first()
        return _workflow(row) if row else None

    async def save_draft(self, workflow: Workflow) -> None:
        # An upsert on the draft's id, so two saves of the same draft at once (the editor syncs the graph and
        # its conversation variables in parallel) queue on the row and the later one wins; a delete-and-insert
        # let the second insert collide with the first's new row (a 500).
        w = workflows.c
        await self._session.execute(
            delete(workflows).where(w.app_id == workflow.app_id, w.version == DRAFT, w.id != workflow.id)
        )
        values = _workflow_values(workflow)
        stmt = insert(workflows).values(id=workflow.id, **values)
        await self._session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=values))

    async def save_draft_part(self, workflow: Workflow, part: str) -> None:
        if part not in ("features", "environment_variables", "conversation_variables"):
            raise ValueError(part)
        w = workflows.c
        values = {part: json.dumps(getattr(workflow, part)), "updated_at": workflow.updated_at}
        stmt = update(workflows).where(w.app_id == workflow.app_id, w.version == DRAFT).values(**values)
        await self._session.execute(stmt)

    async def add_version(self, workflow: Workflow) -> None:
        await self._session.execute(workflows.insert().values(id=workflow.id, **_workflow_values(workflow)))
        await self._session.execute(update(apps).where(apps.c.id == workflow.app_id).values(workflow_id=workflow.id))

    async def published(self, app_id: UUID) -> Workflow | None:
        stmt = select(workflows).join(apps, apps.c.workflow_id == workflows.c.id).where(apps.c.id == app_id)
        row = (await self._session.execute(stmt)).first()
        return _workflow(row) if row else None

    async def get(self, workflow_id: UUID) -> Workflow | None:
        row = (await self._session.execute(select(workflows).where(workflows.c.id == workflow_id))).first()
        return _workflow(row) if row else None

    async def versions(
        self, app_id: UUID, *, page: int, limit: int, named_only: bool = False, created_by: UUID | None = None
    ) -> tuple[list[Workflow], bool]:
        w = workflows.c
        where = [w.app_id == app_id]
        if named_only:
            where.append(w.marked_name != "")
        if created_by is not None:
            where.append(w.created_by == created_by)
        stmt = (
            select(workflows)
            .where(*where)
            .order_by(w.version.desc(), w.id.desc())  # "draft" sorts above every "YYYY-MM-DD …" version
            .limit(limit + 1)
            .offset((page - 1) * limit)
        )
        rows = (await self._session.execute(stmt)).all()
        return [_workflow(r) for r in rows[:limit]], len(rows) > limit

    async def update_marks(self, workflow: Workflow) -> None:
        await self._session.execute(
            update(workflows)
            .where(workflows.c.id == workflow.id)
            .values(marked_name=workflow.marked_name, marked_comment=workflow.marked_comment)
        )

    async def delete_version(self, workflow_id: UUID) -> None:
        await self._session.execute(delete(workflows).where(workflows.c.id == workflow_id))


def _run(row) -> WorkflowRun:
    return WorkflowRun(
        id=row.id,
        tenant_id=row.tenant_id,
        app_id=row.app_id,
        workflow_id=row.workflow_id,
        type=row.type,
        triggered_from=row.triggered_from,
        version=row.version,
        inputs=json.loads(row.inputs or "{}"),
        created_by_role=row.created_by_role,
        created_by=row.created_by,
        created_at=row.created_at,
        status=RunStatus(row.status),
        outputs=json.loads(row.outputs or "{}"),
        error=row.error,
        elapsed_time=row.elapsed_time,
        total_tokens=row.total_tokens,
        total_steps=row.total_steps or 0,
        exceptions_count=row.exceptions_count or 0,
        finished_at=row.finished_at,
        lease_owner=row.lease_owner,
        graph=json.loads(row.graph) if row.graph else None,
        root_node_id=row.root_node_id,
    )


def _run_values(r: WorkflowRun, graph: bool = True) -> dict:
    values = dict(
        tenant_id=r.tenant_id,
        app_id=r.app_id,
        workflow_id=r.workflow_id,
        type=r.type,
        triggered_from=r.triggered_from,
        version=r.version,
        inputs=json.dumps(r.inputs),
        status=r.status.value,
        outputs=json.dumps(r.outputs),
        error=r.error,
        elapsed_time=r.elapsed_time,
        total_tokens=r.total_tokens,
        total_steps=r.total_steps,
        exceptions_count=r.exceptions_count,
        created_by_role=r.created_by_role,
        created_by=r.created_by,
        created_at=r.created_at,
        finished_at=r.finished_at,
        lease_owner=r.lease_owner,
        root_node_id=r.root_node_id,
    )
    if graph:
        values["graph"] = json.dumps(r.graph) if r.graph is not None else None
    return values


def _node(row) -> NodeExecution:
    return NodeExecution(
        id=row.id,
        tenant_id=row.tenant_id,
        app_id=row.app_id,
        workflow_id=row.workflow_id,
        workflow_run_id=row.workflow_run_id,
        index=row.index,
        node_id=row.node_id,
        node_type=row.node_type,
        title=row.title,
        created_at=row.created_at,
        created_by_role=row.created_by_role,
        created_by=row.created_by,
        predecessor_node_id=row.predecessor_node_id,
        status=NodeStatus(row.status),
        inputs=json.loads(row.inputs or "{}"),
        process_data=json.loads(row.process_data or "{}"),
        outputs=json.loads(row.outputs or "{}"),
        error=row.error,
        elapsed_time=row.elapsed_time,
        metadata=json.loads(row.execution_metadata or "{}"),
        finished_at=row.finished_at,
    )


def _end_user(row) -> dict | None:
    if not row.eu_id:
        return None
    return {"id": str(row.eu_id), "type": row.eu_type, "is_anonymous": row.is_anonymous, "session_id": row.session_id}


def _node_values(n: NodeExecution) -> dict:
    return dict(
        tenant_id=n.tenant_id,
        app_id=n.app_id,
        workflow_id=n.workflow_id,
        triggered_from="workflow-run" if n.workflow_run_id else "single-step",
        workflow_run_id=n.workflow_run_id,
        index=n.index,
        predecessor_node_id=n.predecessor_node_id,
        node_execution_id=str(n.id),
        node_id=n.node_id,
        node_type=n.node_type,
        title=n.title,
        inputs=json.dumps(n.inputs, default=str),
        process_data=json.dumps(n.process_data, default=str),
        outputs=json.dumps(n.outputs, default=str),
        status=n.status.value,
        error=n.error,
        elapsed_time=n.elapsed_time,
        execution_metadata=json.dumps(n.metadata, default=str),
        created_at=n.created_at,
        created_by_role=n.created_by_role,
        created_by=n.created_by,
        finished_at=n.finished_at,
    )


_RUN_COLUMNS = [c.name for c in workflow_runs.columns]
_INSERT_RUN = driver_sql.insert_sql(workflow_runs, _RUN_COLUMNS)
_UPDATE_RUN = driver_sql.update_sql(workflow_runs, [c for c in _RUN_COLUMNS if c != "graph"])
_UPSERT_NODE = driver_sql.upsert_sql(
    workflow_node_executions, [c.name for c in workflow_node_executions.columns], "id", keep=("created_at",)
)
_INSERT_APP_LOG = driver_sql.insert_sql(
    workflow_app_logs, [c.name for c in workflow_app_logs.columns if c.name != "id"]
)
# The run, and its app log entry made of the run's own columns.
_LOGGED = "tenant_id, app_id, workflow_id, created_by_role, created_by, created_at"
_INSERT_LOGGED_RUN = (
    f"WITH run AS ({_INSERT_RUN} RETURNING id, {_LOGGED}) "
    f"INSERT INTO workflow_app_logs (workflow_run_id, {_LOGGED}, created_from) "
    f"SELECT id, {_LOGGED}, %(logged_from)s FROM run"
)


class SqlaWorkflowRunRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, run: WorkflowRun, logged_from: str | None = None) -> None:
        values = {"id": run.id, **_run_values(run)}
        if logged_from is None:
            await driver_sql.execute(self._session, _INSERT_RUN, values)
        else:
            await driver_sql.execute(self._session, _INSERT_LOGGED_RUN, values | {"logged_from": logged_from})

    async def update(self, run: WorkflowRun) -> None:
        """Everything but the graph, which a run keeps from its start."""
        values = _run_values(run, graph=False)
        await driver_sql.execute(self._session, _UPDATE_RUN, {"id": run.id, **values})

    async def get(self, run_id: UUID) -> WorkflowRun | None:
        row = (await self._session.execute(select(workflow_runs).where(workflow_runs.c.id == run_id))).first()
        return _run(row) if row else None

    async def add_node(self, execution: NodeExecution) -> None:
        await self._session.execute(
            workflow_node_executions.insert().values(id=execution.id, **_node_values(execution))
        )

    async def update_node(self, execution: NodeExecution) -> None:
        n = workflow_node_executions
        await self._session.execute(update(n).where(n.c.id == execution.id).values(**_node_values(execution)))

    async def save_nodes(self, executions: list[NodeExecution]) -> None:
        # One upsert a row, pipelined: a node flushed started, then finished, is one row.
        rows = [{"id": e.id, **_node_values(e)} for e in executions]
        await driver_sql.execute_many(self._session, _UPSERT_NODE, rows)

    async def delete_nodes(self, run_id: UUID) -> None:
        n = workflow_node_executions
        await self._session.execute(delete(n).where(n.c.workflow_run_id == run_id))

    async def add_app_log(self, run: WorkflowRun, created_from: str) -> None:
        values = {
            "tenant_id": run.tenant_id,
            "app_id": run.app_id,
            "workflow_id": run.workflow_id,
            "workflow_run_id": run.id,
            "created_from": created_from,
            "created_by_role": run.created_by_role,
            "created_by": run.created_by,
            "created_at": run.created_at,
        }
        await driver_sql.execute(self._session, _INSERT_APP_LOG, values)

    async def logs(
        self, app_id: UUID, filters: RunLogFilter, *, page: int, limit: int
    ) -> tuple[list[RunLogEntry], int]:
        log, run = workflow_app_logs, workflow_runs
        where = [log.c.app_id == app_id]
        if filters.status:
            where.append(run.c.status == filters.status)
        if filters.keyword:
            pattern = "%" + filters.keyword.replace("%", "\\%").replace("_", "\\_") + "%"
            where.append((run.c.inputs.ilike(pattern)) | (run.c.outputs.ilike(pattern)))
        if filters.created_after:
            where.append(log.c.created_at >= filters.created_after)
        if filters.created_before:
            where.append(log.c.created_at <= filters.created_before)
        if filters.end_user_session:
            where.append(end_users.c.session_id == filters.end_user_session)
        joined = log.join(run, run.c.id == log.c.workflow_run_id).outerjoin(
            end_users, end_users.c.id == log.c.created_by
        )
        total = (await self._session.execute(select(func.count()).select_from(joined).where(*where))).scalar_one()
        stmt = (
            select(
                run,
                log.c.created_from,
                end_users.c.id.label("eu_id"),
                end_users.c.session_id,
                end_users.c.is_anonymous,
                end_users.c.type.label("eu_type"),
            )
            .select_from(joined)
            .where(*where)
            .order_by(desc(log.c.created_at), desc(log.c.id))
            .offset((page - 1) * limit)
            .limit(limit)
        )
        entries = []
        for row in (await self._session.execute(stmt)).all():
            end_user = None
            if row.eu_id:
                end_user = {
                    "id": str(row.eu_id),
                    "type": row.eu_type,
                    "is_anonymous": row.is_anonymous,
                    "session_id": row.session_id,
                }
            entries.append(RunLogEntry(run=_run(row), created_from=row.created_from, end_user=end_user))
        return entries, total

    async def link_message(self, run_id: UUID, message_id: UUID) -> None:
        await self._session.execute(update(messages).where(messages.c.id == message_id).values(workflow_run_id=run_id))

    async def history(self, app_id: UUID, filters: RunHistoryFilter, limit: int) -> tuple[list[RunHistoryEntry], bool]:
        run = workflow_runs
        where = [run.c.app_id == app_id, run.c.triggered_from == filters.triggered_from]
        if filters.status:
            where.append(run.c.status == filters.status)
        if filters.after is not None:
            last = (
                await self._session.execute(select(run.c.created_at, run.c.id).where(run.c.id == filters.after))
            ).first()
            if last is None:
                return [], False
            # Keyset: strictly older than the last run shown (ties on created_at broken by id).
            where.append(
                or_(run.c.created_at < last.created_at, and_(run.c.created_at == last.created_at, run.c.id < last.id))
            )
        joined = run.outerjoin(end_users, end_users.c.id == run.c.created_by).outerjoin(
            messages, messages.c.workflow_run_id == run.c.id
        )
        stmt = (
            select(
                run,
                end_users.c.id.label("eu_id"),
                end_users.c.session_id,
                end_users.c.is_anonymous,
                end_users.c.type.label("eu_type"),
                messages.c.id.label("message_id"),
                messages.c.conversation_id,
            )
            .select_from(joined)
            .where(*where)
            .order_by(desc(run.c.created_at), desc(run.c.id))
            .limit(limit + 1)
        )
        rows = (await self._session.execute(stmt)).all()
        entries = [RunHistoryEntry(_run(r), _end_user(r), r.message_id, r.conversation_id) for r in rows[:limit]]
        return entries, len(rows) > limit

    async def count_by_status(self, app_id: UUID, triggered_from: str, created_after=None) -> dict[str, int]:
        run = workflow_runs
        where = [run.c.app_id == app_id, run.c.triggered_from == triggered_from]
        if created_after is not None:
            where.append(run.c.created_at >= created_after)
        stmt = select(run.c.status, func.count()).where(*where).group_by(run.c.status)
        return {status: count for status, count in (await self._session.execute(stmt)).all()}

    async def nodes(self, run_id: UUID) -> list[NodeExecution]:
        n = workflow_node_executions
        stmt = select(n).where(n.c.workflow_run_id == run_id).order_by(n.c.created_at, n.c.index)
        return [_node(row) for row in (await self._session.execute(stmt)).all()]

    async def last_node_run(self, workflow_id: UUID, node_id: str) -> NodeExecution | None:
        n = workflow_node_executions
        stmt = (
            select(n)
            .where(n.c.workflow_id == workflow_id, n.c.node_id == node_id)
            .order_by(desc(n.c.created_at))
            .limit(1)
        )
        row = (await self._session.execute(stmt)).first()
        return _node(row) if row else None

    async def last_node_runs(self, workflow_id: UUID) -> list[NodeExecution]:
        n = workflow_node_executions
        stmt = (
            select(n)
            .where(n.c.workflow_id == workflow_id)
            .ext(distinct_on(n.c.node_id))
            .order_by(n.c.node_id, desc(n.c.created_at))
        )
        return [_node(row) for row in (await self._session.execute(stmt)).all()]

    async def inspector_clears(self, app_id: UUID) -> dict[tuple[str, str], datetime]:
        c = workflow_inspector_clears
        rows = (await self._session.execute(select(c).where(c.c.app_id == app_id))).all()
        return {(row.node_id, row.name): row.cleared_at for row in rows}

    async def clear_inspector(self, app_id: UUID, node_id: str, name: str, at: datetime) -> None:
        c = workflow_inspector_clears
        stmt = insert(c).values(app_id=app_id, node_id=node_id, name=name, cleared_at=at)
        await self._session.execute(
            stmt.on_conflict_do_update(index_elements=[c.c.app_id, c.c.node_id, c.c.name], set_={"cleared_at": at})
        )
        e = workflow_inspector_edits
        within = [e.c.app_id == app_id]
        if node_id:
            within.append(e.c.node_id == node_id)
        if name:
            within.append(e.c.name == name)
        await self._session.execute(delete(e).where(*within))

    async def inspector_edits(self, app_id: UUID) -> dict[tuple[str, str], InspectorEdit]:
        e = workflow_inspector_edits
        rows = (await self._session.execute(select(e).where(e.c.app_id == app_id))).all()
        return {(row.node_id, row.name): InspectorEdit(row.value, row.edited_at) for row in rows}

    async def edit_inspector(self, app_id: UUID, node_id: str, name: str, value, at: datetime) -> None:
        e = workflow_inspector_edits
        stmt = insert(e).values(app_id=app_id, node_id=node_id, name=name, value=value, edited_at=at)
        await self._session.execute(
            stmt.on_conflict_do_update(
                index_elements=[e.c.app_id, e.c.node_id, e.c.name], set_={"value": stmt.excluded.value, "edited_at": at}
            )
        )

    async def forget_inspector_edit(self, app_id: UUID, node_id: str, name: str) -> None:
        e = workflow_inspector_edits
        await self._session.execute(delete(e).where(e.c.app_id == app_id, e.c.node_id == node_id, e.c.name == name))
