from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.persistence.session_scope import SessionUnitOfWork
from adapters.persistence.tool_repositories import (
    SqlaApiToolProviderRepository,
    SqlaBuiltinCredentialRepository,
    SqlaWorkflowToolProviderRepository,
)
from domain.models.ports import SecretCipher


class SqlaToolsUnitOfWork(SessionUnitOfWork):
    """The tool tables in one transaction per `async with` (the ToolsUnitOfWork port)."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], cipher: SecretCipher) -> None:
        super().__init__(session_factory)
        self._cipher = cipher

    def _bind(self, session: AsyncSession) -> None:
        self.builtin_credentials = SqlaBuiltinCredentialRepository(session, self._cipher)
        self.api_providers = SqlaApiToolProviderRepository(session, self._cipher)
        self.workflow_providers = SqlaWorkflowToolProviderRepository(session, self._cipher)
