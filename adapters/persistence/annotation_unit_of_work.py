from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.persistence.annotation_repositories import (
    SqlaAnnotationHitRepository,
    SqlaAnnotationJobRepository,
    SqlaAnnotationRepository,
    SqlaAnnotationSettingRepository,
)
from adapters.persistence.cached_rows import CachedRowChanges
from adapters.persistence.conversation_repositories import SqlaConversationRepository, SqlaMessageRepository
from adapters.persistence.session_scope import SessionUnitOfWork
from adapters.persistence.tenancy_repositories import SqlaAccountRepository
from domain.apps.ports import CallerCache


class SqlaAnnotationUnitOfWork(SessionUnitOfWork):
    """The annotation tables, and the conversations and messages a reply stores, in one transaction. A reply
    setting written in it is forgotten by the callers' cache once it commits (it comes with the model config)."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], cache: CallerCache | None = None) -> None:
        super().__init__(session_factory)
        self._cache = cache
        self._changes = CachedRowChanges()

    async def commit(self) -> None:
        await super().commit()
        if self._cache is not None:
            await self._changes.forget(self._cache)

    def _bind(self, session: AsyncSession) -> None:
        self.annotations = SqlaAnnotationRepository(session)
        self.settings = SqlaAnnotationSettingRepository(session, self._changes)
        self.hits = SqlaAnnotationHitRepository(session)
        self.jobs = SqlaAnnotationJobRepository(session)
        self.conversations = SqlaConversationRepository(session)
        self.messages = SqlaMessageRepository(session)
        self.accounts = SqlaAccountRepository(session)
