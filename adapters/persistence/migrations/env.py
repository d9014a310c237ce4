import os

from alembic import context
from sqlalchemy import create_engine, pool

from adapters.persistence import maintenance_indexes  # noqa: F401  (its indexes live on the shared metadata)
from adapters.persistence.engine import async_url
from adapters.persistence.schema import metadata


def _url() -> str:
    url = context.config.attributes.get("url") or os.environ.get("WEIR_DATABASE_URL")
    if not url:
        raise RuntimeError("set WEIR_DATABASE_URL (or run `weir db upgrade`, which finds the database itself)")
    return async_url(url)  # psycopg 3 serves sync connections from the same URL


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
