"""The `database` builtin (the marketplace plugin hjlarry/database) over real HTTP: tool nodes run SQL on a
real PostgreSQL database (a second database of the test server) named by its URI, and write SQL with the model."""

import asyncio
import threading
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest

from tests.api.chat_helpers import configure_provider
from tests.api.tool_helpers import import_app, run_blocking, tool_node_app
from tests.databases import create_database
from tests.integration.openai_stub_server import Reply

PROVIDER = "hjlarry/database/database"
ALLOWED = pytest.mark.parametrize("settings", [{"HTTP_REQUEST_ALLOWED_HOSTS": "127.0.0.1"}], indirect=True)


class TcpToUnixSocket:
    """127.0.0.1:<port> forwarded to a Unix socket: the embedded PostgreSQL listens on its socket only, and a
    database an app names is reached over TCP."""

    def __init__(self, socket_path: str) -> None:
        self._path = socket_path
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.port = 0

    async def _pipe(self, reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _serve_one(self, client_reader, client_writer):
        server_reader, server_writer = await asyncio.open_unix_connection(self._path)
        await asyncio.gather(self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer))

    def start(self) -> None:
        async def main():
            server = await asyncio.start_server(self._serve_one, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()
            async with server:
                await server.serve_forever()

        threading.Thread(target=self._loop.run_until_complete, args=(main(),), daemon=True).start()
        assert self._ready.wait(10)


@pytest.fixture(scope="module")
def shop_uri(postgres_root):
    url = create_database(postgres_root[0], "weir_shop")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE orders (id integer PRIMARY KEY, customer text, total numeric(8, 2))")
        conn.execute("INSERT INTO orders VALUES (1, 'Ann', 12.50), (2, 'Bo', 3), (3, 'Ann', 7.25)")
        port = conn.execute("SHOW port").fetchone()[0]
    socket_dir = parse_qs(urlsplit(url).query)["host"][0]
    forward = TcpToUnixSocket(f"{socket_dir}/.s.PGSQL.{port}")
    forward.start()
    return f"postgresql://postgres@127.0.0.1:{forward.port}/weir_shop"  # as a user writes it


async def _run(console, tool: str, parameters: dict, configurations: dict | None = None) -> dict:
    imported = await import_app(console, tool_node_app(PROVIDER, tool, parameters, configurations))
    return await run_blocking(console, imported["app_id"], {})


@ALLOWED
async def test_rows_come_back_as_json_and_as_a_markdown_table(console, shop_uri):
    query = "SELECT customer, sum(total) AS spent FROM orders GROUP BY customer ORDER BY customer"
    data = await _run(console, "sql_execute", {"query": query, "db_uri": shop_uri}, {"format": "json"})
    assert data["status"] == "succeeded", data
    assert data["outputs"]["json"] == [[{"customer": "Ann", "spent": 19.75}, {"customer": "Bo", "spent": 3}]]
    data = await _run(console, "sql_execute", {"query": query, "db_uri": shop_uri}, {"format": "md"})
    assert data["outputs"]["text"].splitlines() == [
        "| customer | spent |",
        "|---|---|",
        "| Ann | 19.75 |",
        "| Bo | 3 |",
    ]


@ALLOWED
async def test_csv_comes_back_as_a_file_and_a_write_says_how_many_rows_it_touched(console, shop_uri):
    data = await _run(
        console, "sql_execute", {"query": "SELECT id FROM orders ORDER BY id", "db_uri": shop_uri}, {"format": "csv"}
    )
    assert data["status"] == "succeeded" and data["outputs"]["text"].split() == ["id", "1", "2", "3"], data
    assert data["outputs"]["files"][0]["extension"] == ".csv"
    data = await _run(
        console, "sql_execute", {"query": "UPDATE orders SET total = total WHERE customer = 'Ann'", "db_uri": shop_uri}
    )
    assert data["status"] == "succeeded" and data["outputs"]["text"] == "2 rows affected.", data


@ALLOWED
async def test_text2sql_gives_the_model_the_tables_schema_and_answers_its_sql(console, upstream, shop_uri):
    await configure_provider(console, upstream)
    upstream.replies.append(Reply(deltas=("```sql\nSELECT count(*) FROM orders\n```",)))
    model = {"provider": "openai_api_compatible", "model": "stub-model", "mode": "chat", "completion_params": {}}
    data = await _run(
        console, "text2sql", {"query": "How many orders?", "db_uri": shop_uri, "tables": "orders"}, {"model": model}
    )
    assert data["status"] == "succeeded" and data["outputs"]["text"] == "SELECT count(*) FROM orders", data
    system = upstream.requests[-1]["json"]["messages"][0]["content"]
    assert "CREATE TABLE orders (id INTEGER, customer TEXT, total NUMERIC(8, 2))" in system


@ALLOWED
async def test_bad_statements_and_unusable_uris_fail_the_node_saying_why(console, shop_uri):
    data = await _run(console, "sql_execute", {"query": "SELECT nope FROM orders", "db_uri": shop_uri})
    assert data["status"] == "failed" and "The database refused" in data["error"] and "nope" in data["error"], data
    data = await _run(console, "sql_execute", {"query": "SELECT 1", "db_uri": "sqlite:////etc/passwd"})
    assert data["status"] == "failed" and "SQLite" in data["error"], data
    data = await _run(console, "sql_execute", {"query": "SELECT 1"})
    assert data["status"] == "failed" and "db_uri is not set" in data["error"], data


async def test_a_private_database_host_needs_the_allow_list(console, shop_uri):
    data = await _run(console, "sql_execute", {"query": "SELECT 1", "db_uri": shop_uri})
    assert data["status"] == "failed" and "loopback" in data["error"] and "HTTP_REQUEST_ALLOWED_HOSTS" in data["error"]
