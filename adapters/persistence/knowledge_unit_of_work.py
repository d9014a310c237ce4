from types import TracebackType
from typing import Self

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.persistence.knowledge_datasets import SqlaDatasetRepository
from adapters.persistence.knowledge_documents import SqlaDocumentRepository
from adapters.persistence.knowledge_segments import SqlaSegmentRepository
from adapters.persistence.knowledge_tags import SqlaTagRepository
from domain.shared.errors import StoreUnavailable


class SqlaKnowledgeUnitOfWork:
    """One AsyncSession per `async with` over the knowledge tables; rolls back unless `commit()` ran."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        session = self._session_factory()
        self._session = session
        self.datasets = SqlaDatasetRepository(session)
        self.documents = SqlaDocumentRepository(session)
        self.segments = SqlaSegmentRepository(session)
        self.tags = SqlaTagRepository(session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session, self._session = self._session, None
        assert session is not None
        try:
            await session.rollback()
        finally:
            await session.close()
        if isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
            raise StoreUnavailable("The database is unavailable.") from exc

    async def commit(self) -> None:
        assert self._session is not None, "commit() outside `async with`"
        await self._session.commit()
