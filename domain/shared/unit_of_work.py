from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from domain.apps.ports import (
    ApiTokenRepository,
    AppRepository,
    EndUserRepository,
    InstalledApps,
    SiteRepository,
    WebAppMarks,
)
from domain.conversations.agent_thoughts import AgentThoughtRepository
from domain.conversations.logs import ConversationLogRepository
from domain.conversations.ports import (
    AppModelConfigRepository,
    ConversationRepository,
    FeedbackRepository,
    MessageRepository,
)
from domain.conversations.statistics import AppStatisticsRepository
from domain.files.ports import UploadFileRepository
from domain.models.ports import ProviderRepository
from domain.telemetry.ports import TelemetryRepository
from domain.tenancy.ports import AccountRepository, SetupRepository, TenantRepository
from domain.tools.mcp import AppMcpServerRepository
from domain.workflows.ports import HumanInputRepository, TriggerRepository, WorkflowRepository, WorkflowRunRepository


class UnitOfWork(Protocol):
    """One atomic piece of work over the stores.

    Contract: used as `async with uow:`; changes are kept only if `await uow.commit()` ran
    inside the block, everything else is rolled back when the block exits. Repositories
    are valid only inside the block.
    """

    setups: SetupRepository
    tenants: TenantRepository
    accounts: AccountRepository
    apps: AppRepository
    api_tokens: ApiTokenRepository
    end_users: EndUserRepository
    telemetry: TelemetryRepository
    model_configs: AppModelConfigRepository
    providers: ProviderRepository
    conversations: ConversationRepository
    messages: MessageRepository
    agent_thoughts: AgentThoughtRepository
    feedbacks: FeedbackRepository
    uploads: UploadFileRepository
    workflows: WorkflowRepository
    workflow_runs: WorkflowRunRepository
    app_mcp_servers: AppMcpServerRepository
    human_inputs: HumanInputRepository
    app_statistics: AppStatisticsRepository
    conversation_logs: ConversationLogRepository
    triggers: TriggerRepository
    sites: SiteRepository
    web_app_marks: WebAppMarks
    installed_apps: InstalledApps

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


# What use cases take: each call opens a new unit of work, so one use case can run several
# transactions, and concurrent calls never share one.
UnitOfWorkFactory = Callable[[], UnitOfWork]
