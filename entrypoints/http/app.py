"""The Quart application: Service API under /v1, console API under /console/api, /health."""

import asyncio
import importlib
import logging
from datetime import timedelta

from quart import Quart
from taskiq import InMemoryBroker

from entrypoints.container import Container, shutdown_container
from entrypoints.http import file_preview, mcp_server, web_app, webhooks
from entrypoints.http.console import annotations as console_annotations
from entrypoints.http.console import (
    api_keys,
    api_tools,
    apps,
    debug_chat,
    draft_nodes,
    draft_runs,
    draft_variables,
    features,
    logs,
    mcp_providers,
    mcp_servers,
    models,
    monitoring,
    not_installed,
    session,
    setup,
    tags,
    tools,
    workflow_runs,
    workflow_tools,
    workflow_versions,
    workflows,
    workspace,
)
from entrypoints.http.console import datasets as console_datasets
from entrypoints.http.console import explore as console_explore
from entrypoints.http.console import files as console_files
from entrypoints.http.console import sites as console_sites
from entrypoints.http.console import triggers as console_triggers
from entrypoints.http.console.knowledge import mount_knowledge_on_console
from entrypoints.http.cors import register_cors
from entrypoints.http.dataset_api import (
    datasets,
    document_files,
    documents,
    metadata,
    processing,
    retrieval,
    segments,
)
from entrypoints.http.dataset_api import tags as dataset_tags
from entrypoints.http.errors import register_error_handlers
from entrypoints.http.health import bp as health_bp
from entrypoints.http.limits import MULTIPART_OVERHEAD_BYTES, bounded_request_class, refuse_declared_oversize
from entrypoints.http.metrics import bp as metrics_bp
from entrypoints.http.query import check_url
from entrypoints.http.request_log import register_request_log
from entrypoints.http.service_api import (
    annotations,
    app_info,
    audio,
    chat,
    conversations,
    feedback,
    files,
    human_input,
)
from entrypoints.http.service_api import workflows as service_workflows
from entrypoints.http.version_headers import register_version_headers
from entrypoints.settings import SERVER_VERSION
from entrypoints.worker.knowledge_tasks import recover_lost_documents

UPLOAD_LIMITS = ("file_mb", "image_mb", "video_mb", "audio_mb")
FORM_TIMEOUT_SWEEP_SECONDS = 60


async def repeat(seconds: float, job, what: str) -> None:
    """Without Redis no scheduler runs: this process does the beat's periodic work itself, now and every
    `seconds` (timing out human-input forms nobody answered, firing due schedule triggers)."""
    while True:
        try:
            await job()
        except Exception:  # the database away for a moment: the next round tries again
            logging.getLogger("weir.workflow").warning("could not %s", what, exc_info=True)
        await asyncio.sleep(seconds)


def create_app(container: Container) -> Quart:
    app = Quart("weir")
    app.config["SERVER_VERSION"] = SERVER_VERSION
    json_max = container.config.http.max_request_body_mb() * 2**20
    multipart_max = max(container.config.uploads()[k] for k in UPLOAD_LIMITS) * 2**20 + MULTIPART_OVERHEAD_BYTES
    app.config["MAX_CONTENT_LENGTH"] = max(json_max, multipart_max)
    app.request_class = bounded_request_class(json_max, multipart_max)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.extensions["weir.container"] = container

    app.register_blueprint(health_bp)
    app.register_blueprint(metrics_bp)
    app.register_blueprint(file_preview.bp)
    app.register_blueprint(app_info.bp, url_prefix="/v1")
    service_bps = (
        annotations.bp,
        audio.bp,
        chat.bp,
        conversations.bp,
        feedback.bp,
        files.bp,
        service_workflows.bp,
        human_input.bp,
    )
    for service_bp in service_bps:
        app.register_blueprint(service_bp, url_prefix="/v1")
    knowledge_bps = (
        datasets.bp,
        document_files.bp,
        documents.bp,
        metadata.bp,
        processing.bp,
        retrieval.bp,
        segments.bp,
        dataset_tags.bp,
    )
    for knowledge_bp in knowledge_bps:
        app.register_blueprint(knowledge_bp, url_prefix="/v1")
    app.register_blueprint(mcp_server.bp)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(web_app.bp, url_prefix="/api")
    app.register_blueprint(web_app.explore_bp, url_prefix="/console/api/installed-apps/<uuid:installed_app_id>")
    console_bps = (
        setup.bp,
        session.bp,
        features.bp,
        workspace.bp,
        not_installed.bp,
        tags.bp,
        console_datasets.bp,
        console_files.bp,
        apps.bp,
        api_keys.bp,
        models.bp,
        workflows.bp,
        tools.bp,
        api_tools.bp,
        workflow_tools.bp,
        mcp_providers.bp,
        mcp_servers.bp,
        console_annotations.bp,
        monitoring.bp,
        logs.bp,
        debug_chat.bp,
        workflow_versions.bp,
        draft_runs.bp,
        workflow_runs.bp,
        draft_nodes.bp,
        draft_variables.bp,
        console_triggers.bp,
        console_sites.bp,
        console_explore.bp,
    )
    for console_bp in console_bps:
        app.register_blueprint(console_bp, url_prefix="/console/api")
    mount_knowledge_on_console(app)

    register_request_log(app)  # first: every later hook, route and error has the request's id
    console_settings = container.config.console()
    register_cors(app, console_settings["cors_origins"], "*", console_settings["web_api_cors_origins"])
    register_version_headers(app, SERVER_VERSION, console_settings["deploy_env"])
    # Every hook is a coroutine function: Quart runs a plain function hook in its thread pool (a thread hop per
    # request, each hook).
    app.before_request(refuse_declared_oversize)
    app.before_request(check_url)
    register_error_handlers(app)

    broker = container.broker()

    @app.before_serving
    async def start_queue() -> None:
        # The in-process broker runs tasks in this process, with this container.
        broker.state.container = container
        await broker.startup()
        if container.config.vector_store() == "milvus":
            # pymilvus loads lazily (seconds, 100+ MB) so processes without Milvus never pay for it; with Milvus
            # it is loaded now, off the loop, so the first health check or search does not pay it in its budget.
            await asyncio.to_thread(importlib.import_module, "adapters.vectorstores.milvus")
        await recover_lost_documents(container.knowledge, isinstance(broker, InMemoryBroker))
        # This process's lease, then what dead processes left generating or running is marked failed.
        await container.maintenance.process_lease().start()
        if isinstance(broker, InMemoryBroker):
            # No beat runs beside the in-process broker: finish app deletions an earlier process left half-done.
            await container.maintenance.resume_app_deletions(stalled_after=timedelta(0)).execute()
            # ... and do the beat's periodic work here: time out human-input forms, fire due schedules.
            workflows = container.workflows
            app.extensions["weir.periodic"] = [
                asyncio.create_task(
                    repeat(FORM_TIMEOUT_SWEEP_SECONDS, lambda: workflows.expire_human_input_forms().execute(),
                           "time out human-input forms")
                ),
                asyncio.create_task(
                    repeat(container.config.triggers.schedule_poll_seconds(),
                           lambda: workflows.fire_due_schedules().execute(), "fire due schedule triggers")
                ),
            ]

    @app.after_serving
    async def stop_queue_and_pools() -> None:
        for periodic in app.extensions.pop("weir.periodic", []):
            periodic.cancel()
        if isinstance(broker, InMemoryBroker):
            await drain_in_memory(broker)
        await broker.shutdown()
        await shutdown_container(container)

    return app


async def drain_in_memory(broker: InMemoryBroker) -> None:
    """Waits for the in-process tasks, and for the tasks they start meanwhile.

    None is abandoned at shutdown: wait_all awaits only the tasks running when it is called, and a run or chat task
    sends its trace job as it ends; a trace job left running after shutdown holds its claim's transaction open into
    whatever the loop does next. Each round gives the loop a turn: a task that has just finished leaves the broker's
    set by a callback the loop has yet to run, and awaiting a finished task does not yield, so without the turn the
    loop would spin on that task for ever (seen: a suite worker at full CPU in its app's shutdown)."""
    while broker._running_tasks:
        await broker.wait_all()
        await asyncio.sleep(0)
