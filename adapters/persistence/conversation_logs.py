"""The console's conversation log of an app: a page of conversations with their first message, message count
and feedback tallies, read in four queries whatever the page size."""

from uuid import UUID

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.conversation_repositories import _SORTS, _conversation, _feedback
from adapters.persistence.schema import conversations, end_users, message_feedbacks, messages
from domain.conversations.entities import Feedback
from domain.conversations.logs import ConversationSummary, FeedbackStats, LogFilter, LogPage


class SqlaConversationLogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def page(self, app_id: UUID, log: LogFilter) -> LogPage:
        c, m = conversations.c, messages.c
        where = [c.app_id == app_id, c.is_deleted.is_(False)]
        if log.start is not None:
            where.append(c.created_at >= log.start)
        if log.end is not None:
            where.append(c.created_at <= log.end)
        if log.keyword:
            escaped = log.keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            said = exists().where(m.conversation_id == c.id, or_(m.query.ilike(pattern), m.answer.ilike(pattern)))
            where.append(or_(said, c.name.ilike(pattern)))
        total = (await self._session.execute(select(func.count()).select_from(conversations).where(*where))).scalar()
        column, descending = _SORTS[log.sort_by]
        order = (column.desc(), c.id.desc()) if descending else (column, c.id)
        query = select(conversations).where(*where).order_by(*order).limit(log.limit).offset((log.page - 1) * log.limit)
        rows = (await self._session.execute(query)).all()
        return LogPage(items=await self._summaries(rows), total=int(total or 0))

    async def summary(self, app_id: UUID, conversation_id: UUID) -> ConversationSummary | None:
        c = conversations.c
        query = select(conversations).where(c.id == conversation_id, c.app_id == app_id, c.is_deleted.is_(False))
        rows = (await self._session.execute(query)).all()
        found = await self._summaries(rows)
        return found[0] if found else None

    async def feedbacks(self, message_ids: list[UUID]) -> dict[UUID, list[Feedback]]:
        found: dict[UUID, list[Feedback]] = {}
        if not message_ids:
            return found
        f = message_feedbacks.c
        query = select(message_feedbacks).where(f.message_id.in_(message_ids)).order_by(f.created_at)
        for row in await self._session.execute(query):
            found.setdefault(row.message_id, []).append(_feedback(row))
        return found

    async def _summaries(self, rows) -> list[ConversationSummary]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        m, f = messages.c, message_feedbacks.c
        counts = dict(
            (
                await self._session.execute(
                    select(m.conversation_id, func.count())
                    .where(m.conversation_id.in_(ids))
                    .group_by(m.conversation_id)
                )
            ).all()
        )
        rank = func.row_number().over(partition_by=m.conversation_id, order_by=(m.created_at, m.id)).label("rank")
        ranked = select(m.conversation_id, m.query, m.answer, rank).where(m.conversation_id.in_(ids)).subquery()
        first_rows = await self._session.execute(select(ranked).where(ranked.c.rank == 1))
        firsts = {r.conversation_id: r for r in first_rows}
        tallies: dict[tuple[UUID, str], dict[str, int]] = {}
        feedback_query = (
            select(f.conversation_id, f.from_source, f.rating, func.count())
            .where(f.conversation_id.in_(ids))
            .group_by(f.conversation_id, f.from_source, f.rating)
        )
        for cid, source, rating, count in await self._session.execute(feedback_query):
            tallies.setdefault((cid, source), {})[rating] = count
        user_ids = [r.from_end_user_id for r in rows if r.from_end_user_id]
        sessions = (
            dict(
                (
                    await self._session.execute(
                        select(end_users.c.id, end_users.c.session_id).where(end_users.c.id.in_(user_ids))
                    )
                ).all()
            )
            if user_ids
            else {}
        )

        def stats(cid: UUID, source: str) -> FeedbackStats:
            tally = tallies.get((cid, source), {})
            return FeedbackStats(like=tally.get("like", 0), dislike=tally.get("dislike", 0))

        return [
            ConversationSummary(
                conversation=_conversation(r),
                from_source=r.from_source,
                from_account_id=r.from_account_id,
                end_user_session_id=sessions.get(r.from_end_user_id),
                first_query=firsts[r.id].query if r.id in firsts else "",
                first_answer=firsts[r.id].answer if r.id in firsts else "",
                message_count=counts.get(r.id, 0),
                user_feedback=stats(r.id, "user"),
                admin_feedback=stats(r.id, "admin"),
            )
            for r in rows
        ]
