from uuid import UUID

from application.knowledge.guards import load_document
from domain.knowledge.repositories import UploadedFile
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.errors import NotFound

NO_FILE = "Document does not have an uploaded file to download."
FILE_MISSING = "Uploaded file not found."


class GetDocumentFile:
    """The file a document was made from (for its download URL and the upload-file route).

    Rules: the dataset and the document must be the workspace's; a document made from text has no file
    (not found, in Dify's words); so has one whose file row is gone or belongs to another workspace."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, dataset_id: UUID, document_id: UUID) -> UploadedFile:
        async with self._uow() as uow:
            document = await load_document(uow, tenant_id, dataset_id, document_id)
            if document.data_source_type != "upload_file" or not document.upload_file_id:
                raise NotFound(NO_FILE)
            upload = await uow.documents.upload(UUID(document.upload_file_id))
        if upload is None or upload.tenant_id != tenant_id:
            raise NotFound(FILE_MISSING)
        return upload
