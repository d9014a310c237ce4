"""Answering a chat or completion message from an annotation, when one matches, without asking the model."""

import logging
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.annotations.annotation_index import AnnotationIndex, Match
from application.conversations.generations import MessageRun
from domain.annotations.entities import Annotation, AnnotationHit
from domain.annotations.ports import AnnotationUnitOfWorkFactory
from domain.apps.entities import App, EndUser
from domain.conversations.entities import Conversation, Message, MessageStatus, name_from_query
from domain.conversations.events import AnswerDelta, GenerationStarted, MessageEnded
from domain.models.entities import Usage
from domain.models.pricing import price_usage
from domain.shared.clock import Clock
from domain.shared.errors import DomainError
from domain.shared.ids import IdGenerator

log = logging.getLogger("weir.annotations")


@dataclass(frozen=True, slots=True)
class AnnotationQuery:
    app: App
    end_user: EndUser
    query: str
    inputs: dict[str, Any]
    conversation: Conversation | None
    streaming: bool
    model_provider: str
    model_id: str
    auto_name: bool = True
    source: str = "api"


class ReplyFromAnnotation:
    """Rules: only while the app's annotation reply is on; the query's nearest annotation question must score
    at least the setting's threshold; the reply is stored as an answered message (no tokens, no cost) with
    `annotation_reply` {id, account{id, name}} in its metadata, and the hit is counted (hit_count and a hit
    history row) in the same transaction. A failing index or embedder is logged and the model answers, as in
    Dify: a broken annotation index never stops an app from answering."""

    def __init__(
        self, uow: AnnotationUnitOfWorkFactory, index: AnnotationIndex, clock: Clock, ids: IdGenerator
    ) -> None:
        self._uow = uow
        self._index = index
        self._clock = clock
        self._ids = ids

    async def execute(self, request: AnnotationQuery) -> MessageRun | None:
        if not request.query.strip():
            return None
        async with self._uow() as uow:
            setting = await uow.settings.get(request.app.id)
        if setting is None:
            return None
        try:
            match = await self._index.best(request.app.tenant_id, setting, request.query)
        except DomainError as error:
            log.warning("annotation reply skipped for app %s: %s", request.app.id, error.message)
            return None
        if match is None:
            return None
        return await self._reply(request, match)

    async def for_chatflow(
        self,
        app: App,
        end_user: EndUser,
        query: str,
        inputs: dict[str, Any],
        conversation_id: UUID | None,
        streaming: bool,
    ) -> MessageRun | None:
        """An advanced-chat app looks for an annotation before running its workflow (Dify): a hit stores the
        message without a workflow run. A conversation that is not the end user's is left to the chatflow, which
        refuses it."""
        conversation = None
        if conversation_id is not None:
            async with self._uow() as uow:
                conversation = await uow.conversations.get(conversation_id)
            if conversation is None or conversation.app_id != app.id or conversation.from_end_user_id != end_user.id:
                return None
        return await self.execute(
            AnnotationQuery(
                app,
                end_user,
                query,
                conversation.inputs if conversation else inputs,
                conversation,
                streaming,
                "",
                "",
            )
        )

    async def _reply(self, request: AnnotationQuery, match: Match) -> MessageRun | None:
        async with self._uow() as uow:
            annotation = await uow.annotations.get(request.app.id, match.annotation_id)
            if annotation is None:  # deleted since it was indexed
                return None
            account = await uow.accounts.get(annotation.account_id) if annotation.account_id else None
            usage = price_usage(Usage(), None, 0.0)
            conversation, message = self._records(
                request,
                annotation,
                {
                    "annotation_reply": {
                        "id": str(annotation.id),
                        "account": {"id": str(account.id), "name": account.name} if account else None,
                    },
                    "usage": usage.as_dict(),
                    "retriever_resources": [],
                },
            )
            if request.conversation is None:
                await uow.conversations.add(conversation)
            else:
                await uow.conversations.update(conversation)
            await uow.messages.add(message)
            await uow.annotations.count_hit(annotation.id)
            await uow.hits.add(self._hit(request, annotation, match, message))
            await uow.commit()
        run = MessageRun(GenerationStarted(task_id=self._ids.new_id(), message=message, conversation=conversation))
        run.publish(AnswerDelta(annotation.content))
        run.publish(MessageEnded(message=message, usage=usage))
        return run

    def _records(
        self, request: AnnotationQuery, annotation: Annotation, metadata: dict
    ) -> tuple[Conversation, Message]:
        now, app = self._clock.now(), request.app
        conversation = request.conversation or Conversation(
            id=self._ids.new_id(),
            app_id=app.id,
            mode=app.mode.value,
            from_end_user_id=request.end_user.id,
            created_at=now,
            updated_at=now,
            inputs=request.inputs,
            model_provider=request.model_provider,
            model_id=request.model_id,
        )
        if request.auto_name and not conversation.name:
            conversation.name = name_from_query(request.query)
        conversation.updated_at = now
        conversation.dialogue_count += 1
        message = Message(
            id=self._ids.new_id(),
            app_id=app.id,
            conversation_id=conversation.id,
            query=request.query,
            inputs=request.inputs,
            model_provider=request.model_provider,
            model_id=request.model_id,
            from_end_user_id=request.end_user.id,
            created_at=now,
            updated_at=now,
            answer=annotation.content,
            status=MessageStatus.NORMAL,
            is_streaming=request.streaming,
            metadata=metadata,
        )
        return conversation, message

    def _hit(self, request: AnnotationQuery, annotation: Annotation, match: Match, message: Message) -> AnnotationHit:
        return AnnotationHit(
            id=self._ids.new_id(),
            annotation_id=annotation.id,
            app_id=request.app.id,
            source=request.source,
            query=request.query,
            score=match.score,
            message_id=message.id,
            annotation_question=annotation.question,
            annotation_content=annotation.content,
            created_at=self._clock.now(),
            end_user_id=request.end_user.id,
        )
