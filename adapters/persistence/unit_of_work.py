from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.persistence.agent_thought_repository import SqlaAgentThoughtRepository
from adapters.persistence.app_repositories import SqlaApiTokenRepository, SqlaAppRepository, SqlaEndUserRepository
from adapters.persistence.app_statistics import SqlaAppStatisticsRepository
from adapters.persistence.cached_rows import CacheForgettingUnitOfWork
from adapters.persistence.conversation_logs import SqlaConversationLogRepository
from adapters.persistence.conversation_repositories import (
    SqlaConversationRepository,
    SqlaFeedbackRepository,
    SqlaMessageRepository,
)
from adapters.persistence.human_input_repository import SqlaHumanInputRepository
from adapters.persistence.mcp_repositories import SqlaAppMcpServerRepository
from adapters.persistence.model_repositories import SqlaAppModelConfigRepository, SqlaProviderRepository
from adapters.persistence.site_repositories import SqlaInstalledApps, SqlaSiteRepository, SqlaWebAppMarks
from adapters.persistence.telemetry_repository import SqlaTelemetryRepository
from adapters.persistence.tenancy_repositories import SqlaAccountRepository, SqlaSetupRepository, SqlaTenantRepository
from adapters.persistence.trigger_repositories import SqlaTriggerRepository
from adapters.persistence.upload_repository import SqlaUploadFileRepository
from adapters.persistence.workflow_repositories import SqlaWorkflowRepository, SqlaWorkflowRunRepository
from domain.apps.ports import CallerCache
from domain.models.ports import SecretCipher


class SqlaUnitOfWork(CacheForgettingUnitOfWork):
    """The core tables in one transaction per `async with` (the UnitOfWork port). Model configs and provider
    credentials written in it are forgotten by the callers' cache once it commits (CachedRowChanges)."""

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], cipher: SecretCipher, cache: CallerCache | None = None
    ) -> None:
        super().__init__(session_factory, cache)
        self._cipher = cipher

    def _bind(self, session: AsyncSession) -> None:
        self.setups = SqlaSetupRepository(session)
        self.tenants = SqlaTenantRepository(session)
        self.accounts = SqlaAccountRepository(session)
        self.apps = SqlaAppRepository(session)
        self.api_tokens = SqlaApiTokenRepository(session)
        self.end_users = SqlaEndUserRepository(session)
        self.telemetry = SqlaTelemetryRepository(session)
        self.model_configs = SqlaAppModelConfigRepository(session, self._changes)
        self.providers = SqlaProviderRepository(session, self._cipher, self._changes)
        self.conversations = SqlaConversationRepository(session)
        self.messages = SqlaMessageRepository(session)
        self.agent_thoughts = SqlaAgentThoughtRepository(session)
        self.feedbacks = SqlaFeedbackRepository(session)
        self.uploads = SqlaUploadFileRepository(session)
        self.workflows = SqlaWorkflowRepository(session)
        self.workflow_runs = SqlaWorkflowRunRepository(session)
        self.app_mcp_servers = SqlaAppMcpServerRepository(session)
        self.human_inputs = SqlaHumanInputRepository(session)
        self.app_statistics = SqlaAppStatisticsRepository(session)
        self.conversation_logs = SqlaConversationLogRepository(session)
        self.triggers = SqlaTriggerRepository(session)
        self.sites = SqlaSiteRepository(session)
        self.web_app_marks = SqlaWebAppMarks(session)
        self.installed_apps = SqlaInstalledApps(session)
