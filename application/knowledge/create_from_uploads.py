from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.knowledge.create_dataset import CreateDataset, CreateDatasetRequest
from application.knowledge.create_document import CreateDocument, CreateDocumentRequest
from application.knowledge.document_input import Upload, parse_doc_form, rule_for
from application.knowledge.guards import Actor
from domain.files.entities import UploadFile
from domain.files.ports import FileStorage
from domain.knowledge.dataset import Dataset
from domain.knowledge.document import Document
from domain.knowledge.errors import DatasetNameDuplicate
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.unit_of_work import UnitOfWorkFactory

NAME_LENGTH = 40  # a dataset name's limit
NAME_ATTEMPTS = 20


@dataclass(frozen=True, slots=True)
class FromUploadsRequest:
    actor: Actor
    file_ids: Sequence[object]
    dataset_id: UUID | None = None  # None: a new knowledge base named after the first file
    indexing_technique: object = None
    doc_form: object = None
    doc_language: object = None
    process_rule: Any = None
    retrieval_model: Any = None
    embedding_model: str | None = None
    embedding_model_provider: str | None = None


@dataclass(frozen=True, slots=True)
class FromUploads:
    dataset: Dataset
    documents: list[Document]
    batch: str


async def load_uploads(uow_factory: UnitOfWorkFactory, tenant_id: UUID, file_ids: object) -> list[UploadFile]:
    """The uploads a console call names, in order: at least one, each the workspace's (404 otherwise)."""
    if not isinstance(file_ids, list | tuple) or not file_ids:
        raise InvalidParam("file_ids is required.", param="file_ids")
    uploads = []
    async with uow_factory() as uow:
        for raw in file_ids:
            try:
                found = await uow.uploads.get(UUID(str(raw)))
            except ValueError:
                found = None
            if found is None or found.tenant_id != tenant_id:
                raise NotFound("File not found.")
            uploads.append(found)
    return uploads


class CreateDocumentsFromUploads:
    """The console's knowledge flow: files uploaded first (POST /files/upload), then one call makes documents of
    them, in a new knowledge base (datasets/init) or an existing one. Each document is made by the Knowledge
    API's own CreateDocument (same rules, same indexing), one batch for the call.

    Rules: at least one file; every file must be an upload of the caller's workspace (404 otherwise), checked
    before anything is written; a new knowledge base takes the first file's name, numbered when the name is taken.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        storage: FileStorage,
        create_dataset: CreateDataset,
        create_document: CreateDocument,
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._create_dataset = create_dataset
        self._create_document = create_document

    async def _new_dataset(self, request: FromUploadsRequest, file_name: str) -> Dataset:
        """Named after the file; a name already taken gets a number, as a second upload of the same file is a
        new knowledge base in Dify too (names are unique in weir's workspaces)."""
        for attempt in range(1, NAME_ATTEMPTS + 1):
            suffix = f" ({attempt})" if attempt > 1 else ""
            try:
                return await self._create_dataset.execute(
                    CreateDatasetRequest(
                        actor=request.actor,
                        name=file_name[: NAME_LENGTH - len(suffix)] + suffix,
                        indexing_technique=request.indexing_technique,
                        embedding_model=request.embedding_model,
                        embedding_model_provider=request.embedding_model_provider,
                        retrieval_model=request.retrieval_model,
                    )
                )
            except DatasetNameDuplicate:
                if attempt == NAME_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    async def execute(self, request: FromUploadsRequest) -> FromUploads:
        uploads = await load_uploads(self._uow, request.actor.tenant_id, request.file_ids)
        rule_for(parse_doc_form(request.doc_form), request.process_rule)  # a bad rule leaves no empty dataset
        contents = [Upload(u.name, await self._storage.load(u.key), u.mime_type or None) for u in uploads]
        dataset_id = request.dataset_id
        if dataset_id is None:
            created = await self._new_dataset(request, uploads[0].name)
            dataset_id = created.id
        documents, batch = [], ""
        for content in contents:
            made = await self._create_document.execute(
                CreateDocumentRequest(
                    actor=request.actor,
                    dataset_id=dataset_id,
                    name=content.file_name,
                    upload=content,
                    indexing_technique=request.indexing_technique,
                    doc_form=request.doc_form,
                    doc_language=request.doc_language,
                    process_rule=request.process_rule,
                    retrieval_model=request.retrieval_model,
                    embedding_model=request.embedding_model,
                    embedding_model_provider=request.embedding_model_provider,
                    batch=batch or None,  # one batch for the call: its indexing-status shows every file
                )
            )
            documents.append(made.document)
            batch = batch or made.batch
        dataset = created if request.dataset_id is None else None
        return FromUploads(dataset=dataset, documents=documents, batch=batch)  # type: ignore[arg-type]
