from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.annotation_repositories import (
    SqlaAnnotationHitRepository,
    SqlaAnnotationJobRepository,
    SqlaAnnotationRepository,
    SqlaAnnotationSettingRepository,
)
from adapters.persistence.conversation_repositories import SqlaConversationRepository, SqlaMessageRepository
from adapters.persistence.session_scope import SessionUnitOfWork
from adapters.persistence.tenancy_repositories import SqlaAccountRepository


class SqlaAnnotationUnitOfWork(SessionUnitOfWork):
    """The annotation tables, and the conversations and messages a reply stores, in one transaction."""

    def _bind(self, session: AsyncSession) -> None:
        self.annotations = SqlaAnnotationRepository(session)
        self.settings = SqlaAnnotationSettingRepository(session)
        self.hits = SqlaAnnotationHitRepository(session)
        self.jobs = SqlaAnnotationJobRepository(session)
        self.conversations = SqlaConversationRepository(session)
        self.messages = SqlaMessageRepository(session)
        self.accounts = SqlaAccountRepository(session)
