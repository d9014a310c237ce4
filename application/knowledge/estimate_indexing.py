from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from application.knowledge.create_from_uploads import load_uploads
from application.knowledge.document_input import parse_doc_form, rule_for
from application.knowledge.guards import Actor, load_dataset
from domain.files.ports import FileStorage
from domain.knowledge.chunking import Chunk, ParentChunk, split_for_form
from domain.knowledge.dataset import parse_indexing_technique
from domain.knowledge.document import DocForm
from domain.knowledge.errors import UnsupportedFileType
from domain.knowledge.qa import QaPair, QuestionWriter
from domain.knowledge.services import TextExtractor
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.unit_of_work import UnitOfWorkFactory

PREVIEW_CHUNKS = 10  # Dify shows the first ten chunks of the files
QA_ESTIMATE_FACTOR = 20  # Dify's guess of the pairs a whole Q&A document yields, from its first chunk's


@dataclass(frozen=True, slots=True)
class EstimateIndexingRequest:
    actor: Actor
    file_ids: Sequence[object]
    process_rule: Any
    indexing_technique: object
    doc_form: object = None
    doc_language: object = None
    dataset_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class IndexingEstimate:
    total_segments: int
    tokens: int
    preview: list[Chunk | ParentChunk] = field(default_factory=list)
    qa_preview: list[QaPair] = field(default_factory=list)


class EstimateIndexing:
    """The console's chunk preview before a knowledge upload is indexed: the uploaded files read and cut with the
    rule, form and language the user picked, through the same extractor and splitter as the indexing job, so the
    preview is what indexing will store. Nothing is written.

    Rules: at least one file, each an upload of the caller's workspace (404); a dataset, when named, is the
    workspace's (404); the process rule, doc_form and indexing_technique are checked as document creation checks
    them. A Q&A preview has the workspace's LLM write the pairs of each file's first chunk only (as Dify does),
    and estimates the total as twenty times their number.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        knowledge_uow: KnowledgeUnitOfWorkFactory,
        storage: FileStorage,
        extractor: TextExtractor,
        count_tokens: Callable[[str], int],
        qa: QuestionWriter,
    ) -> None:
        self._uow, self._knowledge_uow, self._storage = uow, knowledge_uow, storage
        self._extractor, self._count, self._qa = extractor, count_tokens, qa

    async def execute(self, request: EstimateIndexingRequest) -> IndexingEstimate:
        parse_indexing_technique(request.indexing_technique, required=True)
        doc_form = parse_doc_form(request.doc_form)
        rule = rule_for(doc_form, request.process_rule)
        language = request.doc_language if isinstance(request.doc_language, str) and request.doc_language else None
        if request.dataset_id is not None:
            async with self._knowledge_uow() as kuow:
                await load_dataset(kuow, request.actor.tenant_id, request.dataset_id)
        uploads = await load_uploads(self._uow, request.actor.tenant_id, request.file_ids)
        for upload in uploads:
            if not self._extractor.supports(upload.extension.lower()):
                raise UnsupportedFileType()
        total, tokens = 0, 0
        preview: list[Chunk | ParentChunk] = []
        qa_preview: list[QaPair] = []
        for upload in uploads:
            text = await self._extractor.extract(await self._storage.load(upload.key), upload.extension.lower())
            chunks = split_for_form(text, rule, doc_form, self._count)
            if doc_form is DocForm.QA:
                pairs = (
                    await self._qa.pairs(request.actor.tenant_id, chunks[0].content, language or "English")
                    if chunks
                    else []
                )
                total += len(pairs) * QA_ESTIMATE_FACTOR
                tokens += sum(self._count(p.question + p.answer) for p in pairs)
                qa_preview += pairs[: max(0, PREVIEW_CHUNKS - len(qa_preview))]
                continue
            total += len(chunks)
            tokens += sum(c.tokens for c in chunks)
            preview += chunks[: max(0, PREVIEW_CHUNKS - len(preview))]
        return IndexingEstimate(total_segments=total, tokens=tokens, preview=preview, qa_preview=qa_preview)
