import json
from uuid import UUID

from sqlalchemy import and_, bindparam, delete, desc, exists, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.raw_statement import RawStatement
from adapters.persistence.schema import conversations, message_feedbacks, message_files, messages, pinned_conversations
from domain.conversations.entities import Conversation, Feedback, Message, MessageFile, MessageStatus, Rating
from domain.conversations.ports import Page


def _conversation(row) -> Conversation:
    return Conversation(
        id=row.id,
        app_id=row.app_id,
        mode=row.mode,
        from_end_user_id=row.from_end_user_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        name=row.name,
        inputs=json.loads(row.inputs or "{}"),
        introduction=row.introduction or "",
        status=row.status,
        model_provider=row.model_provider,
        model_id=row.model_id,
        dialogue_count=row.dialogue_count,
        is_deleted=row.is_deleted,
        override_model_config=json.loads(row.override_model_configs) if row.override_model_configs else None,
    )


def _conversation_values(c: Conversation) -> dict:
    return dict(
        app_id=c.app_id,
        mode=c.mode,
        from_end_user_id=c.from_end_user_id,
        created_at=c.created_at,
        updated_at=c.updated_at,
        name=c.name,
        inputs=json.dumps(c.inputs),
        introduction=c.introduction,
        status=c.status,
        model_provider=c.model_provider,
        model_id=c.model_id,
        dialogue_count=c.dialogue_count,
        is_deleted=c.is_deleted,
        override_model_configs=json.dumps(c.override_model_config) if c.override_model_config is not None else None,
        from_source="api",
        invoke_from="service-api",
    )


# Built once: each call only binds its values. Building `.values(**columns)` per call coerced every column
# into a new bind parameter and re-derived the statement's cache key, the costliest part of a chat's writes.
# A chat's own writes (its conversation and message, stored and then finished) skip SQLAlchemy's execution too.
_INSERT_CONVERSATION = RawStatement(conversations.insert(), conversations)
_UPDATE_CONVERSATION = RawStatement(
    update(conversations).where(conversations.c.id == bindparam("_conversation_id")), conversations
)

_SORTS = {
    "created_at": (conversations.c.created_at, False),
    "-created_at": (conversations.c.created_at, True),
    "updated_at": (conversations.c.updated_at, False),
    "-updated_at": (conversations.c.updated_at, True),
}


class SqlaConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, conversation: Conversation) -> None:
        await _INSERT_CONVERSATION.execute(self._session, {"id": conversation.id, **_conversation_values(conversation)})

    async def get(self, conversation_id: UUID) -> Conversation | None:
        stmt = select(conversations).where(conversations.c.id == conversation_id, conversations.c.is_deleted.is_(False))
        row = (await self._session.execute(stmt)).first()
        return _conversation(row) if row else None

    async def update(self, conversation: Conversation) -> None:
        values = _conversation_values(conversation)
        await _UPDATE_CONVERSATION.execute(self._session, {"_conversation_id": conversation.id, **values})

    async def list_for(
        self, app_id: UUID, end_user_id: UUID, *, last_id: UUID | None, limit: int, sort_by: str,
        pinned: bool | None = None,
    ) -> Page[Conversation] | None:
        column, descending = _SORTS[sort_by]
        c = conversations
        where = [c.c.app_id == app_id, c.c.from_end_user_id == end_user_id, c.c.is_deleted.is_(False)]
        if pinned is not None:
            p = pinned_conversations
            pin = exists().where(p.c.conversation_id == c.c.id, p.c.created_by == end_user_id, p.c.app_id == app_id)
            where.append(pin if pinned else ~pin)
        if last_id is not None:
            anchor = (await self._session.execute(select(column, c.c.id).where(c.c.id == last_id, *where))).first()
            if anchor is None:
                return None
            value, anchor_id = anchor
            beyond = column < value if descending else column > value
            tie = c.c.id < anchor_id if descending else c.c.id > anchor_id
            where.append(or_(beyond, and_(column == value, tie)))
        order = (desc(column), desc(c.c.id)) if descending else (column, c.c.id)
        rows = (await self._session.execute(select(c).where(*where).order_by(*order).limit(limit + 1))).all()
        return Page(items=[_conversation(r) for r in rows[:limit]], has_more=len(rows) > limit)


def _message(row) -> Message:
    return Message(
        id=row.id,
        app_id=row.app_id,
        conversation_id=row.conversation_id,
        query=row.query,
        inputs=json.loads(row.inputs or "{}"),
        model_provider=row.model_provider or "",
        model_id=row.model_id or "",
        from_end_user_id=row.from_end_user_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        invoke_from=row.invoke_from or "service-api",
        answer=row.answer,
        status=MessageStatus(row.status),
        error=row.error,
        message_tokens=row.message_tokens,
        answer_tokens=row.answer_tokens,
        message_unit_price=row.message_unit_price,
        message_price_unit=row.message_price_unit,
        answer_unit_price=row.answer_unit_price,
        answer_price_unit=row.answer_price_unit,
        total_price=row.total_price or 0,
        currency=row.currency,
        provider_response_latency=row.provider_response_latency,
        time_to_first_token=row.time_to_first_token,
        is_streaming=row.is_streaming,
        parent_message_id=row.parent_message_id,
        metadata=json.loads(row.message_metadata or "{}"),
        lease_owner=row.lease_owner,
    )


def _message_values(m: Message) -> dict:
    return dict(
        app_id=m.app_id,
        conversation_id=m.conversation_id,
        query=m.query,
        inputs=json.dumps(m.inputs),
        model_provider=m.model_provider,
        model_id=m.model_id,
        from_end_user_id=m.from_end_user_id,
        created_at=m.created_at,
        updated_at=m.updated_at,
        invoke_from=m.invoke_from,
        answer=m.answer,
        status=m.status.value,
        error=m.error,
        message_tokens=m.message_tokens,
        answer_tokens=m.answer_tokens,
        message_unit_price=m.message_unit_price,
        message_price_unit=m.message_price_unit,
        answer_unit_price=m.answer_unit_price,
        answer_price_unit=m.answer_price_unit,
        total_price=m.total_price,
        currency=m.currency,
        provider_response_latency=m.provider_response_latency,
        time_to_first_token=m.time_to_first_token,
        is_streaming=m.is_streaming,
        parent_message_id=m.parent_message_id,
        message_metadata=json.dumps(m.metadata),
        from_source="api",
        lease_owner=m.lease_owner,
    )


_INSERT_MESSAGE = RawStatement(messages.insert(), messages)
_UPDATE_MESSAGE = RawStatement(update(messages).where(messages.c.id == bindparam("_message_id")), messages)
_GENERATING = MessageStatus.GENERATING.value
_UNANSWERED = (_GENERATING, MessageStatus.PAUSED.value)  # a paused chatflow's partial answer is no turn yet
# The answer streamed so far: this one column, and only while the message is still generating.
_SAVE_PROGRESS = (
    update(messages)
    .where(messages.c.id == bindparam("_message_id"), messages.c.status == _GENERATING)
    .values(answer=bindparam("_answer"))
)


class SqlaMessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, message: Message) -> None:
        await _INSERT_MESSAGE.execute(self._session, {"id": message.id, **_message_values(message)})
        if message.files:
            await self._session.execute(message_files.insert(), [_file_values(f) for f in message.files])

    async def get(self, message_id: UUID) -> Message | None:
        row = (await self._session.execute(select(messages).where(messages.c.id == message_id))).first()
        return _message(row) if row else None

    async def many(self, message_ids: list[UUID]) -> list[Message]:
        if not message_ids:
            return []
        rows = (await self._session.execute(select(messages).where(messages.c.id.in_(message_ids)))).all()
        found = {row.id: _message(row) for row in rows}
        return [found[i] for i in message_ids if i in found]

    async def update(self, message: Message) -> None:
        await _UPDATE_MESSAGE.execute(self._session, {"_message_id": message.id, **_message_values(message)})

    async def save_progress(self, message_id: UUID, answer: str) -> None:
        await self._session.execute(_SAVE_PROGRESS, {"_message_id": message_id, "_answer": answer})

    async def save_progress_many(self, answers: dict[UUID, str]) -> None:
        if answers:  # one statement, executed for each row (psycopg pipelines them)
            await self._session.execute(_SAVE_PROGRESS, [{"_message_id": k, "_answer": v} for k, v in answers.items()])

    async def first(self, conversation_id: UUID) -> Message | None:
        m = messages
        stmt = (
            select(m).where(m.c.conversation_id == conversation_id, m.c.answer != "", m.c.status != _GENERATING)
            .order_by(m.c.created_at, m.c.id).limit(1)
        )
        row = (await self._session.execute(stmt)).first()
        return _message(row) if row else None

    async def history(self, conversation_id: UUID, limit: int) -> list[Message]:
        m = messages
        stmt = (
            select(m)
            .where(m.c.conversation_id == conversation_id, m.c.answer != "", m.c.status.notin_(_UNANSWERED))
            .order_by(desc(m.c.created_at), desc(m.c.id))
            .limit(limit)
        )
        return [_message(r) for r in reversed((await self._session.execute(stmt)).all())]

    async def page(self, conversation_id: UUID, *, first_id: UUID | None, limit: int) -> Page[Message] | None:
        m = messages
        where = [m.c.conversation_id == conversation_id]
        if first_id is not None:
            anchor = (
                await self._session.execute(select(m.c.created_at, m.c.id).where(m.c.id == first_id, *where))
            ).first()
            if anchor is None:
                return None
            where.append(or_(m.c.created_at < anchor[0], and_(m.c.created_at == anchor[0], m.c.id < anchor[1])))
        stmt = select(m).where(*where).order_by(desc(m.c.created_at), desc(m.c.id)).limit(limit + 1)
        rows = (await self._session.execute(stmt)).all()
        items = [_message(r) for r in rows[:limit]]
        await self._attach_files(items)
        return Page(items=items, has_more=len(rows) > limit)

    async def _attach_files(self, items: list[Message]) -> None:
        if not items:
            return
        f = message_files
        stmt = select(f).where(f.c.message_id.in_([m.id for m in items])).order_by(f.c.created_at, f.c.id)
        by_message: dict[UUID, list[MessageFile]] = {}
        for row in (await self._session.execute(stmt)).all():
            by_message.setdefault(row.message_id, []).append(_file(row))
        for message in items:
            message.files = by_message.get(message.id, [])


def _file_values(f: MessageFile) -> dict:
    return {
        "id": f.id, "message_id": f.message_id, "type": f.type, "transfer_method": f.transfer_method, "url": f.url,
        "belongs_to": f.belongs_to, "upload_file_id": f.upload_file_id, "created_by_role": f.created_by_role,
        "created_by": f.created_by, "created_at": f.created_at, "filename": f.filename[:255],
        "mime_type": f.mime_type[:255], "size": f.size,
    }


def _file(row) -> MessageFile:
    return MessageFile(
        id=row.id, message_id=row.message_id, type=row.type, transfer_method=row.transfer_method,
        created_by_role=row.created_by_role, created_by=row.created_by, created_at=row.created_at, url=row.url or "",
        upload_file_id=row.upload_file_id, belongs_to=row.belongs_to or "user", filename=row.filename,
        mime_type=row.mime_type, size=row.size,
    )


def _feedback(row) -> Feedback:
    return Feedback(
        id=row.id,
        app_id=row.app_id,
        conversation_id=row.conversation_id,
        message_id=row.message_id,
        rating=Rating(row.rating),
        from_end_user_id=row.from_end_user_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        content=row.content,
        from_source=row.from_source,
    )


class SqlaFeedbackRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def for_message(self, message_id: UUID) -> Feedback | None:
        f = message_feedbacks
        stmt = select(f).where(f.c.message_id == message_id, f.c.from_source == "user")
        row = (await self._session.execute(stmt)).first()
        return _feedback(row) if row else None

    async def save(self, feedback: Feedback) -> None:
        values = dict(rating=feedback.rating.value, content=feedback.content, updated_at=feedback.updated_at)
        stmt = insert(message_feedbacks).values(
            id=feedback.id,
            app_id=feedback.app_id,
            conversation_id=feedback.conversation_id,
            message_id=feedback.message_id,
            from_source=feedback.from_source,
            from_end_user_id=feedback.from_end_user_id,
            created_at=feedback.created_at,
            **values,
        )
        await self._session.execute(
            stmt.on_conflict_do_update(index_elements=["message_id", "from_source"], set_=values)
        )

    async def delete(self, feedback_id: UUID) -> None:
        await self._session.execute(delete(message_feedbacks).where(message_feedbacks.c.id == feedback_id))

    async def page(self, app_id: UUID, *, page: int, limit: int) -> list[Feedback]:
        f = message_feedbacks
        stmt = (
            select(f)
            .where(f.c.app_id == app_id)
            .order_by(desc(f.c.created_at), desc(f.c.id))
            .offset((page - 1) * limit)
            .limit(limit)
        )
        return [_feedback(r) for r in (await self._session.execute(stmt)).all()]
