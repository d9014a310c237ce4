"""Statements sent as SQL text on the session's own psycopg connection, for the rows written on every request's
hot path (a workflow run, its app log, node rows and trace keys; a chat's writes through RawStatement).

A Core statement executed through the session is built, cache-keyed and compiled on every call, and each call
crosses the greenlet bridge a few times: on a run's two small transactions that was most of the request's CPU.
These statements are made once from the tables, run in the session's transaction (so commit, rollback and the
unit of work's rules stay the session's), and psycopg prepares them after a few uses. A lost connection is
invalidated in the pool and surfaces as StoreUnavailable, as through the session.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy import JSON, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from domain.shared.errors import StoreUnavailable

_DIALECT = postgresql.dialect()
_quote = _DIALECT.identifier_preparer.quote
_CACHED = "weir.driver_connection"  # in session.info: (transaction, AsyncConnection, psycopg connection)

Params = Mapping[str, Any]


def insert_sql(table: Table, columns: Sequence[str], *, on_conflict: str = "", returning: str = "") -> str:
    """`INSERT INTO table (columns) VALUES (%(column)s, …)`, with an optional ON CONFLICT and RETURNING clause."""
    names = ", ".join(_quote(c) for c in columns)
    values = ", ".join(f"%({c})s" for c in columns)
    sql = f"INSERT INTO {_quote(table.name)} ({names}) VALUES ({values})"
    return " ".join(part for part in (sql, on_conflict, returning) if part)


def upsert_sql(table: Table, columns: Sequence[str], key: str, keep: Iterable[str] = ()) -> str:
    """An insert that, on a row with the same `key`, sets every other column but `keep` to the new values."""
    kept = {key, *keep}
    assignments = ", ".join(f"{_quote(c)} = EXCLUDED.{_quote(c)}" for c in columns if c not in kept)
    return insert_sql(table, columns, on_conflict=f"ON CONFLICT ({_quote(key)}) DO UPDATE SET {assignments}")


def update_sql(table: Table, columns: Sequence[str], key: str = "id") -> str:
    """`UPDATE table SET column = %(column)s, … WHERE key = %(key)s`."""
    assignments = ", ".join(f"{_quote(c)} = %({c})s" for c in columns if c != key)
    return f"UPDATE {_quote(table.name)} SET {assignments} WHERE {_quote(key)} = %({key})s"


def unnest_insert_sql(table: Table, columns: Sequence[str], *, on_conflict: str = "") -> str:
    """`INSERT INTO table (columns) SELECT * FROM unnest(%b::type[], …)`: many rows in one statement, one array a
    column (unnest_params) sent in binary, instead of a statement a row; PostgreSQL plans and runs it once, and
    psycopg packs each array without quoting its values (half the client CPU of executemany a row)."""
    names = ", ".join(_quote(c) for c in columns)
    arrays = ", ".join(f"%b::{table.c[c].type.compile(dialect=_DIALECT)}[]" for c in columns)
    sql = f"INSERT INTO {_quote(table.name)} ({names}) SELECT * FROM unnest({arrays})"
    return " ".join(part for part in (sql, on_conflict) if part)


def unnest_params(table: Table, columns: Sequence[str], rows: Sequence[Params]) -> list[list[Any]]:
    """The rows as one list a column, for unnest_insert_sql; a JSON column's values (None too, as SQLAlchemy
    stores it: JSON null) are sent as jsonb."""
    params = []
    for column in columns:
        if isinstance(table.c[column].type, JSON):
            params.append([Jsonb(row[column]) for row in rows])
        else:
            params.append([row[column] for row in rows])
    return params


async def cursor(session: AsyncSession, sql: str, params: Params | Sequence[Any]) -> psycopg.AsyncCursor:
    """Runs one statement in the session's transaction and answers psycopg's cursor. A lost connection is
    invalidated and raised as StoreUnavailable; any other driver error comes out as SQLAlchemy's
    (DBAPIError.instance), as from a statement sent through the session, so the unit of work treats it alike."""
    connection, driver = await _connections(session)
    try:
        return await driver.execute(sql, params)
    except (psycopg.OperationalError, psycopg.InterfaceError) as error:
        await _unavailable(connection, driver, error)
        raise  # pragma: no cover (_unavailable raises)
    except psycopg.Error as error:
        raise DBAPIError.instance(sql, params, error, psycopg.Error) from error


async def execute(session: AsyncSession, sql: str, params: Params | Sequence[Any]) -> list[tuple]:
    """Runs one statement in the session's transaction; the rows it returned (none for most)."""
    found = await cursor(session, sql, params)
    return await found.fetchall() if found.description is not None else []


async def execute_many(session: AsyncSession, sql: str, rows: Sequence[Params]) -> None:
    """One statement for each row, in the session's transaction (psycopg pipelines them: one round trip)."""
    connection, driver = await _connections(session)
    try:
        async with driver.cursor() as many:
            await many.executemany(sql, rows)
    except (psycopg.OperationalError, psycopg.InterfaceError) as error:
        await _unavailable(connection, driver, error)
    except psycopg.Error as error:
        raise DBAPIError.instance(sql, rows, error, psycopg.Error) from error


async def _connections(session: AsyncSession) -> tuple[AsyncConnection, psycopg.AsyncConnection]:
    """The session's connection for its current transaction (begun if none is), and the psycopg connection
    under it; remembered for the transaction, since each look-up crosses the greenlet bridge."""
    transaction = session.sync_session.get_transaction()
    cached = session.info.get(_CACHED)
    if transaction is not None and cached is not None and cached[0] is transaction:
        return cached[1], cached[2]
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    session.info[_CACHED] = (session.sync_session.get_transaction(), connection, driver)
    return connection, driver


async def _unavailable(connection: AsyncConnection, driver: psycopg.AsyncConnection, error: Exception) -> None:
    if driver.broken or driver.closed:  # the pool must not hand it out again
        await connection.invalidate(error)
    raise StoreUnavailable("The database is unavailable.") from error
