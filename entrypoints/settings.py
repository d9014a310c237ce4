"""Every setting weir reads, with Dify's names where Dify has one. Read once, in the entrypoints."""

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from urllib.parse import quote, unquote

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SERVER_VERSION = "1.13.3"  # the Dify API version weir's routes and shapes follow


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    HOST: str = "0.0.0.0"
    PORT: int = 5001
    # API processes on the one port (Dify's name). More than one needs Redis (stops, caches, run events and
    # concurrency caps are shared through it); the first process owns the embedded database.
    SERVER_WORKER_AMOUNT: int = Field(default=1, ge=1)
    STORAGE_PATH: Path = Path("storage")
    SECRET_KEY: str | None = None
    LOG_LEVEL: str = "INFO"
    LOG_OUTPUT_FORMAT: str = Field(default="text", pattern="^(text|json)$")

    DB_HOST: str | None = None
    DB_PORT: int = 5432
    DB_USERNAME: str = "postgres"
    DB_PASSWORD: str = ""
    DB_DATABASE: str = "dify"
    SQLALCHEMY_POOL_SIZE: int = 10
    SQLALCHEMY_MAX_OVERFLOW: int = 10
    SQLALCHEMY_POOL_TIMEOUT: float = Field(default=90.0, gt=0)  # seconds a transaction waits for a connection
    SQLALCHEMY_ECHO: bool = False
    MIGRATION_ENABLED: bool = True

    REDIS_URL: str | None = None
    REDIS_HOST: str | None = None
    REDIS_PORT: int = 6379
    REDIS_USERNAME: str | None = None
    REDIS_PASSWORD: str | None = None
    REDIS_DB: int = 0
    REDIS_USE_SSL: bool = False
    # A popped task is leased for this long; its worker renews the lease while the task runs, so a task
    # returns to its queue this long after its worker died (SIGKILL, lost host), never while it runs.
    QUEUE_VISIBILITY_TIMEOUT: float = 60.0
    # Workers announce themselves in Redis (weir:workers:<id>) this often, expiring after the TTL.
    WORKER_HEARTBEAT_INTERVAL: float = 5.0
    WORKER_HEARTBEAT_TTL: float = 30.0

    VECTOR_STORE: str = "pgvector"
    # VECTOR_STORE=milvus: a file path is Milvus Lite (default STORAGE_PATH/milvus.db), a URL a Milvus server.
    MILVUS_URI: str | None = None
    MILVUS_TOKEN: str = ""
    MILVUS_DATABASE: str = ""
    # On a Milvus server each collection gets an HNSW index: graph degree and build breadth (fixed when a
    # dataset's collection is created), and search breadth (raised to top_k when smaller). Lite uses FLAT.
    MILVUS_HNSW_M: int = Field(default=16, ge=2, le=2048)
    MILVUS_HNSW_EF_CONSTRUCTION: int = Field(default=200, ge=1)
    MILVUS_HNSW_EF: int = Field(default=64, ge=1)

    # An instance-wide model provider for a single-user install: used when a workspace has configured none.
    OPENAI_API_BASE: str | None = None
    OPENAI_API_KEY: str | None = None
    # Comma-separated model names served there (the first is the default for apps without a model config).
    OPENAI_MODELS: str = "gpt-4o-mini"
    PROVIDER_REQUEST_TIMEOUT: float = 300.0
    # A provider key saved in the console is first shown to the provider's model list (free); false stores keys
    # unasked (a provider not reachable from here yet).
    MODEL_PROVIDER_KEY_CHECK: bool = True
    # Simultaneous generations per app (0 = no cap); an app's max_active_requests wins.
    APP_MAX_ACTIVE_REQUESTS: int = 0
    APP_MAX_EXECUTION_TIME: int = 1200

    # Public base URL of signed file links (Dify's FILES_URL); unset: the URL the request came in on.
    FILES_URL: str | None = None
    # Public base URL of webhook trigger URLs (Dify's TRIGGER_URL); unset: the URL the console came in on.
    TRIGGER_URL: str | None = None
    # How often due schedule triggers are looked for (Dify's WORKFLOW_SCHEDULE_POLLER_INTERVAL is in minutes, 1).
    WORKFLOW_SCHEDULE_POLL_SECONDS: float = 15.0
    FILES_ACCESS_TIMEOUT: int = 300
    WORKFLOW_MAX_EXECUTION_STEPS: int = 500
    # How deep workflows may call workflows as tools (Dify's WORKFLOW_CALL_MAX_DEPTH).
    WORKFLOW_CALL_MAX_DEPTH: int = 5
    WORKFLOW_MAX_EXECUTION_TIME: int = 1200
    # http-request nodes refuse private, loopback and link-local targets unless listed here
    # (host names, addresses or networks such as 10.0.0.0/8; commas or spaces between them).
    HTTP_REQUEST_ALLOWED_HOSTS: str = ""
    # Code nodes: limits of each run (CPU seconds, address space, wall clock), and whether they may run
    # where Linux namespaces are unavailable (weaker isolation: see README, "How code nodes are isolated").
    CODE_MAX_CPU_SECONDS: int = Field(default=10, ge=1)
    CODE_MAX_MEMORY_MB: int = Field(default=256, ge=16)
    CODE_EXECUTION_TIMEOUT: float = Field(default=15.0, gt=0)
    CODE_ALLOW_WEAK_ISOLATION: bool = False
    # A run as a whole (every process and thread it starts) gets CODE_MAX_PROCESSES tasks and
    # CODE_MAX_MEMORY_MB of memory; CODE_CGROUP_PATH: a delegated cgroup v2 folder (memory and pids in its
    # cgroup.subtree_control) where each run gets its own cgroup; unset: this process's own cgroup if it
    # allows that, else a watcher of the run's process tree (README, "How code nodes are isolated").
    CODE_MAX_PROCESSES: int = Field(default=32, ge=1)
    CODE_CGROUP_PATH: str = ""
    # What python code nodes may import, as Dify's python-requirements.txt: a requirements file installed
    # into a virtualenv of its own under STORAGE_PATH/sandbox-env at first start (in the background; until
    # it is ready code runs with the standard library only); empty: the standard library only.
    CODE_EXECUTION_PYTHON_REQUIREMENTS: str = str(PROJECT_ROOT / "adapters" / "workflow" / "sandbox-requirements.txt")
    # Code nodes reach the network only through weir's egress proxy, which refuses what http-request nodes
    # refuse (private, loopback, link-local targets unless in HTTP_REQUEST_ALLOWED_HOSTS); false: no network.
    CODE_EXECUTION_ENABLE_NETWORK: bool = True
    # The largest JSON (any non-multipart) request body, in MB: a larger one is 413 request_entity_too_large
    # before it is read. Dify leaves this to nginx (client_max_body_size); uploads keep UPLOAD_*_SIZE_LIMIT.
    MAX_REQUEST_BODY_MB: int = Field(default=15, ge=1)
    UPLOAD_FILE_SIZE_LIMIT: int = 15
    UPLOAD_IMAGE_FILE_SIZE_LIMIT: int = 10
    UPLOAD_VIDEO_FILE_SIZE_LIMIT: int = 100
    UPLOAD_AUDIO_FILE_SIZE_LIMIT: int = 50
    UPLOAD_FILE_EXTENSION_BLACKLIST: str = ""  # comma-separated, e.g. "exe,bat,sh"

    # Metrics are always served at GET /metrics; traces and pushed metrics need an OTLP endpoint.
    OTEL_SERVICE_NAME: str = "weir"
    OTEL_EXPORTER_OTLP_ENDPOINT: str | None = None
    OTEL_EXPORTER_OTLP_PROTOCOL: str = Field(default="http/protobuf", pattern="^(http/protobuf|grpc)$")
    OTEL_EXPORTER_OTLP_HEADERS: str | None = None
    OTEL_METRIC_EXPORT_INTERVAL: int = 15000
    # Dify's names for the same (ENABLE_OTEL with OTLP_BASE_ENDPOINT and OTLP_API_KEY).
    # A worker records the metrics of the trace jobs it runs; set a port to let Prometheus scrape it there.
    WORKER_METRICS_PORT: int | None = None
    ENABLE_OTEL: bool = False
    OTLP_BASE_ENDPOINT: str | None = None
    OTLP_API_KEY: str | None = None

    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60
    REFRESH_TOKEN_EXPIRE_DAYS: int = 30

    # The web console (Dify's names). Origins allowed to call /console/api with cookies, comma-separated
    # (CONSOLE_WEB_URL is read when this is unset, as Dify); the Service API answers any origin, without cookies.
    CONSOLE_CORS_ALLOW_ORIGINS: str = Field(
        default="", validation_alias=AliasChoices("CONSOLE_CORS_ALLOW_ORIGINS", "CONSOLE_WEB_URL")
    )
    CONSOLE_WEB_URL: str = ""
    CONSOLE_API_URL: str = ""
    # A parent domain for the session cookies when console and API are on sibling subdomains; empty: host-only.
    COOKIE_DOMAIN: str = ""
    # The web apps (Dify's names): where their pages are served (the console's "Run App" links; unset: the URL
    # the console's request came in on, as Dify) and the origins allowed to call /api (any, by default).
    APP_WEB_URL: str = ""
    WEB_API_CORS_ALLOW_ORIGINS: str = "*"
    # Sent as X-Env on every response (the console shows it beside X-Version).
    DEPLOY_ENV: str = "PRODUCTION"

    # Retention and maintenance (./dev/start-beat). Days to keep each kind of record; 0 keeps them
    # forever (the default, as Dify). Node executions and app logs follow the runs unless set.
    MESSAGE_RETENTION_DAYS: int = 0
    WORKFLOW_RUN_RETENTION_DAYS: int = 0
    WORKFLOW_NODE_EXECUTION_RETENTION_DAYS: int | None = None
    WORKFLOW_APP_LOG_RETENTION_DAYS: int | None = None
    EMBEDDINGS_CACHE_RETENTION_DAYS: int = 0
    # Uploads never used by anything are deleted (row and bytes) after this many hours; 0 keeps them.
    UPLOAD_FILE_ORPHAN_HOURS: int = 0
    RETENTION_BATCH_SIZE: int = 1000
    # Cron strings (UTC) of the periodic jobs; an empty string turns a schedule off.
    RETENTION_CRON: str = "30 3 * * *"
    EMBEDDINGS_CACHE_CLEAN_CRON: str = "0 2 * * *"
    ORPHAN_UPLOAD_CLEAN_CRON: str = "15 * * * *"
    REAPER_CRON: str = "*/5 * * * *"
    # Human-input forms past their expiry time out (their runs take the node's timeout edge).
    HUMAN_INPUT_TIMEOUT_CRON: str = "* * * * *"
    # When ./dev/start-beat looks for due schedule triggers (with Redis; without, the API process does, every
    # WORKFLOW_SCHEDULE_POLL_SECONDS).
    SCHEDULE_TRIGGER_CRON: str = "* * * * *"
    # Each API or worker process generating answers or running workflows holds a lease it renews every third
    # of this; what a process left unfinished is marked failed once its lease lapsed (at once after a
    # restart on the same host, when its pid is gone). See domain/maintenance/leases.py.
    PROCESS_LEASE_SECONDS: float = Field(default=30.0, gt=0)

    # Console login and setup limits, counted in Redis when it is configured (shared by every API process),
    # else in this process. Dify's lockout: more than LOGIN_MAX_ERROR_LIMITS failed logins of one email
    # refuse its logins (429 email_code_login_limit) until LOGIN_LOCKOUT_DURATION seconds after the last one.
    LOGIN_MAX_ERROR_LIMITS: int = Field(default=5, ge=1)
    LOGIN_LOCKOUT_DURATION: int = Field(default=86400, ge=1)
    # Login requests (and, counted apart, setup requests) one client address may send per window of
    # LOGIN_RATE_LIMIT_WINDOW seconds; more are 429 too_many_requests. 0 turns the limit off.
    LOGIN_RATE_LIMIT_PER_IP: int = Field(default=30, ge=0)
    LOGIN_RATE_LIMIT_WINDOW: int = Field(default=60, ge=1)

    @property
    def external_database_url(self) -> str | None:
        """The DB_* database, or None for the embedded one."""
        if not self.DB_HOST:
            return None
        auth = quote(self.DB_USERNAME, safe="")
        if self.DB_PASSWORD:
            auth += ":" + quote(self.DB_PASSWORD, safe="")
        if self.DB_HOST.startswith("/"):  # a unix-socket directory
            return f"postgresql://{auth}@/{self.DB_DATABASE}?host={quote(self.DB_HOST)}&port={self.DB_PORT}"
        return f"postgresql://{auth}@{self.DB_HOST}:{self.DB_PORT}/{self.DB_DATABASE}"

    @property
    def redis_url(self) -> str | None:
        """The task queue's Redis, or None for the in-process queue."""
        if self.REDIS_URL:
            return self.REDIS_URL
        if not self.REDIS_HOST:
            return None
        scheme = "rediss" if self.REDIS_USE_SSL else "redis"
        auth = ""
        if self.REDIS_PASSWORD:
            auth = f"{quote(self.REDIS_USERNAME or '', safe='')}:{quote(self.REDIS_PASSWORD, safe='')}@"
        return f"{scheme}://{auth}{self.REDIS_HOST}:{self.REDIS_PORT}/{self.REDIS_DB}"

    @property
    def otlp_endpoint(self) -> str | None:
        if self.OTEL_EXPORTER_OTLP_ENDPOINT:
            return self.OTEL_EXPORTER_OTLP_ENDPOINT
        return self.OTLP_BASE_ENDPOINT if self.ENABLE_OTEL and self.OTLP_BASE_ENDPOINT else None

    @property
    def otlp_headers(self) -> dict[str, str]:
        headers = {}
        for pair in (self.OTEL_EXPORTER_OTLP_HEADERS or "").split(","):
            key, _, value = pair.partition("=")
            if key.strip() and value:
                headers[key.strip()] = unquote(value.strip())
        if self.OTLP_API_KEY and "authorization" not in {k.lower() for k in headers}:
            headers["authorization"] = f"Bearer {self.OTLP_API_KEY}"
        return headers

    @property
    def http_request_allowed_hosts(self) -> tuple[str, ...]:
        return tuple(h for h in self.HTTP_REQUEST_ALLOWED_HOSTS.replace(",", " ").split() if h)

    @property
    def upload_blacklist(self) -> frozenset[str]:
        return frozenset(
            e.strip().lower().lstrip(".") for e in self.UPLOAD_FILE_EXTENSION_BLACKLIST.split(",") if e.strip()
        )

    def secret_key(self) -> str:
        """SECRET_KEY, else one generated once into the storage folder (never into the repository)."""
        if self.SECRET_KEY:
            return self.SECRET_KEY
        path = self.STORAGE_PATH / "secret_key"
        if not path.exists():
            # Written aside, then linked into place: processes starting together on a new storage folder (the
            # API processes of SERVER_WORKER_AMOUNT, a worker beside the API) agree on the first key linked, and
            # none reads a file another has created but not yet written (an empty key).
            self.STORAGE_PATH.mkdir(parents=True, exist_ok=True)
            fd, draft = tempfile.mkstemp(prefix=".secret_key.", dir=self.STORAGE_PATH)  # mode 0600
            try:
                with os.fdopen(fd, "w") as file:
                    file.write(secrets.token_urlsafe(42))
                with contextlib.suppress(FileExistsError):
                    os.link(draft, path)
            finally:
                os.unlink(draft)
        return path.read_text().strip()

    def container_config(self, database_url: str, embedded_database: bool) -> dict:
        """The settings as the container's configuration, one section per context (entrypoints/container.py)."""
        return {
            "database": {
                "url": database_url,
                "embedded": embedded_database,
                "pool_size": self.SQLALCHEMY_POOL_SIZE,
                "max_overflow": self.SQLALCHEMY_MAX_OVERFLOW,
                "pool_timeout": self.SQLALCHEMY_POOL_TIMEOUT,
                "echo": self.SQLALCHEMY_ECHO,
            },
            "queue": {"kind": "redis" if self.redis_url else "memory", "redis_url": self.redis_url or ""},
            "vector_store": self.VECTOR_STORE,
            "secret_key": self.secret_key(),
            "access_token_minutes": self.ACCESS_TOKEN_EXPIRE_MINUTES,
            "refresh_token_days": self.REFRESH_TOKEN_EXPIRE_DAYS,
            "console": {
                "cors_origins": self.CONSOLE_CORS_ALLOW_ORIGINS,
                "cookie_domain": self.COOKIE_DOMAIN.strip().removeprefix("."),
                # Secure cookies (with the __Host- prefix when no domain is set) only when both ends are https.
                "secure_cookies": self.CONSOLE_WEB_URL.startswith("https") and self.CONSOLE_API_URL.startswith("https"),
                "deploy_env": self.DEPLOY_ENV,
                "app_web_url": self.APP_WEB_URL.strip().rstrip("/"),
                "console_web_url": self.CONSOLE_WEB_URL.strip().rstrip("/"),
                "web_api_cors_origins": self.WEB_API_CORS_ALLOW_ORIGINS,
            },
            "login": {
                "max_failures": self.LOGIN_MAX_ERROR_LIMITS,
                "lockout_seconds": self.LOGIN_LOCKOUT_DURATION,
                "requests_per_ip": self.LOGIN_RATE_LIMIT_PER_IP,
                "ip_window_seconds": self.LOGIN_RATE_LIMIT_WINDOW,
            },
            "models": {
                "openai_base": self.OPENAI_API_BASE or "",
                "openai_key": self.OPENAI_API_KEY or "",
                "openai_models": self.OPENAI_MODELS,
                "provider_timeout": self.PROVIDER_REQUEST_TIMEOUT,
                "key_check": self.MODEL_PROVIDER_KEY_CHECK,
            },
            "chat": {
                "default_active_requests": self.APP_MAX_ACTIVE_REQUESTS,
                "max_execution_seconds": self.APP_MAX_EXECUTION_TIME,
            },
            "http": {"max_request_body_mb": self.MAX_REQUEST_BODY_MB},
            "storage_path": self.STORAGE_PATH,
            "files_url": self.FILES_URL or "",
            "triggers": {
                "base_url": self.TRIGGER_URL or "", "schedule_poll_seconds": self.WORKFLOW_SCHEDULE_POLL_SECONDS,
            },
            "files_access_timeout": self.FILES_ACCESS_TIMEOUT,
            "uploads": {
                "file_mb": self.UPLOAD_FILE_SIZE_LIMIT,
                "image_mb": self.UPLOAD_IMAGE_FILE_SIZE_LIMIT,
                "video_mb": self.UPLOAD_VIDEO_FILE_SIZE_LIMIT,
                "audio_mb": self.UPLOAD_AUDIO_FILE_SIZE_LIMIT,
                "blacklist": self.upload_blacklist,
            },
            "workflow": {
                # Code nodes never see weir's own files, its data or home folders.
                "hidden_paths": (str(PROJECT_ROOT), str(self.STORAGE_PATH.resolve()), "/root", "/home"),
                "allowed_hosts": self.http_request_allowed_hosts,
                "max_steps": self.WORKFLOW_MAX_EXECUTION_STEPS,
                "max_seconds": float(self.WORKFLOW_MAX_EXECUTION_TIME),
                "code": {
                    "cpu_seconds": self.CODE_MAX_CPU_SECONDS,
                    "memory_bytes": self.CODE_MAX_MEMORY_MB * 2**20,
                    "wall_seconds": self.CODE_EXECUTION_TIMEOUT,
                    "allow_weak_isolation": self.CODE_ALLOW_WEAK_ISOLATION,
                    "max_processes": self.CODE_MAX_PROCESSES,
                    "cgroup_path": self.CODE_CGROUP_PATH,
                    "python_requirements": self.CODE_EXECUTION_PYTHON_REQUIREMENTS,
                    "environment_root": str(self.STORAGE_PATH.resolve() / "sandbox-env"),
                    "enable_network": self.CODE_EXECUTION_ENABLE_NETWORK,
                },
            },
            "tools": {"max_call_depth": self.WORKFLOW_CALL_MAX_DEPTH, "allowed_hosts": self.http_request_allowed_hosts},
            "knowledge": {
                "vector_store": self.VECTOR_STORE,
                "storage_path": str(self.STORAGE_PATH),
                "milvus": {
                    "uri": self.MILVUS_URI or "",
                    "token": self.MILVUS_TOKEN,
                    "database": self.MILVUS_DATABASE,
                    "hnsw_m": self.MILVUS_HNSW_M,
                    "hnsw_ef_construction": self.MILVUS_HNSW_EF_CONSTRUCTION,
                    "hnsw_ef": self.MILVUS_HNSW_EF,
                },
            },
            "maintenance": {
                "message_days": self.MESSAGE_RETENTION_DAYS,
                "workflow_run_days": self.WORKFLOW_RUN_RETENTION_DAYS,
                "node_execution_days": self.WORKFLOW_NODE_EXECUTION_RETENTION_DAYS,
                "app_log_days": self.WORKFLOW_APP_LOG_RETENTION_DAYS,
                "embeddings_cache_days": self.EMBEDDINGS_CACHE_RETENTION_DAYS,
                "orphan_upload_hours": self.UPLOAD_FILE_ORPHAN_HOURS,
                "batch_size": self.RETENTION_BATCH_SIZE,
                "max_run_seconds": self.WORKFLOW_MAX_EXECUTION_TIME,
                "lease_seconds": self.PROCESS_LEASE_SECONDS,
            },
            "otel": {
                "service_name": self.OTEL_SERVICE_NAME,
                "endpoint": self.otlp_endpoint or "",
                "protocol": self.OTEL_EXPORTER_OTLP_PROTOCOL,
                "headers": self.otlp_headers,
                "export_interval_ms": self.OTEL_METRIC_EXPORT_INTERVAL,
            },
        }
