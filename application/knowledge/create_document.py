from dataclasses import dataclass
from typing import Any

from application.knowledge.document_input import (
    Upload,
    check_name,
    check_upload,
    new_batch,
    parse_doc_form,
    rule_for,
    source_info,
    store_upload,
)
from application.knowledge.guards import Actor, load_dataset
from application.knowledge.indexing_jobs import enqueue
from domain.knowledge.dataset import IndexingTechnique, parse_indexing_technique
from domain.knowledge.document import DocForm, Document
from domain.knowledge.retrieval_model import parse_retrieval_model
from domain.knowledge.services import EmbedderCatalog, FileStore, IndexingQueue, TextExtractor
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator


@dataclass(frozen=True, slots=True)
class CreateDocumentRequest:
    actor: Actor
    dataset_id: Any
    name: object
    upload: Upload | None
    indexing_technique: object = None
    doc_form: object = None
    doc_language: object = None
    process_rule: Any = None
    retrieval_model: Any = None
    embedding_model: str | None = None
    embedding_model_provider: str | None = None
    batch: str | None = None  # joins an earlier document's batch (one console upload of several files)


@dataclass(frozen=True, slots=True)
class CreatedDocument:
    document: Document
    batch: str


class CreateDocument:
    """Adds a document (text or file) to a dataset and queues it for indexing.

    Rules: every input is checked before anything is written; the file's type must be readable; the first
    document fixes the dataset's indexing technique (required then), chunk form and embedding model; later
    ones inherit them (a different doc_form is refused); economy datasets take text_model documents only.
    The document starts `waiting` in a new batch; if the queue is down it stays waiting until the
    recovery sweep enqueues it.
    """

    def __init__(
        self,
        uow: KnowledgeUnitOfWorkFactory,
        files: FileStore,
        extractor: TextExtractor,
        queue: IndexingQueue,
        catalog: EmbedderCatalog,
        clock: Clock,
        ids: IdGenerator,
    ) -> None:
        self._uow, self._files, self._extractor, self._queue = uow, files, extractor, queue
        self._catalog, self._clock, self._ids = catalog, clock, ids

    async def execute(self, request: CreateDocumentRequest) -> CreatedDocument:
        name = check_name(request.name)
        upload = check_upload(request.upload, self._extractor)
        doc_form = parse_doc_form(request.doc_form)
        rule = rule_for(doc_form, request.process_rule)
        technique = parse_indexing_technique(request.indexing_technique)
        retrieval = parse_retrieval_model(request.retrieval_model) if request.retrieval_model else None
        model, provider = request.embedding_model, request.embedding_model_provider
        if technique is IndexingTechnique.HIGH_QUALITY:
            model = (await self._catalog.embedder(request.actor.tenant_id, provider, model)).model_name
            provider = provider or self._catalog.default.provider
        now = self._clock.now()
        async with self._uow() as uow:
            dataset = await load_dataset(uow, request.actor.tenant_id, request.dataset_id, lock=True)
            dataset.adopt_first_document(technique, doc_form.value, model, provider)
            if dataset.doc_form != doc_form.value:
                raise InvalidParam(f"This dataset holds {dataset.doc_form} documents.", param="doc_form")
            if dataset.indexing_technique is IndexingTechnique.ECONOMY and doc_form is not DocForm.TEXT:
                raise InvalidParam("Economy datasets support text_model documents only.", param="doc_form")
            if retrieval and dataset.retrieval_model is None:
                dataset.retrieval_model = retrieval.to_dict()
            stored = await store_upload(self._files, self._ids, request.actor, upload, now)
            rule_id = self._ids.new_id()
            document = Document(
                id=self._ids.new_id(),
                tenant_id=dataset.tenant_id,
                dataset_id=dataset.id,
                position=await uow.documents.next_position(dataset.id),
                name=name,
                batch=request.batch or new_batch(now, self._ids),
                created_at=now,
                updated_at=now,
                created_by=request.actor.account_id,
                data_source_info=source_info(stored),
                dataset_process_rule_id=rule_id,
                doc_form=doc_form,
                doc_language=str(request.doc_language or "English"),
            )
            await uow.documents.add_upload(stored)
            await uow.documents.add_process_rule(rule_id, dataset.id, rule, request.actor.account_id)
            await uow.documents.add(document)
            await uow.datasets.update(dataset)
            await uow.commit()
        await enqueue(self._queue, [document.id])
        return CreatedDocument(document, document.batch)
