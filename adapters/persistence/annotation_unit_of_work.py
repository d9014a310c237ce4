from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.annotation_repositories import (
    SqlaAnnotationHitRepository,
    SqlaAnnotationJobRepository,
    SqlaAnnotationRepository,
    SqlaAnnotationSettingRepository,
)
from adapters.persistence.cached_rows import CacheForgettingUnitOfWork
from adapters.persistence.conversation_repositories import SqlaConversationRepository, SqlaMessageRepository
from adapters.persistence.tenancy_repositories import SqlaAccountRepository


class SqlaAnnotationUnitOfWork(CacheForgettingUnitOfWork):
    """The annotation tables, and the conversations and messages a reply stores, in one transaction. A reply
    setting written in it is forgotten by the callers' cache once it commits (it comes with the model config)."""

    def _bind(self, session: AsyncSession) -> None:
        self.annotations = SqlaAnnotationRepository(session)
        self.settings = SqlaAnnotationSettingRepository(session, self._changes)
        self.hits = SqlaAnnotationHitRepository(session)
        self.jobs = SqlaAnnotationJobRepository(session)
        self.conversations = SqlaConversationRepository(session)
        self.messages = SqlaMessageRepository(session)
        self.accounts = SqlaAccountRepository(session)
