import time

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

# A connection back in the pool for longer than this is pinged before it is handed out again (a server restart
# or an idle timeout may have closed it); one that was in use a moment ago is not. SQLAlchemy's pool_pre_ping
# pings on every checkout: a round trip per transaction, which on a chat (4 transactions) is most of the time
# PostgreSQL spends on it. Under load connections are reused within milliseconds and never pay the ping.
PING_AFTER_IDLE_SECONDS = 5.0


def async_url(url: str) -> str:
    """The same database through psycopg 3's async driver."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    raise ValueError(f"not a PostgreSQL URL: {url.split('@')[-1]}")


# How long a transaction waits for a pooled connection before it is refused (503, Retry-After). Transactions are
# milliseconds long, but a loop saturated by a thousand open streams takes turns slowly: waiting longer than
# SQLAlchemy's 30 s lets every request through instead of refusing some after the queue has already formed.
POOL_TIMEOUT_SECONDS = 90.0


def make_engine(
    url: str,
    pool_size: int = 10,
    max_overflow: int = 10,
    echo: bool = False,
    pool_timeout: float = POOL_TIMEOUT_SECONDS,
) -> AsyncEngine:
    engine = create_async_engine(
        async_url(url), pool_size=pool_size, max_overflow=max_overflow, echo=echo, pool_timeout=pool_timeout
    )
    ping_idle_connections(engine, PING_AFTER_IDLE_SECONDS)
    return engine


def make_unpooled_engine(url: str) -> AsyncEngine:
    """An engine that opens a connection for each use and closes it after: for the process's lease, renewed
    every few seconds, which must never wait behind requests for a pooled connection (a lease that lapsed under
    load let another process's reaper fail live work). It holds no connection between renewals, so the pool's
    cap stays what it was configured to be."""
    return create_async_engine(async_url(url), poolclass=NullPool)


def ping_idle_connections(engine: AsyncEngine, idle_seconds: float, clock=time.monotonic) -> None:
    """Pessimistic disconnect handling, only for connections that sat idle: a failed ping makes the pool throw
    the connection away and hand out a fresh one (DisconnectionError), so no caller sees a stale connection."""
    pool_events = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    @event.listens_for(pool_events, "checkin")
    def _returned(dbapi_connection, record) -> None:
        record.info["weir_idle_since"] = clock()

    @event.listens_for(pool_events, "checkout")
    def _handed_out(dbapi_connection, record, proxy) -> None:
        since = record.info.get("weir_idle_since")
        if since is None or clock() - since < idle_seconds:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.DisconnectionError("idle connection failed its ping") from error
        if not alive:
            raise exc.DisconnectionError("idle connection failed its ping")


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
