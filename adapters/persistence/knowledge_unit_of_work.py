from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.knowledge_datasets import SqlaDatasetRepository
from adapters.persistence.knowledge_documents import SqlaDocumentRepository
from adapters.persistence.knowledge_metadata import SqlaMetadataRepository
from adapters.persistence.knowledge_queries import SqlaQueryRepository
from adapters.persistence.knowledge_segment_imports import SqlaSegmentImportRepository
from adapters.persistence.knowledge_segments import SqlaSegmentRepository
from adapters.persistence.knowledge_tags import SqlaTagRepository
from adapters.persistence.session_scope import SessionUnitOfWork


class SqlaKnowledgeUnitOfWork(SessionUnitOfWork):
    """The knowledge tables in one transaction per `async with`."""

    def _bind(self, session: AsyncSession) -> None:
        self.datasets = SqlaDatasetRepository(session)
        self.documents = SqlaDocumentRepository(session)
        self.segments = SqlaSegmentRepository(session)
        self.tags = SqlaTagRepository(session)
        self.metadata = SqlaMetadataRepository(session)
        self.queries = SqlaQueryRepository(session)
        self.segment_imports = SqlaSegmentImportRepository(session)
