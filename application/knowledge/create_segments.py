from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.knowledge.guards import Actor, load_dataset, load_document
from application.knowledge.segment_content import check_content, check_keywords, rebuild_children
from application.knowledge.segment_index import SegmentIndexer
from domain.knowledge.document import IndexingStatus
from domain.knowledge.errors import DocumentDisabled, DocumentNotCompleted
from domain.knowledge.segment import Segment, SegmentStatus
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator


@dataclass(frozen=True, slots=True)
class CreateSegmentsRequest:
    actor: Actor
    dataset_id: UUID
    document_id: UUID
    segments: Sequence[Any]


class CreateSegments:
    """Adds chunks to a document, at its end, and indexes them before answering.

    Rules: the document is completed (404 "Document is not completed.") and enabled (404 "Document is
    disabled."); every chunk has content; keywords are strings. Parent chunks get children split with
    the document's subchunk rule.
    """

    def __init__(
        self, uow: KnowledgeUnitOfWorkFactory, indexer: SegmentIndexer, count_tokens: Callable[[str], int],
        clock: Clock, ids: IdGenerator,
    ) -> None:
        self._uow, self._indexer, self._count, self._clock, self._ids = uow, indexer, count_tokens, clock, ids

    async def execute(self, request: CreateSegmentsRequest) -> list[Segment]:
        if not isinstance(request.segments, list | tuple) or not request.segments:
            raise InvalidParam("segments is required.", param="segments")
        items = []
        for raw in request.segments:
            if not isinstance(raw, dict):
                raise InvalidParam("Each segment must be an object.", param="segments")
            items.append((check_content(raw.get("content")), raw.get("answer"), check_keywords(raw.get("keywords"))))
        now, by = self._clock.now(), request.actor.account_id
        async with self._uow() as uow:
            dataset = await load_dataset(uow, request.actor.tenant_id, request.dataset_id)
            document = await load_document(uow, request.actor.tenant_id, request.dataset_id, request.document_id)
            if document.indexing_status is not IndexingStatus.COMPLETED:
                raise DocumentNotCompleted()
            if not document.enabled:
                raise DocumentDisabled()
            rule = await uow.documents.process_rule(document.dataset_process_rule_id) \
                if document.dataset_process_rule_id else None
            position = await uow.segments.next_position(document.id)
            segments = []
            for offset, (content, answer, keywords) in enumerate(items):
                segment = Segment(
                    id=self._ids.new_id(), tenant_id=document.tenant_id, dataset_id=document.dataset_id,
                    document_id=document.id, position=position + offset, content=content, word_count=len(content),
                    tokens=self._count(content), created_at=now, updated_at=now, created_by=by, updated_by=by,
                    answer=answer if isinstance(answer, str) else None, keywords=keywords,
                    status=SegmentStatus.COMPLETED, indexing_at=now, completed_at=now,
                )
                rebuild_children(segment, document, rule, self._count, now)
                segments.append(segment)
            await self._indexer.write(dataset, document.doc_form, segments)
            await uow.segments.add(segments)
            document.word_count += sum(s.word_count for s in segments)
            document.tokens += sum(s.tokens for s in segments)
            await uow.documents.update(document)
            await uow.commit()
        return segments
