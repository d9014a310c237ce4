"""The console's daily figures of an app, summed by PostgreSQL over the stored messages."""

from decimal import Decimal
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.schema import conversations, message_feedbacks, messages, workflow_runs
from domain.conversations.statistics import (
    DEBUGGER,
    DailyFigures,
    DailyInteractions,
    StatisticWindow,
    WorkflowDailyFigures,
)


def _in_window(column, window: StatisticWindow) -> list:
    conditions = []
    if window.start is not None:
        conditions.append(column >= window.start)
    if window.end is not None:
        conditions.append(column <= window.end)
    return conditions


class SqlaAppStatisticsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def daily(self, app_id: UUID, window: StatisticWindow) -> list[DailyFigures]:
        m = messages.c
        likes = (
            select(message_feedbacks.c.message_id, func.count().label("likes"))
            .where(message_feedbacks.c.app_id == app_id, message_feedbacks.c.rating == "like")
            .group_by(message_feedbacks.c.message_id)
            .subquery()
        )
        day = func.date(func.timezone(window.timezone, m.created_at)).label("day")
        query = (
            select(
                day,
                func.count(m.id).label("messages"),
                func.count(func.distinct(m.conversation_id)).label("conversations"),
                func.count(func.distinct(m.from_end_user_id)).label("end_users"),
                func.coalesce(func.sum(m.message_tokens + m.answer_tokens), 0).label("tokens"),
                func.coalesce(func.sum(m.total_price), 0).label("total_price"),
                func.coalesce(func.sum(likes.c.likes), 0).label("likes"),
                func.coalesce(func.sum(m.provider_response_latency), 0.0).label("latency_sum"),
                func.coalesce(func.sum(m.answer_tokens), 0).label("answer_tokens"),
            )
            .select_from(messages.outerjoin(likes, likes.c.message_id == m.id))
            .where(m.app_id == app_id, func.coalesce(m.invoke_from, "") != DEBUGGER, *_in_window(m.created_at, window))
            .group_by(day)
            .order_by(day)
        )
        rows = (await self._session.execute(query)).all()
        return [
            DailyFigures(
                day=r.day,
                messages=r.messages,
                conversations=r.conversations,
                end_users=r.end_users,
                tokens=int(r.tokens),
                total_price=Decimal(r.total_price),
                likes=int(r.likes),
                latency_sum=float(r.latency_sum),
                answer_tokens=int(r.answer_tokens),
            )
            for r in rows
        ]

    async def interactions(self, app_id: UUID, window: StatisticWindow) -> list[DailyInteractions]:
        c, m = conversations.c, messages.c
        per_conversation = (
            select(c.id, c.created_at, func.count(m.id).label("count"))
            .select_from(conversations.join(messages, m.conversation_id == c.id))
            .where(c.app_id == app_id, func.coalesce(m.invoke_from, "") != DEBUGGER, *_in_window(c.created_at, window))
            .group_by(c.id, c.created_at)
            .subquery()
        )
        day = func.date(func.timezone(window.timezone, per_conversation.c.created_at)).label("day")
        query = select(day, func.avg(per_conversation.c.count).label("mean")).group_by(day).order_by(day)
        rows = (await self._session.execute(query)).all()
        return [DailyInteractions(day=r.day, interactions=float(r.mean)) for r in rows]

    async def workflow_daily(self, app_id: UUID, window: StatisticWindow) -> list[WorkflowDailyFigures]:
        r = workflow_runs.c
        day = func.date(func.timezone(window.timezone, r.created_at)).label("day")
        query = (
            select(
                day,
                func.count(r.id).label("runs"),
                func.count(func.distinct(r.created_by)).label("terminals"),
                func.coalesce(func.sum(r.total_tokens), 0).label("tokens"),
            )
            .where(r.app_id == app_id, r.triggered_from == "app-run", *_in_window(r.created_at, window))
            .group_by(day)
            .order_by(day)
        )
        rows = (await self._session.execute(query)).all()
        return [WorkflowDailyFigures(day=x.day, runs=x.runs, terminals=x.terminals, tokens=int(x.tokens)) for x in rows]
