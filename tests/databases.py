"""Databases of the suite's embedded PostgreSQL: a fresh one per purpose, emptied between tests."""

import psycopg
from psycopg import sql

from adapters.persistence.schema import metadata


def create_database(admin_url: str, name: str) -> str:
    """A new empty database (dropped first if it exists) on the server of `admin_url`; its URL."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return admin_url.replace("/weir?", f"/{name}?", 1)


def truncate_all(url: str) -> None:
    """Empties every table. A session the finished test left open (a background task of a server it stopped
    mid-transaction) would block TRUNCATE forever: sessions idle in a transaction are ended first, and the lock wait is
    bounded so a leak fails loudly instead of hanging the suite."""
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
        )
        conn.execute("SET lock_timeout = '30s'")
        conn.execute(f"TRUNCATE {names} CASCADE")
