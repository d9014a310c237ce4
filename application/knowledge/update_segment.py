from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.knowledge.guards import Actor, load_dataset, load_segment
from application.knowledge.segment_content import check_content, check_keywords, rebuild_children
from application.knowledge.segment_index import SegmentIndexer
from application.knowledge.segment_vectors import vector_ids
from domain.knowledge.document import DocForm
from domain.knowledge.segment import Segment
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam


@dataclass(frozen=True, slots=True)
class UpdateSegmentRequest:
    actor: Actor
    dataset_id: UUID
    document_id: UUID
    segment_id: UUID
    segment: Any


class UpdateSegment:
    """Edits a chunk's content, answer, keywords or enabled flag and re-indexes it.

    Rules: the document is not archived (403); content, when given, is not blank. A disabled chunk
    loses its vectors; enabling it writes them again. Parent chunks are re-split into children when
    their content changes or `regenerate_child_chunks` is true.
    """

    def __init__(
        self, uow: KnowledgeUnitOfWorkFactory, indexer: SegmentIndexer, count_tokens: Callable[[str], int], clock: Clock
    ) -> None:
        self._uow, self._indexer, self._count, self._clock = uow, indexer, count_tokens, clock

    async def execute(self, request: UpdateSegmentRequest) -> tuple[Segment, DocForm]:
        raw = request.segment
        if not isinstance(raw, Mapping):
            raise InvalidParam("segment is required.", param="segment")
        now, by = self._clock.now(), request.actor.account_id
        async with self._uow() as uow:
            dataset = await load_dataset(uow, request.actor.tenant_id, request.dataset_id)
            document, segment = await load_segment(
                uow, request.actor.tenant_id, request.dataset_id, request.document_id, request.segment_id
            )
            document.check_mutable()
            old_ids = vector_ids([segment], document.doc_form)
            content_changed = False
            if raw.get("content") is not None and raw["content"] != segment.content:
                content = check_content(raw["content"])
                segment.edit(content, self._count(content), by, now)
                content_changed = True
            if "answer" in raw:
                segment.answer = raw["answer"] if isinstance(raw["answer"], str) else None
            if raw.get("keywords") is not None:
                segment.keywords = check_keywords(raw["keywords"])
            if raw.get("enabled") is not None:
                segment.set_enabled(bool(raw["enabled"]), by, now)
            if content_changed or raw.get("regenerate_child_chunks"):
                rule = await uow.documents.process_rule(document.dataset_process_rule_id) \
                    if document.dataset_process_rule_id else None
                rebuild_children(segment, document, rule, self._count, now)
            if set(raw) - {"enabled"}:  # switching it on or off alone is no edit (the console's EDITED badge)
                segment.updated_by, segment.updated_at = by, now
            await self._indexer.remove_ids(dataset, old_ids)
            await self._indexer.write(dataset, document.doc_form, [segment])
            await uow.segments.update(segment)
            await uow.commit()
        return segment, document.doc_form
