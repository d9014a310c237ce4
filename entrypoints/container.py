"""The composition root: the one place that knows which adapter serves which port."""

from datetime import timedelta
from pathlib import Path
from uuid import UUID

import redis.asyncio as redis
from dependency_injector import containers, providers
from taskiq import AsyncBroker

from adapters.coordination.in_process import InProcessConcurrencyLimiter, InProcessStopSignals
from adapters.coordination.redis_backed import RedisConcurrencyLimiter, RedisStopSignals
from adapters.coordination.run_events import InProcessRunEventLog, RedisRunEventLog
from adapters.dsl.yaml_codec import YamlDslCodec
from adapters.llm.factory import OpenAICompatibleModelFactory
from adapters.llm.tiktoken_counter import TiktokenCounter
from adapters.persistence.engine import make_engine, make_session_factory
from adapters.persistence.probes import PgvectorProbe, PostgresProbe
from adapters.persistence.unit_of_work import SqlaUnitOfWork
from adapters.queue.maintenance_dispatcher import TaskiqAppPurgeQueue
from adapters.queue.probes import InProcessQueueProbe, RedisQueueProbe, RedisWorkersProbe
from adapters.queue.trace_dispatcher import TaskiqTraceDispatcher
from adapters.security.api_key_secrets import RandomSecretTokenGenerator
from adapters.security.jwt_tokens import JwtAccessTokenIssuer
from adapters.security.password_hasher import ScryptPasswordHasher
from adapters.security.secret_cipher import AesGcmSecretCipher
from adapters.storage.local_files import LocalFileStorage
from adapters.system.clock import SystemClock
from adapters.system.ids import UuidV7Generator
from adapters.telemetry.otel_metrics import OtelMetricsSink
from adapters.telemetry.otel_traces import OtelTraceExporter
from adapters.telemetry.setup import (
    OtlpConfig,
    make_metrics,
    make_prometheus_registry,
    make_resource,
    make_span_processors,
)
from adapters.vectorstores.probes import InMemoryVectorStoreProbe, MilvusProbe
from adapters.workflow.httpx_client import HttpxHttpClient
from adapters.workflow.jinja_renderer import SandboxedJinjaRenderer
from adapters.workflow.subprocess_code_runner import CodeSandboxProbe, SubprocessCodeRunner
from application.apps.create_api_key import CreateApiKey
from application.apps.create_app import CreateApp
from application.apps.delete_api_key import DeleteApiKey
from application.apps.delete_app import DeleteApp
from application.apps.describe_parameters import DescribeParameters
from application.apps.get_app import GetApp
from application.apps.list_api_keys import ListApiKeys
from application.apps.list_apps import ListApps
from application.apps.set_api_access import SetApiAccess
from application.apps.update_app import UpdateApp
from application.apps.update_model_config import UpdateModelConfig
from application.check_health import CheckHealth
from application.conversations.generate_answer import GenerateAnswer
from application.conversations.generations import Generations
from application.conversations.give_feedback import GiveFeedback, ListAppFeedbacks
from application.conversations.knowledge_context import GatherKnowledgeContext
from application.conversations.list_conversations import ListConversations
from application.conversations.list_messages import ListMessages
from application.conversations.manage_conversation import DeleteConversation, ListConversationVariables
from application.conversations.rename_conversation import RenameConversation
from application.conversations.send_message import SendMessage
from application.conversations.stop_generation import StopGeneration
from application.conversations.suggest_questions import SuggestQuestions
from application.files.read_file import ReadSignedFile
from application.files.upload_file import UploadFileForApp
from application.models.manage_providers import ListProviders, SaveProviderCredentials, SetDefaultModels
from application.models.resolve_model import ResolveModel
from application.service_api.authenticate_api_key import AuthenticateApiKey
from application.service_api.describe_app import DescribeApp
from application.service_api.get_end_user import GetEndUser
from application.service_api.resolve_end_user import ResolveEndUser
from application.telemetry.record_message_trace import RecordMessageTrace
from application.telemetry.record_node_trace import RecordNodeTrace
from application.telemetry.record_workflow_trace import RecordWorkflowTrace
from application.tenancy.authenticate_console import AuthenticateConsole
from application.tenancy.find_operator import FindOperator
from application.tenancy.get_setup_status import GetSetupStatus
from application.tenancy.log_in import LogIn
from application.tenancy.refresh_session import RefreshSession
from application.tenancy.set_up_instance import SetUpInstance
from application.workflows.app_dsl import ExportAppDsl, ImportAppDsl
from application.workflows.manage_workflow import GetDraft, PublishWorkflow, SyncDraft
from application.workflows.nodes.document_extractor import DocumentExtractorExecutor
from application.workflows.nodes.knowledge_retrieval import KnowledgeRetrievalExecutor
from application.workflows.nodes.registry import builtin_node_executors
from application.workflows.nodes.response_nodes import AnswerExecutor, EndExecutor
from application.workflows.queries import GetWorkflowRun, ListWorkflowLogs, ReadRunEvents
from application.workflows.run_chatflow import RunChatflow
from application.workflows.run_workflow import RunWorkflow
from domain.files.entities import UploadLimits
from domain.models.providers import OPENAI_BASE_URL, ModelEntry, ProviderCredentials
from domain.workflows.engine import ENGINE_TYPES, Limits
from entrypoints.containers.knowledge import KnowledgeContainer, milvus_uri
from entrypoints.containers.maintenance import MaintenanceContainer
from entrypoints.database import Database
from entrypoints.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class WorkspaceProviders:
    """An async callable: the workspace's model providers, plus the instance-wide fallback."""

    def __init__(self, uow_factory: providers.Provider, fallback: ProviderCredentials | None) -> None:
        self._uow_factory = uow_factory
        self._fallback = fallback

    async def __call__(self, tenant_id: UUID) -> list[ProviderCredentials]:
        async with self._uow_factory() as uow:
            found = await uow.providers.for_tenant(tenant_id)
        return found + ([self._fallback] if self._fallback else [])


def fallback_credentials(base_url: str, api_key: str, models: str) -> ProviderCredentials | None:
    """OPENAI_API_BASE / OPENAI_API_KEY as an `openai` provider every workspace may fall back to."""
    if not base_url and not api_key:
        return None
    names = [name.strip() for name in models.split(",") if name.strip()]
    return ProviderCredentials(
        tenant_id=None,
        provider="openai",
        endpoint_url=(base_url or OPENAI_BASE_URL).rstrip("/"),
        api_key=api_key or None,
        models=tuple(ModelEntry(name) for name in names),
    )


def redis_from_url(url: str) -> redis.Redis:
    return redis.from_url(url)


class Container(containers.DeclarativeContainer):
    config = providers.Configuration(strict=True)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UuidV7Generator)

    engine = providers.Singleton(
        make_engine,
        url=config.database.url,
        pool_size=config.database.pool_size,
        max_overflow=config.database.max_overflow,
        echo=config.database.echo,
    )
    session_factory = providers.Singleton(make_session_factory, engine)
    secret_cipher = providers.Singleton(AesGcmSecretCipher, config.secret_key)
    uow = providers.Factory(SqlaUnitOfWork, session_factory, secret_cipher)

    password_hasher = providers.Singleton(ScryptPasswordHasher)
    api_key_secrets = providers.Singleton(RandomSecretTokenGenerator)
    token_issuer = providers.Singleton(
        JwtAccessTokenIssuer,
        secret_key=config.secret_key,
        clock=clock,
        access_ttl=providers.Factory(timedelta, minutes=config.access_token_minutes),
        refresh_ttl=providers.Factory(timedelta, days=config.refresh_token_days),
    )

    broker = providers.Dependency()
    trace_dispatcher = providers.Singleton(TaskiqTraceDispatcher, broker)

    otlp = providers.Singleton(
        OtlpConfig,
        endpoint=config.otel.endpoint,
        protocol=config.otel.protocol,
        headers=config.otel.headers,
        export_interval_ms=config.otel.export_interval_ms,
    )
    otel_resource = providers.Singleton(make_resource, config.otel.service_name)
    prometheus_registry = providers.Singleton(make_prometheus_registry)
    meter_provider = providers.Singleton(make_metrics, otel_resource, prometheus_registry, otlp)
    metrics_sink = providers.Singleton(OtelMetricsSink, meter_provider)
    trace_exporter = providers.Singleton(
        OtelTraceExporter, otel_resource, providers.Singleton(make_span_processors, otlp)
    )

    code_runner = providers.Singleton(
        SubprocessCodeRunner, cpu_seconds=config.code.cpu_seconds, memory_bytes=config.code.memory_bytes,
        wall_seconds=config.code.wall_seconds, hidden_paths=config.workflow.hidden_paths,
        allow_weak_isolation=config.code.allow_weak_isolation, probe_at_start=True,
    )
    code_sandbox_probe = providers.Factory(CodeSandboxProbe, code_runner)
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
    check_health = providers.Factory(
        CheckHealth,
        probes=providers.Selector(
            config.queue.kind,
            redis=providers.List(
                database_probe, queue_probe, vector_store_probe,
                providers.Factory(RedisWorkersProbe, config.queue.redis_url, broker),
                code_sandbox_probe,
            ),
            memory=providers.List(database_probe, queue_probe, vector_store_probe, code_sandbox_probe),
        ),
    )

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
    token_counter = providers.Singleton(TiktokenCounter)
    chat_model_factory = providers.Singleton(OpenAICompatibleModelFactory, token_counter, config.chat.provider_timeout)
    fallback_provider = providers.Singleton(
        fallback_credentials, config.chat.openai_base, config.chat.openai_key, config.chat.openai_models
    )
    generations = providers.Singleton(Generations)

    get_setup_status = providers.Factory(GetSetupStatus, uow)
    set_up_instance = providers.Factory(SetUpInstance, uow, password_hasher, clock, ids)
    log_in = providers.Factory(LogIn, uow, password_hasher, token_issuer, clock)
    refresh_session = providers.Factory(RefreshSession, uow, token_issuer)
    authenticate_console = providers.Factory(AuthenticateConsole, uow, token_issuer)
    find_operator = providers.Factory(FindOperator, uow)

    create_app = providers.Factory(CreateApp, uow, clock, ids, metrics_sink)
    list_apps = providers.Factory(ListApps, uow)
    get_app = providers.Factory(GetApp, uow)
    update_app = providers.Factory(UpdateApp, uow, clock, metrics_sink)
    set_api_access = providers.Factory(SetApiAccess, uow, clock)
    delete_app = providers.Factory(
        DeleteApp, uow, metrics_sink, clock, providers.Singleton(TaskiqAppPurgeQueue, broker)
    )
    create_api_key = providers.Factory(CreateApiKey, uow, api_key_secrets, clock, ids)
    list_api_keys = providers.Factory(ListApiKeys, uow)
    delete_api_key = providers.Factory(DeleteApiKey, uow)

    authenticate_api_key = providers.Factory(AuthenticateApiKey, uow, clock)
    resolve_end_user = providers.Factory(ResolveEndUser, uow, clock, ids)
    get_end_user = providers.Factory(GetEndUser, uow)
    describe_app = providers.Factory(DescribeApp, uow)

    record_workflow_trace = providers.Factory(RecordWorkflowTrace, uow, metrics_sink, trace_exporter)
    record_node_trace = providers.Factory(RecordNodeTrace, uow, metrics_sink)
    record_message_trace = providers.Factory(RecordMessageTrace, uow, metrics_sink, trace_exporter)

    resolve_model = providers.Factory(ResolveModel, uow, chat_model_factory, fallback_provider)
    save_provider_credentials = providers.Factory(SaveProviderCredentials, uow, clock)
    list_providers = providers.Factory(ListProviders, uow)
    set_default_models = providers.Factory(SetDefaultModels, uow)
    update_model_config = providers.Factory(UpdateModelConfig, uow, ids)
    generate_answer = providers.Factory(GenerateAnswer, uow, stop_signals, token_counter, trace_dispatcher, clock)

    stop_generation = providers.Factory(StopGeneration, stop_signals)
    list_conversations = providers.Factory(ListConversations, uow)
    delete_conversation = providers.Factory(DeleteConversation, uow, clock)
    rename_conversation = providers.Factory(RenameConversation, uow, resolve_model, clock)
    list_conversation_variables = providers.Factory(ListConversationVariables, uow)
    list_messages = providers.Factory(ListMessages, uow)
    give_feedback = providers.Factory(GiveFeedback, uow, metrics_sink, clock, ids)
    list_app_feedbacks = providers.Factory(ListAppFeedbacks, uow)
    suggest_questions = providers.Factory(SuggestQuestions, uow, resolve_model)
    describe_parameters = providers.Factory(DescribeParameters, uow)
    file_storage = providers.Singleton(LocalFileStorage, config.storage_path)
    upload_limits = providers.Singleton(
        UploadLimits,
        config.uploads.file_mb,
        config.uploads.image_mb,
        config.uploads.video_mb,
        config.uploads.audio_mb,
        config.uploads.blacklist,
    )
    upload_file = providers.Factory(UploadFileForApp, uow, file_storage, upload_limits, clock, ids)
    read_signed_file = providers.Factory(
        ReadSignedFile, uow, file_storage, clock, config.secret_key, config.files_access_timeout
    )

    template_renderer = providers.Singleton(SandboxedJinjaRenderer)
    workflow_http_client = providers.Singleton(HttpxHttpClient, allowed_hosts=config.workflow.allowed_hosts)
    dsl_codec = providers.Singleton(YamlDslCodec)
    run_event_log = providers.Selector(
        config.queue.kind,
        redis=providers.Singleton(RedisRunEventLog, redis_client),
        memory=providers.Singleton(InProcessRunEventLog),
    )
    workflow_limits = providers.Singleton(
        Limits, max_steps=config.workflow.max_steps, max_seconds=config.workflow.max_seconds
    )
    sync_draft = providers.Factory(SyncDraft, uow, clock, ids)
    get_draft = providers.Factory(GetDraft, uow)
    publish_workflow = providers.Factory(PublishWorkflow, uow, clock, ids)
    export_app_dsl = providers.Factory(ExportAppDsl, uow, dsl_codec)
    get_workflow_run = providers.Factory(GetWorkflowRun, uow)
    list_workflow_logs = providers.Factory(ListWorkflowLogs, uow)
    read_run_events = providers.Factory(ReadRunEvents, uow, run_event_log)

    node_executors = providers.Dependency()
    run_workflow = providers.Factory(
        RunWorkflow, uow, node_executors, stop_signals, trace_dispatcher, run_event_log, generations, clock, ids,
        workflow_limits,
    )
    run_chatflow = providers.Factory(
        RunChatflow, uow, node_executors, stop_signals, trace_dispatcher, run_event_log, generations, clock, ids,
        workflow_limits,
    )
    import_app_dsl = providers.Factory(
        ImportAppDsl, uow, dsl_codec, clock, ids, providers.Callable(lambda e: e.types() | ENGINE_TYPES, node_executors)
    )

    knowledge = providers.Container(
        KnowledgeContainer,
        config=config.knowledge,
        engine=engine,
        session_factory=session_factory,
        clock=clock,
        ids=ids,
        broker=broker,
        metrics_sink=metrics_sink,
        providers_of=providers.Factory(WorkspaceProviders, uow.provider, fallback_provider),
    )
    # Chat apps with datasets answer from them (Dify's dataset_configs); a fresh use case per message.
    gather_knowledge = providers.Factory(GatherKnowledgeContext, knowledge.retrieve, knowledge.get_dataset)
    send_message = providers.Factory(
        SendMessage,
        uow,
        resolve_model,
        token_counter,
        stop_signals,
        concurrency_limiter,
        generate_answer,
        generations,
        clock,
        ids,
        config.chat.default_active_requests,
        knowledge=gather_knowledge,
    )

    maintenance = providers.Container(
        MaintenanceContainer,
        config=config.maintenance,
        engine=engine,
        clock=clock,
        broker=broker,
        file_storage=file_storage,
    )


def build_container(settings: Settings, database: Database, broker: AsyncBroker) -> Container:
    container = Container(broker=broker)
    redis_url = settings.redis_url
    container.config.from_dict(
        {
            "database": {
                "url": database.url,
                "embedded": database.embedded,
                "pool_size": settings.SQLALCHEMY_POOL_SIZE,
                "max_overflow": settings.SQLALCHEMY_MAX_OVERFLOW,
                "echo": settings.SQLALCHEMY_ECHO,
            },
            "queue": {"kind": "redis" if redis_url else "memory", "redis_url": redis_url or ""},
            "vector_store": settings.VECTOR_STORE,
            "secret_key": settings.secret_key(),
            "access_token_minutes": settings.ACCESS_TOKEN_EXPIRE_MINUTES,
            "refresh_token_days": settings.REFRESH_TOKEN_EXPIRE_DAYS,
            "chat": {
                "openai_base": settings.OPENAI_API_BASE or "",
                "openai_key": settings.OPENAI_API_KEY or "",
                "openai_models": settings.OPENAI_MODELS,
                "provider_timeout": settings.PROVIDER_REQUEST_TIMEOUT,
                "default_active_requests": settings.APP_MAX_ACTIVE_REQUESTS,
                "max_execution_seconds": settings.APP_MAX_EXECUTION_TIME,
            },
            "storage_path": settings.STORAGE_PATH,
            "files_url": settings.FILES_URL or "",
            "files_access_timeout": settings.FILES_ACCESS_TIMEOUT,
            "uploads": {
                "file_mb": settings.UPLOAD_FILE_SIZE_LIMIT,
                "image_mb": settings.UPLOAD_IMAGE_FILE_SIZE_LIMIT,
                "video_mb": settings.UPLOAD_VIDEO_FILE_SIZE_LIMIT,
                "audio_mb": settings.UPLOAD_AUDIO_FILE_SIZE_LIMIT,
                "blacklist": settings.upload_blacklist,
            },
            "code": {
                "cpu_seconds": settings.CODE_MAX_CPU_SECONDS,
                "memory_bytes": settings.CODE_MAX_MEMORY_MB * 2**20,
                "wall_seconds": settings.CODE_EXECUTION_TIMEOUT,
                "allow_weak_isolation": settings.CODE_ALLOW_WEAK_ISOLATION,
            },
            "workflow": {
                "hidden_paths": (str(PROJECT_ROOT), str(settings.STORAGE_PATH.resolve()), "/root", "/home"),
                "allowed_hosts": settings.http_request_allowed_hosts,
                "max_steps": settings.WORKFLOW_MAX_EXECUTION_STEPS,
                "max_seconds": float(settings.WORKFLOW_MAX_EXECUTION_TIME),
            },
            "knowledge": {
                "vector_store": settings.VECTOR_STORE, "storage_path": str(settings.STORAGE_PATH),
                "milvus": {"uri": settings.MILVUS_URI or "", "token": settings.MILVUS_TOKEN,
                           "database": settings.MILVUS_DATABASE},
            },
            "maintenance": {
                "message_days": settings.MESSAGE_RETENTION_DAYS,
                "workflow_run_days": settings.WORKFLOW_RUN_RETENTION_DAYS,
                "node_execution_days": settings.WORKFLOW_NODE_EXECUTION_RETENTION_DAYS,
                "app_log_days": settings.WORKFLOW_APP_LOG_RETENTION_DAYS,
                "embeddings_cache_days": settings.EMBEDDINGS_CACHE_RETENTION_DAYS,
                "orphan_upload_hours": settings.UPLOAD_FILE_ORPHAN_HOURS,
                "batch_size": settings.RETENTION_BATCH_SIZE,
                "max_run_seconds": settings.WORKFLOW_MAX_EXECUTION_TIME,
            },
            "otel": {
                "service_name": settings.OTEL_SERVICE_NAME,
                "endpoint": settings.otlp_endpoint or "",
                "protocol": settings.OTEL_EXPORTER_OTLP_PROTOCOL,
                "headers": settings.otlp_headers,
                "export_interval_ms": settings.OTEL_METRIC_EXPORT_INTERVAL,
            },
        }
    )
    wire_workflow_nodes(container)
    return container


class FreshPerCall:
    """Calls `execute` on a new use case each time: use cases hold a unit of work, which serves one
    `async with` at a time, while workflow nodes of concurrent runs share their executors."""

    def __init__(self, factory: providers.Provider) -> None:
        self._factory = factory

    async def execute(self, *args, **kwargs):
        return await self._factory().execute(*args, **kwargs)


def wire_workflow_nodes(container: Container) -> None:
    """The node executors: the built-in ones plus those that need other contexts (knowledge retrieval)."""
    executors = builtin_node_executors(
        code_runner=container.code_runner(), template_renderer=container.template_renderer(),
        http_client=container.workflow_http_client(), model_resolver=FreshPerCall(container.resolve_model),
    ).merged({
        "end": EndExecutor(), "answer": AnswerExecutor(),
        "knowledge-retrieval": KnowledgeRetrievalExecutor(container.knowledge.retrieve),
        "document-extractor": DocumentExtractorExecutor(
            container.uow, container.file_storage(), container.knowledge.extractor()
        ),
    })
    container.node_executors.override(providers.Object(executors))


async def shutdown_container(container: Container) -> None:
    """Waits for running generations, flushes telemetry and closes pools; called when the process stops."""
    await container.generations().drain(timeout=30)
    await container.chat_model_factory().aclose()
    container.trace_exporter().shutdown()
    container.meter_provider().shutdown()
    await container.engine().dispose()
