from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from application.knowledge.create_from_uploads import load_uploads
from application.knowledge.document_input import parse_doc_form, rule_for
from application.knowledge.guards import Actor, load_dataset, load_document
from domain.files.ports import FileStorage
from domain.knowledge.chunking import Chunk, ParentChunk, split_for_form
from domain.knowledge.dataset import parse_indexing_technique
from domain.knowledge.document import DocForm
from domain.knowledge.errors import ExtractionFailed, UnsupportedFileType
from domain.knowledge.process_rule import AUTOMATIC_RULE, ProcessRule
from domain.knowledge.qa import QaPair, QuestionWriter
from domain.knowledge.services import FileStore, TextExtractor
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
        texts = [await self._extractor.extract(await self._storage.load(u.key), u.extension.lower()) for u in uploads]
        return await estimate_texts(
            texts, rule, doc_form, language or "English", request.actor.tenant_id, self._count, self._qa
        )


async def estimate_texts(
    texts: list[str],
    rule: ProcessRule,
    doc_form: DocForm,
    language: str,
    tenant_id: UUID,
    count_tokens: Callable[[str], int],
    qa: QuestionWriter,
) -> IndexingEstimate:
    """The chunks of each text as indexing cuts them: the first ten shown, all counted."""
    total, tokens = 0, 0
    preview: list[Chunk | ParentChunk] = []
    qa_preview: list[QaPair] = []
    for text in texts:
        chunks = split_for_form(text, rule, doc_form, count_tokens)
        if doc_form is DocForm.QA:
            pairs = await qa.pairs(tenant_id, chunks[0].content, language) if chunks else []
            total += len(pairs) * QA_ESTIMATE_FACTOR
            tokens += sum(count_tokens(p.question + p.answer) for p in pairs)
            qa_preview += pairs[: max(0, PREVIEW_CHUNKS - len(qa_preview))]
            continue
        total += len(chunks)
        tokens += sum(c.tokens for c in chunks)
        preview += chunks[: max(0, PREVIEW_CHUNKS - len(preview))]
    return IndexingEstimate(total_segments=total, tokens=tokens, preview=preview, qa_preview=qa_preview)


class EstimateDocumentIndexing:
    """The same estimate for a document already made, with the rule, form and language it was indexed with
    (Dify's document indexing-estimate). Rules: the document is the dataset's, the dataset the workspace's
    (404); a document without a file (its upload gone) is refused as unreadable (ExtractionFailed)."""

    def __init__(
        self,
        uow: KnowledgeUnitOfWorkFactory,
        files: FileStore,
        extractor: TextExtractor,
        count_tokens: Callable[[str], int],
        qa: QuestionWriter,
    ) -> None:
        self._uow, self._files, self._extractor, self._count, self._qa = uow, files, extractor, count_tokens, qa

    async def execute(self, tenant_id: UUID, dataset_id: UUID, document_id: UUID) -> IndexingEstimate:
        async with self._uow() as uow:
            document = await load_document(uow, tenant_id, dataset_id, document_id)
            rule = (
                await uow.documents.process_rule(document.dataset_process_rule_id)
                if document.dataset_process_rule_id
                else None
            )
            upload = await uow.documents.upload(UUID(document.upload_file_id)) if document.upload_file_id else None
        if upload is None:
            raise ExtractionFailed("The document's file no longer exists.")
        text = await self._extractor.extract(await self._files.load(upload.key), upload.extension)
        return await estimate_texts(
            [text],
            rule or AUTOMATIC_RULE,
            document.doc_form,
            document.doc_language or "English",
            tenant_id,
            self._count,
            self._qa,
        )
