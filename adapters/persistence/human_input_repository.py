from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.schema import human_input_forms, workflow_pauses, workflow_runs
from domain.workflows.entities import RunStatus
from domain.workflows.human_input import FormStatus, HumanInputForm
from domain.workflows.pause import PausedRun

forms = human_input_forms


def _form(row) -> HumanInputForm:
    return HumanInputForm(
        id=row.id,
        token=row.form_token,
        tenant_id=row.tenant_id,
        app_id=row.app_id,
        run_id=row.workflow_run_id,
        node_id=row.node_id,
        node_title=row.node_title,
        definition=dict(row.definition),
        created_at=row.created_at,
        expires_at=row.expires_at,
        status=FormStatus(row.status),
        submitted_data=row.submitted_data,
        action_id=row.selected_action_id,
        submitted_by=row.submitted_by,
        resolved_at=row.resolved_at,
    )


class SqlaHumanInputRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save_pause(self, paused: PausedRun) -> None:
        values = {"workflow_run_id": paused.run_id, "state": paused.to_record(), "created_at": paused.paused_at}
        stmt = insert(workflow_pauses).values(**values)
        stmt = stmt.on_conflict_do_update(index_elements=["workflow_run_id"], set_={"state": stmt.excluded.state})
        await self._session.execute(stmt)

    async def pause(self, run_id: UUID) -> PausedRun | None:
        stmt = select(workflow_pauses.c.state).where(workflow_pauses.c.workflow_run_id == run_id)
        state = (await self._session.execute(stmt)).scalar_one_or_none()
        return PausedRun.from_record(state) if state is not None else None

    async def delete_pause(self, run_id: UUID) -> None:
        await self._session.execute(delete(workflow_pauses).where(workflow_pauses.c.workflow_run_id == run_id))

    async def add_form(self, form: HumanInputForm) -> None:
        await self._session.execute(
            forms.insert().values(
                id=form.id,
                form_token=form.token,
                tenant_id=form.tenant_id,
                app_id=form.app_id,
                workflow_run_id=form.run_id,
                node_id=form.node_id,
                node_title=form.node_title[:255],
                definition=form.definition,
                status=form.status.value,
                created_at=form.created_at,
                expires_at=form.expires_at,
            )
        )

    async def form_by_token(self, token: str) -> HumanInputForm | None:
        row = (await self._session.execute(select(forms).where(forms.c.form_token == token))).first()
        return _form(row) if row else None

    async def forms_of(self, run_id: UUID) -> list[HumanInputForm]:
        stmt = select(forms).where(forms.c.workflow_run_id == run_id).order_by(forms.c.created_at)
        return [_form(row) for row in (await self._session.execute(stmt)).all()]

    async def resolve(self, form: HumanInputForm) -> bool:
        stmt = (
            update(forms)
            .where(forms.c.id == form.id, forms.c.status == FormStatus.WAITING.value)
            .values(
                status=form.status.value,
                submitted_data=form.submitted_data,
                selected_action_id=form.action_id,
                submitted_by=form.submitted_by,
                resolved_at=form.resolved_at,
            )
        )
        return (await self._session.execute(stmt)).rowcount == 1

    async def wake(self, run_id: UUID, lease_owner: UUID | None) -> bool:
        stmt = (
            update(workflow_runs)
            .where(workflow_runs.c.id == run_id, workflow_runs.c.status == RunStatus.PAUSED.value)
            .values(status=RunStatus.RUNNING.value, lease_owner=lease_owner)
        )
        return (await self._session.execute(stmt)).rowcount == 1

    async def expired(self, now: datetime, limit: int) -> list[HumanInputForm]:
        stmt = (
            select(forms)
            .where(forms.c.status == FormStatus.WAITING.value, forms.c.expires_at <= now)
            .order_by(forms.c.expires_at)
            .limit(limit)
        )
        return [_form(row) for row in (await self._session.execute(stmt)).all()]
