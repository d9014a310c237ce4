"""A hot-path Core statement compiled once and run by psycopg on the session's own connection, in its transaction.

SQLAlchemy's execution of even a prebuilt statement (a greenlet hop, the cache key, an execution context, bind
processing, a result object) costs several times what psycopg spends sending it. These statements need none of it:
their values are ones psycopg adapts itself (UUIDs, datetimes, numbers, strings: the JSON columns are text), and
their SQL is the very text SQLAlchemy's psycopg dialect would send (bind casts included). They run through
driver_sql.cursor: the session's transaction, its lost-connection and driver-error rules.
"""

from collections.abc import Iterable, Mapping
from typing import Any

import psycopg
from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import psycopg as psycopg_dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from adapters.persistence import driver_sql

_DIALECT = psycopg_dialect.dialect()


class RawStatement:
    """`statement` (an INSERT or UPDATE of `table`, other binds named by `bindparam`), compiled per set of
    parameter names on first use."""

    def __init__(self, statement: Executable, table: Table) -> None:
        self._statement = statement
        self._columns = set(table.c.keys())
        self._sql: dict[frozenset[str], str] = {}

    def _compiled(self, names: Iterable[str]) -> str:
        key = frozenset(names)
        sql = self._sql.get(key)
        if sql is None:
            columns = [name for name in key if name in self._columns]
            sql = self._sql[key] = str(self._statement.compile(dialect=_DIALECT, column_keys=columns))
        return sql

    async def execute(self, session: AsyncSession, params: Mapping[str, Any]) -> psycopg.AsyncCursor:
        return await driver_sql.cursor(session, self._compiled(params), params)
