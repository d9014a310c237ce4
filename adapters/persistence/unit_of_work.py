from types import TracebackType
from typing import Self

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.persistence.app_repositories import SqlaApiTokenRepository, SqlaAppRepository, SqlaEndUserRepository
from adapters.persistence.conversation_repositories import (
    SqlaConversationRepository,
    SqlaFeedbackRepository,
    SqlaMessageRepository,
)
from adapters.persistence.model_repositories import SqlaAppModelConfigRepository, SqlaProviderRepository
from adapters.persistence.telemetry_repository import SqlaTelemetryRepository
from adapters.persistence.tenancy_repositories import SqlaAccountRepository, SqlaSetupRepository, SqlaTenantRepository
from adapters.persistence.upload_repository import SqlaUploadFileRepository
from adapters.persistence.workflow_repositories import SqlaWorkflowRepository, SqlaWorkflowRunRepository
from domain.models.ports import SecretCipher
from domain.shared.errors import StoreUnavailable


class SqlaUnitOfWork:
    """One AsyncSession per `async with`; rolls back unless `commit()` was called inside the block."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], cipher: SecretCipher) -> None:
        self._session_factory = session_factory
        self._cipher = cipher
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        session = self._session_factory()
        self._session = session
        self.setups = SqlaSetupRepository(session)
        self.tenants = SqlaTenantRepository(session)
        self.accounts = SqlaAccountRepository(session)
        self.apps = SqlaAppRepository(session)
        self.api_tokens = SqlaApiTokenRepository(session)
        self.end_users = SqlaEndUserRepository(session)
        self.telemetry = SqlaTelemetryRepository(session)
        self.model_configs = SqlaAppModelConfigRepository(session)
        self.providers = SqlaProviderRepository(session, self._cipher)
        self.conversations = SqlaConversationRepository(session)
        self.messages = SqlaMessageRepository(session)
        self.feedbacks = SqlaFeedbackRepository(session)
        self.uploads = SqlaUploadFileRepository(session)
        self.workflows = SqlaWorkflowRepository(session)
        self.workflow_runs = SqlaWorkflowRunRepository(session)
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

    async def rollback(self) -> None:
        assert self._session is not None, "rollback() outside `async with`"
        await self._session.rollback()
