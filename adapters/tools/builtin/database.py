"""The `database` builtin (the marketplace plugin `hjlarry/database`): SQL against a database the app names by
a SQLAlchemy URI (`postgresql://…`, `mysql://…`), as the provider's credential `db_uri` or the tool's own.

- `sql_execute` runs one statement; rows come back as JSON (a json message of row objects and its text), or
  as a Markdown table, CSV, YAML, HTML or XLSX (`format`); a statement without rows answers how many it touched.
- `text2sql` asks the model (the node's `model`, else the workspace's default LLM) for the SQL that answers a
  question, given the schema of the named tables (all tables when none are named); it answers the SQL text.

The connection goes through the SSRF rule of http-request nodes (a private or loopback host needs
HTTP_REQUEST_ALLOWED_HOSTS) and has a connect and a statement timeout. SQLite is refused: a file path would
reach the server's own files. The driver work runs in a thread, one short-lived connection per call."""

import asyncio
import csv
import datetime
import decimal
import io
import json
import uuid
from collections.abc import Mapping
from contextlib import aclosing
from typing import Any
from uuid import UUID

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from adapters.tools.builtin.md_formats import unwrapped
from adapters.workflow.ssrf import AddressPolicy, host_refusal
from application.models.resolve_model import ResolveModel
from domain.apps.model_config import ModelSettings
from domain.models.entities import ChatMessage, ChatRequest
from domain.shared.errors import DomainError
from domain.tools.entities import (
    CredentialField,
    ParameterForm,
    ParameterType,
    Tool,
    ToolInvocation,
    ToolMessage,
    ToolProviderInfo,
)
from domain.tools.errors import ToolInvokeError

CONNECT_SECONDS = 10
STATEMENT_SECONDS = 30
MAX_ROWS = 10_000
# URI scheme → the SQLAlchemy driver weir has installed for it.
DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mysql+pymysql",
}
FORMATS = ("json", "md", "csv", "yaml", "html", "xlsx")
SQL_FENCES = ("```sql", "```")  # the fence a model (or an author pasting its answer) puts around SQL


def database_url(uri: Any) -> sa.URL:
    """The URI with the driver weir ships for its dialect. Raises ToolInvokeError for what cannot be used."""
    text = str(uri or "").strip()
    if not text:
        raise ToolInvokeError("db_uri is not set: add it to the Database provider under Tools, or in the tool.")
    try:
        url = make_url(text)
    except ArgumentError:
        raise ToolInvokeError("db_uri is not a database URI such as postgresql://user:password@host:5432/db") from None
    dialect = url.get_backend_name()
    if dialect == "sqlite":
        raise ToolInvokeError("SQLite databases are not served: a file path would reach the server's own files.")
    if dialect not in DRIVERS:
        raise ToolInvokeError(f"Databases of kind {dialect} are not supported (PostgreSQL and MySQL are).")
    if not url.host:
        raise ToolInvokeError("db_uri names no host")
    return url.set(drivername=DRIVERS[dialect])


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (uuid.UUID, bytes, memoryview)):
        return value.hex() if isinstance(value, (bytes, memoryview)) else str(value)
    return value


def _cell(value: Any) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def render_rows(columns: list[str], rows: list[dict[str, Any]], kind: str) -> list[ToolMessage]:
    if kind == "md":
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(_cell(row[c]) for c in columns) + " |" for row in rows]
        return [ToolMessage.of_text("\n".join(lines))]
    if kind == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
        return [
            ToolMessage.of_text(out.getvalue()),
            ToolMessage.of_blob(out.getvalue().encode(), "text/csv", filename="result.csv"),
        ]
    if kind == "yaml":
        return [ToolMessage.of_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False))]
    if kind == "html":
        head = "".join(f"<th>{c}</th>" for c in columns)
        body = "".join("<tr>" + "".join(f"<td>{_cell(row[c])}</td>" for c in columns) + "</tr>" for row in rows)
        return [ToolMessage.of_text(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")]
    if kind == "xlsx":
        from openpyxl import Workbook  # imported when asked for: a workbook library is not start-up work

        book = Workbook()
        sheet = book.active
        sheet.append(columns)
        for row in rows:
            sheet.append([row[c] for c in columns])
        out = io.BytesIO()
        book.save(out)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return [ToolMessage.of_blob(out.getvalue(), mime, filename="result.xlsx")]
    return [ToolMessage.of_text(json.dumps(rows, ensure_ascii=False)), ToolMessage.of_json(rows)]


def _connect_args(url: sa.URL) -> dict[str, Any]:
    if url.get_backend_name() == "postgresql":
        return {"connect_timeout": CONNECT_SECONDS, "options": f"-c statement_timeout={STATEMENT_SECONDS * 1000}"}
    return {"connect_timeout": CONNECT_SECONDS, "read_timeout": STATEMENT_SECONDS, "write_timeout": STATEMENT_SECONDS}


def _with_engine(url: sa.URL, work):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args=_connect_args(url))
    try:
        with engine.connect() as connection:
            return work(connection)
    except NoSuchModuleError:
        raise ToolInvokeError(f"No driver for {url.get_backend_name()} is installed.") from None
    except SQLAlchemyError as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise ToolInvokeError(f"The database refused: {detail}") from None
    finally:
        engine.dispose()


def _execute(url: sa.URL, statement: str) -> tuple[list[str], list[dict[str, Any]] | None, int]:
    def work(connection):
        result = connection.execute(sa.text(statement))
        if not result.returns_rows:
            connection.commit()
            return [], None, result.rowcount
        columns = list(result.keys())
        rows = [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in result.fetchmany(MAX_ROWS)]
        return columns, rows, len(rows)

    return _with_engine(url, work)


def _schema(url: sa.URL, tables: list[str]) -> str:
    def work(connection):
        inspector = sa.inspect(connection)
        names = tables or inspector.get_table_names()
        lines = []
        for name in names:
            try:
                columns = inspector.get_columns(name)
            except sa.exc.NoSuchTableError:
                raise ToolInvokeError(f"The database has no table {name}.") from None
            described = ", ".join(f"{c['name']} {c['type']}" for c in columns)
            lines.append(f"CREATE TABLE {name} ({described});")
        return "\n".join(lines)

    return _with_engine(url, work)


def database_provider(models: ResolveModel, allowed_hosts=()) -> BuiltinProvider:
    policy = AddressPolicy(allowed_hosts)

    async def checked_url(parameters: Mapping[str, Any], invocation: ToolInvocation) -> sa.URL:
        url = database_url(parameters.get("db_uri") or invocation.credentials.get("db_uri"))
        port = url.port or (5432 if url.get_backend_name() == "postgresql" else 3306)
        reason = await host_refusal(policy, url.host or "", port, CONNECT_SECONDS)
        if reason:
            raise ToolInvokeError(
                f"Refused to connect to the database at {url.host}: {reason}. "
                "Allow it with HTTP_REQUEST_ALLOWED_HOSTS if this is intended."
            )
        return url

    async def sql_execute(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        statement = unwrapped(str(parameters.get("query") or ""), SQL_FENCES)
        if not statement:
            raise ToolInvokeError("query is required")
        kind = str(parameters.get("format") or "json").lower()
        if kind not in FORMATS:
            raise ToolInvokeError(f"format must be one of {', '.join(FORMATS)}")
        url = await checked_url(parameters, invocation)
        columns, rows, count = await asyncio.to_thread(_execute, url, statement)
        if rows is None:
            return [ToolMessage.of_text(f"{count} rows affected."), ToolMessage.of_json({"rowcount": count})]
        return render_rows(columns, rows, kind)

    async def text2sql(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        question = str(parameters.get("query") or "").strip()
        if not question:
            raise ToolInvokeError("query is required")
        url = await checked_url(parameters, invocation)
        tables = [t.strip() for t in str(parameters.get("tables") or "").replace(";", ",").split(",") if t.strip()]
        schema = await asyncio.to_thread(_schema, url, tables)
        prompt = (
            f"You write {url.get_backend_name()} SQL. Given these tables:\n{schema}\n"
            "answer with one SQL statement that answers the question, and nothing else (no explanation, no fence)."
        )
        sql = await _ask(models, invocation.tenant_id, parameters.get("model"), prompt, question)
        return [ToolMessage.of_text(unwrapped(sql, SQL_FENCES))]

    uri = param("db_uri", description="The database URI; the provider's when empty")
    return BuiltinProvider(
        ToolProviderInfo(
            id="database",
            type="builtin",
            name="database",
            label="Database",
            plugin_id="hjlarry/database",
            description="Runs SQL on a PostgreSQL or MySQL database, and writes SQL from a question.",
            credentials_schema=(
                CredentialField(
                    "db_uri",
                    label="Database URI",
                    help="postgresql://user:password@host:5432/db or mysql://user:password@host:3306/db",
                ),
            ),
        ),
        [
            BuiltinTool(
                Tool(
                    "sql_execute",
                    "SQL Execute",
                    "Run one SQL statement on the database.",
                    (
                        param("query", required=True, description="The SQL statement"),
                        param(
                            "format",
                            ParameterType.SELECT,
                            form=ParameterForm.FORM,
                            default="json",
                            options=FORMATS,
                            description="How rows come back",
                        ),
                        uri,
                    ),
                ),
                sql_execute,
            ),
            BuiltinTool(
                Tool(
                    "text2sql",
                    "Text to SQL",
                    "Write the SQL that answers a question about the database.",
                    (
                        param("query", required=True, description="The question"),
                        param("tables", description="The tables to consider, separated by commas (all when empty)"),
                        param(
                            "model",
                            ParameterType.OBJECT,
                            form=ParameterForm.FORM,
                            description="The model that writes the SQL (the workspace's default LLM when empty)",
                        ),
                        uri,
                    ),
                ),
                text2sql,
            ),
        ],
    )


async def _ask(models: ResolveModel, tenant_id: UUID, chosen: Any, system: str, question: str) -> str:
    try:
        if isinstance(chosen, Mapping) and chosen.get("provider") and chosen.get("model"):
            settings = ModelSettings(
                str(chosen["provider"]),
                str(chosen["model"]),
                str(chosen.get("mode") or "chat"),
                dict(chosen.get("completion_params") or {}),
            )
        else:
            settings = await models.default_settings(tenant_id)
        resolved = await models.execute(tenant_id, settings)
        request = ChatRequest(
            model=settings.name,
            params={"temperature": 0},
            messages=(ChatMessage.system(system), ChatMessage.user(question)),
        )
        async with aclosing(resolved.model.stream(request)) as chunks:
            return "".join([chunk.delta async for chunk in chunks])
    except DomainError as error:
        raise ToolInvokeError(f"Could not write the SQL: {error.message}") from None
