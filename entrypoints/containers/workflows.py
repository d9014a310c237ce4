"""Wiring of the workflows context: node executors and their sandboxes, drafts, DSL, runs and run logs."""

from dependency_injector import containers, providers

from adapters.dsl.yaml_codec import YamlDslCodec
from adapters.queue.workflow_run_dispatcher import TaskiqWorkflowRunQueue
from adapters.workflow.cron_calendar import CroniterCalendar
from adapters.workflow.egress_proxy import EgressProxy
from adapters.workflow.httpx_client import HttpxHttpClient
from adapters.workflow.jinja_renderer import SandboxedJinjaRenderer
from adapters.workflow.json_repair import repair_json_text
from adapters.workflow.sandbox_env import SandboxEnvironment
from adapters.workflow.subprocess_code_runner import SubprocessCodeRunner
from application.agents.toolbox import InvokeThrough
from application.workflows.app_dsl import ConfirmImport, ExportAppDsl, ImportAppDsl
from application.workflows.app_triggers import (
    DraftWebhooks,
    EnableAppTrigger,
    GetWebhookTrigger,
    ListAppTriggers,
    PublishedTriggers,
)
from application.workflows.copy_app import CopyApp
from application.workflows.debug_triggers import CatchDebugWebhook, NextDebugTrigger
from application.workflows.draft_parts import InspectDraftVariables, UpdateDraftPart
from application.workflows.edit_draft_variable import EditDraftVariable
from application.workflows.expire_human_input_forms import ExpireHumanInputForms
from application.workflows.fire_triggers import FireDueSchedules, HandleWebhook, TriggerEndUsers
from application.workflows.get_human_input_form import GetHumanInputForm
from application.workflows.import_dsl_from_url import ImportAppDslFromUrl
from application.workflows.manage_workflow import GetDraft, PublishWorkflow, SyncDraft
from application.workflows.nodes.agent import AgentExecutor
from application.workflows.nodes.document_extractor import DocumentExtractorExecutor
from application.workflows.nodes.http_request import HttpRequestExecutor
from application.workflows.nodes.knowledge_retrieval import KnowledgeRetrievalExecutor
from application.workflows.nodes.llm import LlmExecutor
from application.workflows.nodes.parameter_extractor import ParameterExtractorExecutor
from application.workflows.nodes.question_classifier import QuestionClassifierExecutor
from application.workflows.nodes.registry import BuiltinNodeExecutors, builtin_node_executors
from application.workflows.nodes.response_nodes import AnswerExecutor, EndExecutor
from application.workflows.nodes.tool import ToolNodeExecutor
from application.workflows.nodes.vision import NodeVision
from application.workflows.parsed_graphs import ParsedGraphs
from application.workflows.pause_run import PauseRun
from application.workflows.published_versions import (
    DeleteVersion,
    ListPublishedVersions,
    RestoreVersion,
    UpdateVersionMarks,
)
from application.workflows.queries import GetWorkflowRun, ListWorkflowLogs, ReadRunEvents
from application.workflows.resume_run import ResumeWorkflowRun
from application.workflows.run_chatflow import RunChatflow
from application.workflows.run_draft_node import LastNodeRun, RunDraftNode
from application.workflows.run_history import CountRuns, GetRunWithRunner, ListRunHistory, ListRunNodes
from application.workflows.run_workflow import RunWorkflow
from application.workflows.start_async_run import StartAsyncWorkflowRun
from application.workflows.submit_human_input_form import SubmitHumanInputForm
from application.workflows.wake_paused_run import WakePausedRun
from application.workflows.webhook_files import WebhookFiles
from domain.workflows.engine import ENGINE_TYPES, Limits


def node_executors(
    *,
    retrieve,
    uow_factory,
    load_file_content,
    image_parts,
    extractor,
    invoke_tool,
    store_tool_files,
    tool_providers,
    mcp_client,
    **builtin,
) -> BuiltinNodeExecutors:
    """The built-in executors plus those that reach other contexts (knowledge retrieval, files, vision, tools)."""
    vision = NodeVision(uow_factory, image_parts)
    tool = ToolNodeExecutor(invoke_tool, store_tool_files, uow_factory)
    agent = AgentExecutor(
        builtin["model_resolver"], tool_providers, InvokeThrough(invoke_tool), store_tool_files, uow_factory, mcp_client
    )
    return builtin_node_executors(**builtin, tool=tool, agent=agent).merged(
        {
            "end": EndExecutor(),
            "answer": AnswerExecutor(),
            "knowledge-retrieval": KnowledgeRetrievalExecutor(retrieve),
            "document-extractor": DocumentExtractorExecutor(uow_factory, load_file_content, extractor),
            "http-request": HttpRequestExecutor(
                builtin["http_client"],
                uow=uow_factory,
                files=load_file_content,
                answer_files=store_tool_files,
                repair_json=repair_json_text,
            ),
            "llm": LlmExecutor(builtin["model_resolver"], builtin["template_renderer"], vision),
            "question-classifier": QuestionClassifierExecutor(builtin["model_resolver"], vision),
            "parameter-extractor": ParameterExtractorExecutor(builtin["model_resolver"], vision),
        }
    )


def sandbox_environment(requirements: str, root: str) -> SandboxEnvironment | None:
    """CODE_EXECUTION_PYTHON_REQUIREMENTS, empty: no packages environment (the standard library only)."""
    return SandboxEnvironment(requirements, root) if requirements else None


def egress_proxy(enabled: bool, allowed_hosts) -> EgressProxy | None:
    """CODE_EXECUTION_ENABLE_NETWORK=false: no proxy, so code nodes have no network at all."""
    return EgressProxy(allowed_hosts) if enabled else None


def importable_types(executors: BuiltinNodeExecutors) -> frozenset[str]:
    return executors.types() | ENGINE_TYPES


class WorkflowsContainer(containers.DeclarativeContainer):
    # Given by the root container (entrypoints/container.py).
    config = providers.Configuration()
    uow_factory = providers.Dependency()
    clock = providers.Dependency()
    ids = providers.Dependency()
    broker = providers.Dependency()
    stop_signals = providers.Dependency()
    trace_dispatcher = providers.Dependency()
    record_workflow_trace = providers.Dependency()  # the telemetry context's: a run records its own trace
    caller_cache = providers.Dependency()  # the root's CallerCache: published workflows, forgotten on publish
    run_event_log = providers.Dependency()
    generations = providers.Dependency()
    file_storage = providers.Dependency()
    resolve_model = providers.Dependency()  # the chat context's ResolveModel (llm and friends)
    retrieve = providers.Dependency()  # the knowledge context's Retrieve (knowledge-retrieval)
    extractor = providers.Dependency()  # the knowledge context's text extractor (document-extractor)
    process_lease = providers.Dependency()  # the maintenance context's ProcessLease
    invoke_tool = providers.Dependency()  # the tools context's InvokeTool (tool node)
    store_tool_files = providers.Dependency()  # the tools context's StoreToolFiles
    resolve_files = providers.Dependency()  # the root's file services (file inputs, sys.files, vision)
    load_file_content = providers.Dependency()
    image_parts = providers.Dependency()
    prepare_sent_files = providers.Dependency()
    tool_providers = providers.Dependency()  # the tools context's ToolProviders (agent node)
    mcp_client = providers.Dependency()  # the tools context's McpClient (servers an agent node names)
    secret_tokens = providers.Dependency()  # the root's SecretTokenGenerator (human-input form tokens)
    pending_imports = providers.Dependency()  # the root's PendingImports (Redis or this process)
    webhook_debug_inbox = providers.Dependency()  # the root's WebhookDebugInbox (Redis or this process)

    code_runner = providers.Singleton(
        SubprocessCodeRunner,
        cpu_seconds=config.code.cpu_seconds,
        memory_bytes=config.code.memory_bytes,
        wall_seconds=config.code.wall_seconds,
        hidden_paths=config.hidden_paths,
        max_processes=config.code.max_processes,
        cgroup_path=config.code.cgroup_path,
        allow_weak_isolation=config.code.allow_weak_isolation,
        probe_at_start=True,  # also starts building the packages' environment, in the background
        environment=providers.Singleton(
            sandbox_environment, config.code.python_requirements, config.code.environment_root
        ),
        egress=providers.Singleton(egress_proxy, config.code.enable_network, config.allowed_hosts),
    )
    template_renderer = providers.Singleton(SandboxedJinjaRenderer)
    http_client = providers.Singleton(HttpxHttpClient, allowed_hosts=config.allowed_hosts)
    executors = providers.Singleton(
        node_executors,
        code_runner=code_runner,
        template_renderer=template_renderer,
        http_client=http_client,
        model_resolver=resolve_model,
        retrieve=retrieve,
        uow_factory=uow_factory,
        load_file_content=load_file_content,
        image_parts=image_parts,
        extractor=extractor,
        invoke_tool=invoke_tool,
        store_tool_files=store_tool_files,
        tool_providers=tool_providers,
        mcp_client=mcp_client.provider,  # made when an agent node first names an MCP server
    )
    limits = providers.Singleton(Limits, max_steps=config.max_steps, max_seconds=config.max_seconds)
    run_queue = providers.Singleton(TaskiqWorkflowRunQueue, broker)
    dsl_codec = providers.Singleton(YamlDslCodec)

    # Triggers (webhook URLs of drafts, the published workflow's triggers, the runs they start).
    cron_calendar = providers.Singleton(CroniterCalendar)
    draft_webhooks = providers.Factory(DraftWebhooks, ids, secret_tokens, clock)
    published_triggers = providers.Factory(PublishedTriggers, ids, cron_calendar, clock)
    list_app_triggers = providers.Factory(ListAppTriggers, uow_factory)
    enable_app_trigger = providers.Factory(EnableAppTrigger, uow_factory, published_triggers, clock)
    get_webhook_trigger = providers.Factory(GetWebhookTrigger, uow_factory)
    trigger_end_users = providers.Factory(TriggerEndUsers, uow_factory, clock, ids)
    upload_file = providers.Dependency()  # the root's UploadFileForApp (a webhook call's files)
    webhook_files = providers.Factory(WebhookFiles, upload_file, resolve_files)
    catch_debug_webhook = providers.Factory(CatchDebugWebhook, uow_factory, webhook_debug_inbox, webhook_files)
    next_debug_trigger = providers.Factory(NextDebugTrigger, uow_factory, webhook_debug_inbox)

    sync_draft = providers.Factory(SyncDraft, uow_factory, clock, ids, draft_webhooks)
    get_draft = providers.Factory(GetDraft, uow_factory)
    list_published_versions = providers.Factory(ListPublishedVersions, uow_factory)
    update_version_marks = providers.Factory(UpdateVersionMarks, uow_factory)
    delete_version = providers.Factory(DeleteVersion, uow_factory)
    restore_version = providers.Factory(RestoreVersion, uow_factory, clock, ids, draft_webhooks)
    publish_workflow = providers.Factory(PublishWorkflow, uow_factory, clock, ids, caller_cache, published_triggers)
    export_app_dsl = providers.Factory(ExportAppDsl, uow_factory, dsl_codec)
    import_app_dsl = providers.Factory(
        ImportAppDsl, uow_factory, dsl_codec, clock, ids, providers.Callable(importable_types, executors),
        pending_imports, caller_cache, draft_webhooks, published_triggers,
    )
    confirm_import = providers.Factory(ConfirmImport, import_app_dsl, pending_imports, dsl_codec)
    copy_app = providers.Factory(CopyApp, export_app_dsl, import_app_dsl)
    import_app_dsl_from_url = providers.Factory(ImportAppDslFromUrl, http_client, import_app_dsl, ids)
    get_workflow_run = providers.Factory(GetWorkflowRun, uow_factory)
    list_workflow_logs = providers.Factory(ListWorkflowLogs, uow_factory)
    read_run_events = providers.Factory(ReadRunEvents, uow_factory, run_event_log)
    # Human input: paused runs, their forms, and their resumption from the `workflow` queue.
    wake_paused_run = providers.Factory(WakePausedRun, uow_factory, run_queue, process_lease, clock, ids)
    pause_run = providers.Factory(PauseRun, uow_factory, secret_tokens, wake_paused_run, clock, ids)
    get_human_input_form = providers.Factory(GetHumanInputForm, uow_factory, clock)
    submit_human_input_form = providers.Factory(SubmitHumanInputForm, uow_factory, wake_paused_run, clock)
    expire_human_input_forms = providers.Factory(ExpireHumanInputForms, uow_factory, wake_paused_run, clock)

    parsed_graphs = providers.Singleton(ParsedGraphs)  # one per process: a version's graph is parsed once
    run_workflow = providers.Factory(
        RunWorkflow, uow_factory, executors, stop_signals, trace_dispatcher, run_event_log, generations, clock,
        ids, limits, process_lease, pause_run, resolve_files, parsed_graphs, record_workflow_trace,
        caller_cache,
    )
    # The workflow editor: its run history, and a node of the draft run on its own.
    list_run_history = providers.Factory(ListRunHistory, uow_factory)
    count_runs = providers.Factory(CountRuns, uow_factory, clock)
    get_run_with_runner = providers.Factory(GetRunWithRunner, uow_factory)
    list_run_nodes = providers.Factory(ListRunNodes, uow_factory)
    run_draft_node = providers.Factory(
        RunDraftNode, uow_factory, executors, clock, ids, limits, stop_signals, run_event_log, generations
    )
    last_node_run = providers.Factory(LastNodeRun, uow_factory)
    update_draft_part = providers.Factory(UpdateDraftPart, uow_factory, clock)
    inspect_draft_variables = providers.Factory(InspectDraftVariables, uow_factory, clock)
    edit_draft_variable = providers.Factory(EditDraftVariable, uow_factory, clock)
    start_async_run = providers.Factory(StartAsyncWorkflowRun, run_workflow, run_queue, generations)
    handle_webhook = providers.Factory(HandleWebhook, uow_factory, start_async_run, trigger_end_users, webhook_files)
    fire_due_schedules = providers.Factory(
        FireDueSchedules, uow_factory, start_async_run, trigger_end_users, cron_calendar, clock
    )
    run_chatflow = providers.Factory(
        RunChatflow,
        uow_factory,
        run_workflow,
        stop_signals,
        trace_dispatcher,
        run_event_log,
        generations,
        clock,
        ids,
        process_lease,
        prepare_sent_files,
    )
    resume_workflow_run = providers.Factory(
        ResumeWorkflowRun, uow_factory, run_workflow, run_chatflow, run_event_log, stop_signals, process_lease
    )
