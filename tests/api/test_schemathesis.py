"""Schemathesis over Dify's OpenAPI document against weir in process: no 5xx, and response bodies the document
describes, for every operation weir serves (tests/api/fuzzing.py; a longer run: bench/schemathesis_run.py)."""

import pytest

from entrypoints.container import build_container
from entrypoints.database import Database
from entrypoints.http.app import create_app
from entrypoints.worker import tasks
from tests.api.fuzzing import StubInThread, run, set_up_workspace

MAX_EXAMPLES = 3  # per operation, mode and kind of path ids: about a minute for the whole document


@pytest.fixture
def fuzzed_app(settings, clean_database):
    """A container of its own: the app runs on schemathesis' event loop thread, never on the suite's."""
    from schemathesis.python import asgi

    app = create_app(build_container(settings, Database(url=clean_database, embedded=False), tasks.broker))
    with StubInThread() as stub, asgi.get_client(app) as client:
        try:
            yield app, client, set_up_workspace(client, stub.base_url)
        finally:
            asgi.shutdown_lifespans()  # after_serving: the app's pools close before the database is emptied


def test_no_operation_answers_5xx_or_a_body_the_document_does_not_describe(fuzzed_app):
    app, client, workspace = fuzzed_app
    reports = run(app, client, workspace, MAX_EXAMPLES)
    assert len(reports) >= 50, [r.label for r in reports]
    failed = [f"{r.label}: {check}: {messages}" for r in reports for check, messages in r.failures.items()]
    assert not failed, "\n".join(failed)
