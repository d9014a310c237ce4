"""Schemathesis over Dify's OpenAPI document against weir in process, longer than the suite's run.

Starts an embedded PostgreSQL in a temporary folder, migrates it, builds the app on a temporary STORAGE_PATH and
runs tests/api/fuzzing.py (every operation weir serves, positive and negative modes, generated and real path ids)
with `--max-examples` cases each. Prints, per operation, the cases run, their status codes and the failures per
check (no 5xx; the response body the document describes), then the totals. Exits 1 when any check failed.

    uv run python bench/schemathesis_run.py                    # 25 examples per operation, mode and kind of ids
    uv run python bench/schemathesis_run.py --max-examples 100 --operation "POST /chat-messages"
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemathesis.python import asgi

from adapters.persistence.embedded_postgres import start_embedded_postgres, stop_embedded_postgres
from adapters.persistence.migrator import upgrade
from entrypoints.container import build_container
from entrypoints.database import Database
from entrypoints.http.app import create_app
from entrypoints.logs import configure_logging
from entrypoints.settings import Settings
from entrypoints.worker import tasks
from tests.api.fuzzing import StubInThread, run, set_up_workspace
from tests.databases import create_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--operation", action="append", help="only these ('METHOD /path'); repeatable")
    args = parser.parse_args()
    configure_logging("WARNING")  # no request lines; a 500's one line (and first traceback) still shows

    root = Path(tempfile.mkdtemp(prefix="weir-schemathesis-"))
    try:
        url = create_database(start_embedded_postgres(root / "pg"), "weir_fuzz")
        upgrade(url)
        settings = Settings(STORAGE_PATH=root / "storage", _env_file=None)
        app = create_app(build_container(settings, Database(url=url, embedded=False), tasks.broker))
        started = time.monotonic()
        with StubInThread() as stub, asgi.get_client(app) as client:
            try:
                workspace = set_up_workspace(client, stub.base_url)
                reports = run(app, client, workspace, args.max_examples, set(args.operation or ()) or None)
            finally:
                asgi.shutdown_lifespans()
        seconds = time.monotonic() - started
    finally:
        stop_embedded_postgres(root / "pg")
        shutil.rmtree(root, ignore_errors=True)

    width = max(len(r.label) for r in reports)
    print(f"{'operation':<{width}}  cases  failures  statuses")
    for r in reports:
        statuses = " ".join(f"{code}×{n}" for code, n in sorted(r.statuses.items()))
        print(f"{r.label:<{width}}  {r.cases:>5}  {r.failure_count:>8}  {statuses}")
    cases, failures = sum(r.cases for r in reports), sum(r.failure_count for r in reports)
    print(f"\n{len(reports)} operations, {cases} cases, {failures} failures, {seconds:.0f} s "
          f"(--max-examples {args.max_examples})")
    for r in reports:
        for check, messages in r.failures.items():
            for message in messages:
                print(f"FAIL {r.label} [{check}] {message}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
