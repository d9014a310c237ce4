"""The composition root: the one place that knows which adapter serves which port.

The root holds what every context shares (database, unit of work, clock and ids, Redis-or-in-process
coordination, security, files) and the small tenancy, apps and Service API use cases; each bounded
context has a sub-container under entrypoints/containers/. Selectors pick the adapters from settings:
`queue.kind` (redis or memory) for stops, limits, run event logs and login attempt counts,
`vector_store` for the knowledge stores and the health probe.
"""

from datetime import timedelta

import redis.asyncio as redis
from dependency_injector import containers, providers
from taskiq import AsyncBroker

from adapters.coordination.attempt_counters import InProcessAttemptCounter, RedisAttemptCounter
from adapters.coordination.caller_cache import InProcessCallerCache, RedisCallerCache
from adapters.coordination.in_process import InProcessConcurrencyLimiter, InProcessStopSignals
from adapters.coordination.pending_imports import InProcessPendingImports, RedisPendingImports
from adapters.coordination.redis_backed import RedisConcurrencyLimiter, RedisStopSignals
from adapters.coordination.run_events import InProcessRunEventLog, RedisRunEventLog
from adapters.coordination.webhook_debug import InProcessWebhookDebugInbox, RedisWebhookDebugInbox
from adapters.persistence.engine import make_engine, make_session_factory, make_unpooled_engine
from adapters.persistence.probes import PgvectorProbe, PostgresProbe
from adapters.persistence.unit_of_work import SqlaUnitOfWork
from adapters.queue.maintenance_dispatcher import TaskiqAppPurgeQueue
from adapters.queue.probes import InProcessQueueProbe, RedisQueueProbe, RedisWorkersProbe
from adapters.security.api_key_secrets import RandomSecretTokenGenerator
from adapters.security.jwt_tokens import JwtAccessTokenIssuer
from adapters.security.password_hasher import ScryptPasswordHasher
from adapters.security.secret_cipher import AesGcmSecretCipher
from adapters.storage.local_files import LocalFileStorage
from adapters.storage.signed_urls import SignedFileUrls
from adapters.system.clock import SystemClock
from adapters.system.ids import UuidV7Generator
from adapters.vectorstores.probes import InMemoryVectorStoreProbe, MilvusProbe
from adapters.workflow.httpx_client import HttpxHttpClient
from adapters.workflow.subprocess_code_runner import CodeSandboxProbe
from application.apps.create_api_key import CreateApiKey
from application.apps.create_app import CreateApp
from application.apps.delete_api_key import DeleteApiKey
from application.apps.delete_app import DeleteApp
from application.apps.get_app import GetApp
from application.apps.list_api_keys import ListApiKeys
from application.apps.list_apps import ListApps
from application.apps.set_api_access import SetApiAccess
from application.apps.update_app import UpdateApp
from application.check_health import CheckHealth
from application.conversations.generations import Generations
from application.conversations.message_files import PrepareSentFiles
from application.files.file_content import LoadFileContent
from application.files.image_parts import BuildImageParts
from application.files.preview_file import PreviewFile
from application.files.read_file import ReadSignedFile
from application.files.resolve_files import ResolveFiles
from application.files.upload_file import UploadFileForApp
from application.service_api.authenticate_api_key import AuthenticateApiKey
from application.service_api.describe_app import DescribeApp
from application.service_api.get_end_user import GetEndUser
from application.service_api.resolve_end_user import ResolveEndUser
from application.tenancy.authenticate_console import AuthenticateConsole
from application.tenancy.find_operator import FindOperator
from application.tenancy.get_setup_status import GetSetupStatus
from application.tenancy.log_in import LogIn
from application.tenancy.log_out import LogOut
from application.tenancy.refresh_session import RefreshSession
from application.tenancy.set_up_instance import SetUpInstance
from application.tenancy.throttle import AuthThrottle
from domain.files.entities import UploadLimits
from domain.tenancy.rules import LoginLimits
from entrypoints.containers.annotations import AnnotationsContainer
from entrypoints.containers.chat import ChatContainer
from entrypoints.containers.console import ConsoleContainer
from entrypoints.containers.knowledge import KnowledgeContainer, milvus_uri
from entrypoints.containers.maintenance import MaintenanceContainer
from entrypoints.containers.mcp_server import McpServerContainer
from entrypoints.containers.models import ModelsContainer
from entrypoints.containers.telemetry import TelemetryContainer
from entrypoints.containers.tools import ToolsContainer
from entrypoints.containers.webapp import WebAppContainer
from entrypoints.containers.workflows import WorkflowsContainer
from entrypoints.database import Database
from entrypoints.settings import Settings

# How long an authenticated key and a resolved end user are remembered (every change that matters to them
# forgets them at once, in every process; this bounds what a missed notice could cost).
CALLER_CACHE_SECONDS = 10.0
# A resolved end user: its row is never changed and only goes with its app (whose deletion forgets it, and whose
# keys stop authenticating within CALLER_CACHE_SECONDS anyway), so it is kept longer: a user who chats every
# few seconds no longer costs a transaction every 10 s.
END_USER_CACHE_SECONDS = 600.0


def redis_from_url(url: str) -> redis.Redis:
    return redis.from_url(url)


class Container(containers.DeclarativeContainer):
    config = providers.Configuration(strict=True)
    broker = providers.Dependency()

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UuidV7Generator)

    engine = providers.Singleton(
        make_engine,
        url=config.database.url,
        pool_size=config.database.pool_size,
        max_overflow=config.database.max_overflow,
        pool_timeout=config.database.pool_timeout,
        echo=config.database.echo,
    )
    # The process lease's own connection, opened per renewal: never queued behind requests for the pool.
    lease_engine = providers.Singleton(make_unpooled_engine, config.database.url)
    session_factory = providers.Singleton(make_session_factory, engine)
    secret_cipher = providers.Singleton(AesGcmSecretCipher, config.secret_key)

    password_hasher = providers.Singleton(ScryptPasswordHasher)
    api_key_secrets = providers.Singleton(RandomSecretTokenGenerator)
    token_issuer = providers.Singleton(
        JwtAccessTokenIssuer,
        secret_key=config.secret_key,
        clock=clock,
        access_ttl=providers.Factory(timedelta, minutes=config.access_token_minutes),
        refresh_ttl=providers.Factory(timedelta, days=config.refresh_token_days),
    )

    # Coordination across API processes: Redis when configured, else this process's memory.
    redis_client = providers.Singleton(redis_from_url, config.queue.redis_url)
    stop_signals = providers.Selector(
        config.queue.kind,
        redis=providers.Singleton(RedisStopSignals, redis_client),
        memory=providers.Singleton(InProcessStopSignals),
    )
    concurrency_limiter = providers.Selector(
        config.queue.kind,
        redis=providers.Singleton(RedisConcurrencyLimiter, redis_client, config.chat.max_execution_seconds),
        memory=providers.Singleton(InProcessConcurrencyLimiter),
    )
    run_event_log = providers.Selector(
        config.queue.kind,
        redis=providers.Singleton(RedisRunEventLog, redis_client),
        memory=providers.Singleton(InProcessRunEventLog),
    )
    attempt_counter = providers.Selector(
        config.queue.kind,
        redis=providers.Singleton(RedisAttemptCounter, redis_client),
        memory=providers.Singleton(InProcessAttemptCounter),
    )
    pending_imports = providers.Selector(
        config.queue.kind,
        redis=providers.Singleton(RedisPendingImports, redis_client),
        memory=providers.Singleton(InProcessPendingImports),
    )
    webhook_debug_inbox = providers.Selector(
        config.queue.kind,
        redis=providers.Singleton(RedisWebhookDebugInbox, redis_client),
        memory=providers.Singleton(InProcessWebhookDebugInbox),
    )
    caller_cache = providers.Selector(
        config.queue.kind,
        redis=providers.Singleton(RedisCallerCache, redis_client, CALLER_CACHE_SECONDS, END_USER_CACHE_SECONDS),
        memory=providers.Singleton(
            InProcessCallerCache, CALLER_CACHE_SECONDS, end_user_ttl_seconds=END_USER_CACHE_SECONDS
        ),
    )
    # Use cases open a new unit of work per transaction; what it writes of the cached rows is forgotten on commit.
    uow = providers.Factory(SqlaUnitOfWork, session_factory, secret_cipher, caller_cache)
    uow_factory = uow.provider
    generations = providers.Singleton(Generations)

    file_storage = providers.Singleton(LocalFileStorage, config.storage_path)
    upload_limits = providers.Singleton(
        UploadLimits,
        config.uploads.file_mb,
        config.uploads.image_mb,
        config.uploads.video_mb,
        config.uploads.audio_mb,
        config.uploads.blacklist,
    )

    # Files in workflows and messages: signed links, request mappings resolved, bytes read or fetched
    # (remote files through the same SSRF guard as the http-request node).
    file_urls = providers.Singleton(SignedFileUrls, config.files_url, config.secret_key)
    resolve_files = providers.Factory(ResolveFiles, uow_factory, file_urls)
    load_file_content = providers.Singleton(
        LoadFileContent, uow_factory, file_storage,
        providers.Singleton(HttpxHttpClient, allowed_hosts=config.workflow.allowed_hosts), upload_limits,
    )
    image_parts = providers.Factory(BuildImageParts, load_file_content)
    prepare_sent_files = providers.Factory(PrepareSentFiles, resolve_files, image_parts)

    telemetry = providers.Container(TelemetryContainer, config=config.otel, uow_factory=uow_factory, broker=broker)

    auth_throttle = providers.Singleton(
        AuthThrottle,
        attempt_counter,
        providers.Singleton(
            LoginLimits,
            max_failures=config.login.max_failures,
            lockout_seconds=config.login.lockout_seconds,
            requests_per_ip=config.login.requests_per_ip,
            ip_window_seconds=config.login.ip_window_seconds,
        ),
    )
    get_setup_status = providers.Factory(GetSetupStatus, uow_factory)
    set_up_instance = providers.Factory(SetUpInstance, uow_factory, password_hasher, clock, ids, auth_throttle)
    log_in = providers.Factory(LogIn, uow_factory, password_hasher, token_issuer, clock, auth_throttle)
    refresh_session = providers.Factory(RefreshSession, uow_factory, token_issuer, clock)
    log_out = providers.Factory(LogOut, uow_factory, clock)
    authenticate_console = providers.Factory(AuthenticateConsole, uow_factory, token_issuer)
    find_operator = providers.Factory(FindOperator, uow_factory)

    create_app = providers.Factory(CreateApp, uow_factory, clock, ids, telemetry.metrics_sink)
    list_apps = providers.Factory(ListApps, uow_factory)
    get_app = providers.Factory(GetApp, uow_factory)
    update_app = providers.Factory(UpdateApp, uow_factory, clock, telemetry.metrics_sink, caller_cache)
    set_api_access = providers.Factory(SetApiAccess, uow_factory, clock, caller_cache)
    delete_app = providers.Factory(
        DeleteApp,
        uow_factory,
        telemetry.metrics_sink,
        clock,
        providers.Singleton(TaskiqAppPurgeQueue, broker),
        caller_cache,
    )
    create_api_key = providers.Factory(CreateApiKey, uow_factory, api_key_secrets, clock, ids)
    list_api_keys = providers.Factory(ListApiKeys, uow_factory)
    delete_api_key = providers.Factory(DeleteApiKey, uow_factory, caller_cache)

    authenticate_api_key = providers.Factory(AuthenticateApiKey, uow_factory, clock, caller_cache)
    resolve_end_user = providers.Factory(ResolveEndUser, uow_factory, clock, ids, caller_cache)
    get_end_user = providers.Factory(GetEndUser, uow_factory)
    describe_app = providers.Factory(DescribeApp, uow_factory)
    upload_file = providers.Factory(UploadFileForApp, uow_factory, file_storage, upload_limits, clock, ids)
    preview_file = providers.Factory(PreviewFile, uow_factory, file_storage)
    read_signed_file = providers.Factory(
        ReadSignedFile, uow_factory, file_storage, clock, config.secret_key, config.files_access_timeout
    )

    models = providers.Container(
        ModelsContainer, config=config.models, uow_factory=uow_factory, clock=clock, ids=ids
    )
    knowledge = providers.Container(
        KnowledgeContainer,
        config=config.knowledge,
        engine=engine,
        session_factory=session_factory,
        clock=clock,
        ids=ids,
        broker=broker,
        metrics_sink=telemetry.metrics_sink,
        providers_of=models.workspace_providers.provided.execute,
        resolve_model=models.resolve_model,
    )
    webapp = providers.Container(
        WebAppContainer, config=providers.Dict(secret_key=config.secret_key), uow_factory=uow_factory, clock=clock,
        ids=ids, resolve_end_user=resolve_end_user,
    )
    console = providers.Container(
        ConsoleContainer, uow_factory=uow_factory, clock=clock, ids=ids, tags_uow_factory=knowledge.uow_factory,
        file_storage=file_storage,
        create_dataset=knowledge.create_dataset, create_document=knowledge.create_document,
        extractor=knowledge.extractor, count_tokens=knowledge.count_tokens, question_writer=knowledge.question_writer,
        segment_import_queue=knowledge.segment_import_queue, token_issuer=token_issuer,
        password_hasher=password_hasher,
    )
    maintenance = providers.Container(
        MaintenanceContainer,
        config=config.maintenance,
        engine=engine,
        lease_engine=lease_engine,
        clock=clock,
        ids=ids,
        broker=broker,
        file_storage=file_storage,
    )
    annotations = providers.Container(
        AnnotationsContainer,
        session_factory=session_factory,
        clock=clock,
        ids=ids,
        broker=broker,
        embedder_catalog=knowledge.catalog,
        vector_store=knowledge.vector_store,
        caller_cache=caller_cache,
    )
    tools = providers.Container(
        ToolsContainer,
        config=config.tools,
        session_factory=session_factory,
        secret_cipher=secret_cipher,
        uow_factory=uow_factory,
        clock=clock,
        ids=ids,
        metrics_sink=telemetry.metrics_sink,
        trace_exporter=telemetry.trace_exporter,
        file_storage=file_storage,
        resolve_end_user=resolve_end_user,
        resolve_model=models.resolve_model,
    )
    chat = providers.Container(
        ChatContainer,
        config=config.chat,
        uow_factory=uow_factory,
        clock=clock,
        ids=ids,
        metrics_sink=telemetry.metrics_sink,
        trace_dispatcher=telemetry.trace_dispatcher,
        record_message_trace=telemetry.record_message_trace,
        stop_signals=stop_signals,
        concurrency_limiter=concurrency_limiter,
        resolve_end_user=resolve_end_user,
        generations=generations,
        token_counter=models.token_counter,
        resolve_model=models.resolve_model,
        retrieve=knowledge.retrieve,
        get_dataset=knowledge.get_dataset,
        process_lease=maintenance.process_lease,
        prepare_sent_files=prepare_sent_files,
        tool_providers=tools.tool_providers,
        invoke_tool=tools.invoke_tool,
        store_tool_files=tools.store_tool_files,
        reply_from_annotation=annotations.reply_from_annotation,
        caller_cache=caller_cache,
    )
    workflows = providers.Container(
        WorkflowsContainer,
        config=config.workflow,
        uow_factory=uow_factory,
        clock=clock,
        ids=ids,
        broker=broker,
        stop_signals=stop_signals,
        trace_dispatcher=telemetry.trace_dispatcher,
        record_workflow_trace=telemetry.record_workflow_trace,
        caller_cache=caller_cache,
        run_event_log=run_event_log,
        generations=generations,
        file_storage=file_storage,
        resolve_model=models.resolve_model,
        retrieve=knowledge.retrieve,
        extractor=knowledge.extractor,
        process_lease=maintenance.process_lease,
        secret_tokens=api_key_secrets,
        invoke_tool=tools.invoke_tool,
        store_tool_files=tools.store_tool_files,
        resolve_files=resolve_files,
        load_file_content=load_file_content,
        image_parts=image_parts,
        prepare_sent_files=prepare_sent_files,
        tool_providers=tools.tool_providers,
        mcp_client=tools.mcp_client,
        pending_imports=pending_imports,
        webhook_debug_inbox=webhook_debug_inbox,
        upload_file=upload_file,
    )

    mcp_server = providers.Container(
        McpServerContainer,
        uow_factory=uow_factory,
        clock=clock,
        ids=ids,
        secret_tokens=api_key_secrets,
        describe_parameters=chat.describe_parameters,
        resolve_end_user=resolve_end_user,
        send_message=chat.send_message,
        run_workflow=workflows.run_workflow,
        run_chatflow=workflows.run_chatflow,
    )

    database_probe = providers.Factory(PostgresProbe, engine, embedded=config.database.embedded)
    queue_probe = providers.Selector(
        config.queue.kind,
        redis=providers.Factory(RedisQueueProbe, config.queue.redis_url),
        memory=providers.Factory(InProcessQueueProbe),
    )
    vector_store_probe = providers.Selector(
        config.vector_store,
        pgvector=providers.Factory(PgvectorProbe, engine),
        milvus=providers.Factory(
            MilvusProbe, providers.Callable(milvus_uri, config.knowledge.storage_path, config.knowledge.milvus.uri),
            token=config.knowledge.milvus.token, db_name=config.knowledge.milvus.database,
        ),
        memory=providers.Factory(InMemoryVectorStoreProbe),
    )
    code_sandbox_probe = providers.Factory(CodeSandboxProbe, workflows.code_runner)
    check_health = providers.Factory(
        CheckHealth,
        probes=providers.Selector(
            config.queue.kind,
            redis=providers.List(
                database_probe, queue_probe, vector_store_probe,
                providers.Factory(RedisWorkersProbe, config.queue.redis_url, broker), code_sandbox_probe,
            ),
            memory=providers.List(database_probe, queue_probe, vector_store_probe, code_sandbox_probe),
        ),
    )


def build_container(settings: Settings, database: Database, broker: AsyncBroker) -> Container:
    container = Container(broker=broker)
    container.config.from_dict(settings.container_config(database.url, database.embedded))
    # Workflows call tools (tool node) and tools run workflows (workflow tools): the second edge is bound here,
    # as a factory called at invocation time, so building one context never builds the other in a loop.
    container.tools.run_workflow.override(providers.Object(container.workflows.run_workflow))
    container.tools.code_runner.override(container.workflows.code_runner)  # one sandbox for code nodes and tools
    return container


async def shutdown_container(container: Container) -> None:
    """Waits for running generations, ends this process's lease, flushes telemetry and closes pools; called
    when the process stops."""
    await container.generations().drain(timeout=30)
    await container.run_event_log().flush()  # what finished runs appended, for clients re-attaching elsewhere
    await container.maintenance.process_lease().release()
    await container.models.chat_model_factory().aclose()
    await container.knowledge.rerank_models().aclose()
    await container.chat.audio_model_factory().aclose()
    container.telemetry.trace_exporter().shutdown()
    container.telemetry.meter_provider().shutdown()
    await container.engine().dispose()
    await container.lease_engine().dispose()
