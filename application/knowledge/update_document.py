from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.knowledge.create_document import CreatedDocument
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
from application.knowledge.guards import Actor, load_document
from application.knowledge.indexing_jobs import enqueue
from domain.knowledge.services import FileStore, IndexingQueue, TextExtractor
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator


@dataclass(frozen=True, slots=True)
class UpdateDocumentRequest:
    actor: Actor
    dataset_id: UUID
    document_id: UUID
    name: object = None
    upload: Upload | None = None
    process_rule: Any = None
    doc_form: object = None
    doc_language: object = None


class UpdateDocument:
    """Replaces a document's name, content and/or process rule, and re-indexes it under a new batch.

    Rules: an archived document is immutable (403); one being indexed cannot be changed (400
    document_indexing); the doc_form cannot change; a new file must be of a readable type. Its old
    segments and vectors are replaced when the job runs (the job deletes then writes per document).
    """

    def __init__(
        self, uow: KnowledgeUnitOfWorkFactory, files: FileStore, extractor: TextExtractor, queue: IndexingQueue,
        clock: Clock, ids: IdGenerator,
    ) -> None:
        self._uow, self._files, self._extractor, self._queue = uow, files, extractor, queue
        self._clock, self._ids = clock, ids

    async def execute(self, request: UpdateDocumentRequest) -> CreatedDocument:
        name = check_name(request.name) if request.name is not None else None
        upload = check_upload(request.upload, self._extractor) if request.upload is not None else None
        now = self._clock.now()
        async with self._uow() as uow:
            document = await load_document(uow, request.actor.tenant_id, request.dataset_id, request.document_id)
            if request.doc_form is not None and parse_doc_form(request.doc_form) is not document.doc_form:
                raise InvalidParam("The doc_form of a document cannot change.", param="doc_form")
            rule = rule_for(document.doc_form, request.process_rule) if request.process_rule is not None else None
            document.requeue(new_batch(now, self._ids), now)
            if name is not None:
                document.name = name
            if request.doc_language:
                document.doc_language = str(request.doc_language)
            if upload is not None:
                stored = await store_upload(self._files, self._ids, request.actor, upload, now)
                await uow.documents.add_upload(stored)
                document.data_source_info = source_info(stored)
            if rule is not None:
                document.dataset_process_rule_id = self._ids.new_id()
                await uow.documents.add_process_rule(
                    document.dataset_process_rule_id, document.dataset_id, rule, request.actor.account_id
                )
            await uow.documents.update(document)
            await uow.commit()
        await enqueue(self._queue, [document.id])
        return CreatedDocument(document, document.batch)
