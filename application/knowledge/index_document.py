import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from application.knowledge.embedding import dimension_of, embed_cached, vector_records
from application.knowledge.segment_vectors import vector_items
from domain.knowledge.chunking import Chunk, clean_for, split_for_form
from domain.knowledge.collections import collection_for_dataset
from domain.knowledge.dataset import Dataset
from domain.knowledge.document import DocForm, Document, IndexingStatus
from domain.knowledge.errors import ExtractionFailed
from domain.knowledge.ports import VectorRecord, VectorStore
from domain.knowledge.process_rule import AUTOMATIC_RULE
from domain.knowledge.qa import QuestionWriter
from domain.knowledge.segment import Segment
from domain.knowledge.segmenting import parent_segments_of, segments_of
from domain.knowledge.services import EmbedderCatalog, EmbeddingCache, FileStore, TextExtractor
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock
from domain.shared.errors import DomainError

# Chunks embedded, stored and marked completed together. The embedder splits a batch into its own calls
# (the OpenAI-compatible one sends several at once); each batch costs a cache read and write, an upsert and
# a status transaction, so small batches made those dominate a fast embedder (bench/README.md, issue 15).
BATCH_SIZE = 256
RUNNABLE = frozenset(
    {
        IndexingStatus.WAITING,
        IndexingStatus.PARSING,
        IndexingStatus.CLEANING,
        IndexingStatus.SPLITTING,
        IndexingStatus.INDEXING,
    }
)


class _Paused(Exception):
    """The document was paused while its job ran: the job stops where it is."""

    def __init__(self, dataset_id: UUID) -> None:
        super().__init__()
        self.dataset_id = dataset_id


class IndexDocument:
    """The indexing job of one document: parse → clean → split → embed and store → completed.

    Rules: every stage change is committed with its timestamp, so indexing-status shows progress;
    segments are committed before indexing starts and marked completed batch by batch. The job is
    idempotent: segment and vector ids derive from the document and position, and a run first deletes
    the document's previous segments and vectors. A completed, errored or paused document is left
    alone (a redelivered job does nothing). Any failure ends the document in `error` with its message.
    A new dataset's collection is created without its approximate index, and the dataset's last document
    to finish (completed, failed or paused, with no other document of the dataset waiting or in progress:
    decided under a per-dataset lock) builds it before it shows completed: a bulk first load does not pay for
    the index row by row, and searches in the meantime scan exactly.
    A Q&A document (qa_model) has each chunk rewritten by the workspace's LLM into question/answer pairs in
    the document's language, one segment a pair: the question is its content (indexed), the answer its
    `answer`; a chunk that yields no pair adds nothing, and a document that yields none is an error.
    """

    def __init__(
        self,
        uow: KnowledgeUnitOfWorkFactory,
        files: FileStore,
        extractor: TextExtractor,
        catalog: EmbedderCatalog,
        cache: EmbeddingCache,
        vectors: VectorStore,
        count_tokens: Callable[[str], int],
        clock: Clock,
        qa: QuestionWriter | None = None,
    ) -> None:
        self._uow, self._files, self._extractor, self._catalog = uow, files, extractor, catalog
        self._cache, self._vectors, self._count, self._clock = cache, vectors, count_tokens, clock
        self._qa = qa

    async def execute(self, document_id: UUID) -> None:
        try:
            await self._run(document_id)
        except _Paused as paused:
            with contextlib.suppress(Exception):  # best effort: the document will be indexed again later
                await self._index_if_last(paused.dataset_id, document_id)
            return
        except Exception as error:  # the document must end somewhere visible, never stuck
            await self._fail(document_id, error)
            if not isinstance(error, DomainError):
                raise

    async def _run(self, document_id: UUID) -> None:
        # Parsing starts in the transaction that reads what the job needs (and finds whether there is anything
        # to do). Cleaning and splitting take milliseconds: their stage changes are committed, each with its own
        # time, with the segments (a Q&A document, whose splitting waits for the LLM, commits them first), so a
        # document costs three status transactions (parsing, indexing, completed) and one a batch of segments stored.
        async with self._uow() as uow:
            document = await uow.documents.get_by_id(document_id)
            if document is None or document.indexing_status not in RUNNABLE or document.is_paused:
                return  # gone, finished, failed or paused: a redelivered job does nothing
            document.move_to(IndexingStatus.PARSING, self._clock.now())
            await uow.documents.update(document)
            dataset = await uow.datasets.get(document.tenant_id, document.dataset_id)
            rule = (
                await uow.documents.process_rule(document.dataset_process_rule_id)
                if document.dataset_process_rule_id
                else None
            )
            upload = await uow.documents.upload(UUID(document.upload_file_id)) if document.upload_file_id else None
            await uow.commit()
        if dataset is None or upload is None:
            raise ExtractionFailed("The document's dataset or file no longer exists.")
        rule = rule or AUTOMATIC_RULE
        text = await self._extractor.extract(await self._files.load(upload.key), upload.extension)
        stages = [(IndexingStatus.CLEANING, self._clock.now())]
        word_count = len(text)
        text = clean_for(rule, text)
        stages.append((IndexingStatus.SPLITTING, self._clock.now()))
        if document.doc_form is DocForm.QA:
            await self._stages(document_id, stages, word_count=word_count)
            stages = []
        now = self._clock.now()
        chunks = split_for_form(text, rule, document.doc_form, self._count)
        if document.doc_form is DocForm.HIERARCHICAL:
            segments = parent_segments_of(document, chunks, now)  # type: ignore[arg-type]
        elif document.doc_form is DocForm.QA:
            segments = await self._qa_segments(document, chunks, now)  # type: ignore[arg-type]
        else:
            segments = segments_of(document, chunks, now)  # type: ignore[arg-type]
        async with self._uow() as uow:
            await uow.segments.replace_for_document(document_id, segments)
            document = await uow.documents.get_by_id(document_id)
            assert document is not None
            if document.is_paused:
                raise _Paused(document.dataset_id)
            for status, at in [*stages, (IndexingStatus.INDEXING, self._clock.now())]:
                document.move_to(status, at)
            document.word_count = word_count
            document.tokens = sum(s.tokens for s in segments)
            await uow.documents.update(document)
            await uow.commit()
        last = await self._index(dataset, document, segments)
        await self._complete(dataset, document_id, last)

    async def _stages(self, document_id: UUID, stages: list[tuple[IndexingStatus, datetime]], **figures: int) -> None:
        async with self._uow() as uow:
            document = await uow.documents.get_by_id(document_id)
            assert document is not None
            if document.is_paused:
                raise _Paused(document.dataset_id)
            for status, at in stages:
                document.move_to(status, at)
            for name, value in figures.items():
                setattr(document, name, value)
            await uow.documents.update(document)
            await uow.commit()

    async def _complete(self, dataset: Dataset, document_id: UUID, last_batch: list[UUID]) -> None:
        """The last batch's segments and the document are marked completed together. The dataset's lock is taken
        last, so that concurrent documents of one dataset wait for each other only over the check and the commit
        (taken first, it serialised their whole completions: bench/README.md). The check after it still sees
        every document that finished before: their transactions ended, and so released the lock, before it."""
        async with self._uow() as uow:
            document = await uow.documents.get_by_id(document_id)
            if document is None or document.is_paused:
                raise _Paused(dataset.id)
            now = self._clock.now()
            await uow.segments.mark_completed(last_batch, now)
            document.move_to(IndexingStatus.COMPLETED, now)
            await uow.documents.update(document)
            if dataset.is_high_quality:
                await self._index_if_last_in(uow, dataset.id, document_id)
            await uow.commit()

    async def _index_if_last_in(self, uow, dataset_id: UUID, document_id: UUID) -> None:
        """In the caller's transaction: builds the dataset's index if no other document is left to index. The
        lock, held until that transaction ends, keeps two last documents from each leaving it to the other."""
        await uow.documents.lock_dataset_indexing(dataset_id)
        if not await uow.documents.others_to_index(dataset_id, document_id, sorted(RUNNABLE)):
            await self._vectors.build_index(collection_for_dataset(dataset_id))

    async def _index_if_last(self, dataset_id: UUID, document_id: UUID) -> None:
        async with self._uow() as uow:
            await self._index_if_last_in(uow, dataset_id, document_id)
            await uow.commit()

    async def _qa_segments(self, document: Document, chunks: list[Chunk], now) -> list[Segment]:
        if self._qa is None:
            raise ExtractionFailed("Q&A documents need a question writer.")
        pairs = [
            p
            for chunk in chunks
            for p in await self._qa.pairs(document.tenant_id, chunk.content, document.doc_language)
        ]
        if not pairs:
            raise ExtractionFailed("The model wrote no question and answer for this document.")
        questions = [
            Chunk(
                content=p.question,
                position=i,
                tokens=self._count(p.question + p.answer),
                word_count=len(p.question) + len(p.answer),
            )
            for i, p in enumerate(pairs)
        ]
        segments = segments_of(document, questions, now)
        for segment, pair in zip(segments, pairs, strict=True):
            segment.answer = pair.answer
        return segments

    async def _index(self, dataset: Dataset, document: Document, segments: list[Segment]) -> list[UUID]:
        """Embeds and stores every batch, marking all but the last completed; returns the last one's ids."""
        collection = collection_for_dataset(dataset.id)
        embedder = None
        if dataset.is_high_quality:
            embedder = await self._catalog.embedder(
                dataset.tenant_id, dataset.embedding_model_provider, dataset.embedding_model
            )
            await self._vectors.create_collection(collection, await dimension_of(embedder), defer_index=True)
            await self._vectors.delete_document(collection, str(document.id))
        provider = dataset.embedding_model_provider or self._catalog.default.provider
        batches = [segments[start : start + BATCH_SIZE] for start in range(0, len(segments), BATCH_SIZE)]

        async def embedded(batch: list[Segment]) -> list[VectorRecord]:
            assert embedder is not None
            items = vector_items(batch, document.doc_form)
            vectors = await embed_cached(embedder, self._cache, provider, [text for _, text, _ in items])
            return vector_records(items, vectors)

        # The next batch is embedded while this one is stored and marked: the model (or the remote service)
        # and the database work at once. Batches are still stored and completed in order.
        ahead: asyncio.Task[list[VectorRecord]] | None = None
        try:
            for number, batch in enumerate(batches):
                if embedder is not None:
                    records = await (ahead or asyncio.ensure_future(embedded(batch)))
                    ahead = asyncio.ensure_future(embedded(batches[number + 1])) if number + 1 < len(batches) else None
                    await self._vectors.upsert(collection, records)
                if number + 1 == len(batches):
                    return [s.id for s in batch]
                async with self._uow() as uow:
                    current = await uow.documents.get_by_id(document.id)
                    if current is None or current.is_paused:
                        raise _Paused(document.dataset_id)
                    await uow.segments.mark_completed([s.id for s in batch], self._clock.now())
                    await uow.commit()
        finally:
            if ahead is not None:  # paused or failed: the batch ahead is not needed (nor its error)
                ahead.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await ahead
        return []

    async def _fail(self, document_id: UUID, error: Exception) -> None:
        async with self._uow() as uow:
            document = await uow.documents.get_by_id(document_id)
            if document is None or document.indexing_status in (IndexingStatus.ERROR, IndexingStatus.COMPLETED):
                return
            document.move_to(IndexingStatus.ERROR, self._clock.now(), error=str(error) or type(error).__name__)
            await uow.documents.update(document)
            await uow.commit()
        # After the error is committed, so that a last document finishing meanwhile sees this one as done.
        with contextlib.suppress(Exception):  # the store may be what failed
            await self._index_if_last(document.dataset_id, document_id)
