"""The `weir` command: thin over the same use cases the HTTP API calls."""

import argparse
import asyncio
import gc
import json
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from uuid import UUID

from taskiq import InMemoryBroker

from application.apps.create_app import CreateAppRequest
from application.apps.list_apps import ListAppsRequest
from application.tenancy.set_up_instance import SetUpRequest
from domain.apps.entities import TokenType
from domain.shared.errors import DomainError, InvalidParam
from entrypoints.cli_datasets import add_datasets_parser
from entrypoints.container import Container, build_container, shutdown_container
from entrypoints.database import close_database, open_database
from entrypoints.http.presenters import api_key_json, app_json
from entrypoints.logs import configure_logging
from entrypoints.settings import Settings
from entrypoints.worker.fleet_commands import add_workers_parser, run_workers_command


async def _setup(c: Container, args: argparse.Namespace) -> dict:
    account = await c.set_up_instance().execute(SetUpRequest(email=args.email, name=args.name, password=args.password))
    return {"result": "success", "account_id": str(account.id), "email": account.email}


async def _create_app(c: Container, args: argparse.Namespace) -> dict:
    operator = await c.find_operator().execute(args.email)
    app = await c.create_app().execute(
        CreateAppRequest(
            tenant_id=operator.tenant.id, account_id=operator.account.id, name=args.name, mode=args.mode,
            description=args.description,
        )
    )
    return app_json(app)


async def _import_app(c: Container, args: argparse.Namespace) -> dict:
    operator = await c.find_operator().execute(args.email)
    content = await asyncio.to_thread(Path(args.file).read_text, encoding="utf-8")
    importer = c.workflows.import_app_dsl()
    # The operator named the file: a version the console would ask about (newer, or an older major) is imported.
    result = await importer.execute(
        operator.tenant.id, operator.account.id, content, publish=args.publish, confirmed=True
    )
    if result.status == "failed":
        raise InvalidParam(result.error)
    return {"status": result.status, "app_id": str(result.app_id), "mode": result.app_mode,
            "warnings": list(result.warnings), "published": args.publish,
            "dsl_version": result.imported_dsl_version}


async def _list_apps(c: Container, args: argparse.Namespace) -> dict:
    operator = await c.find_operator().execute(args.email)
    page = await c.list_apps().execute(ListAppsRequest(tenant_id=operator.tenant.id, limit=100))
    return {"total": page.total, "data": [app_json(app) for app in page.items]}


async def _create_key(c: Container, args: argparse.Namespace) -> dict:
    operator = await c.find_operator().execute(args.email)
    if args.dataset:
        key = await c.create_api_key().execute(operator.tenant.id, TokenType.DATASET)
    else:
        if not args.app_id:
            raise SystemExit("weir keys create: give an APP_ID, or --dataset for a knowledge key")
        key = await c.create_api_key().execute(operator.tenant.id, TokenType.APP, UUID(args.app_id))
    return api_key_json(key)


Handler = Callable[[Container, argparse.Namespace], Coroutine[Any, Any, dict]]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="weir", description="weir: a Dify-compatible backend")
    groups = parser.add_subparsers(dest="group", required=True)

    db = groups.add_parser("db", help="database").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", help="apply all migrations")

    setup = groups.add_parser("setup", help="create the first account and its workspace")
    setup.add_argument("--email", required=True)
    setup.add_argument("--name", required=True)
    setup.add_argument("--password", required=True)
    setup.set_defaults(handler=_setup)

    apps = groups.add_parser("apps", help="apps").add_subparsers(dest="action", required=True)
    create = apps.add_parser("create", help="create an app")
    create.add_argument("--name", required=True)
    create.add_argument("--mode", default="chat", help="chat, completion, agent-chat, advanced-chat or workflow")
    create.add_argument("--description", default="")
    create.add_argument("--email", help="act as this account (default: the first account)")
    create.set_defaults(handler=_create_app)
    imported = apps.add_parser("import", help="create an app from a Dify DSL file (YAML)")
    imported.add_argument("file")
    imported.add_argument("--publish", action="store_true", help="publish the imported workflow at once")
    imported.add_argument("--email")
    imported.set_defaults(handler=_import_app)
    listing = apps.add_parser("list", help="list apps")
    listing.add_argument("--email")
    listing.set_defaults(handler=_list_apps)

    keys = groups.add_parser("keys", help="Service API keys").add_subparsers(dest="action", required=True)
    key = keys.add_parser("create", help="create an app- key for APP_ID, or a dataset- key with --dataset")
    key.add_argument("app_id", nargs="?")
    key.add_argument("--dataset", action="store_true")
    key.add_argument("--email")
    key.set_defaults(handler=_create_key)

    add_workers_parser(groups)
    add_datasets_parser(groups)
    return parser


async def _run(handler: Handler, container: Container, args: argparse.Namespace) -> dict:
    try:
        return await handler(container, args)
    finally:
        await shutdown_container(container)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    if args.group == "workers":  # Redis only: no database needed
        return run_workers_command(settings.redis_url, args)
    configure_logging("WARNING", settings.LOG_OUTPUT_FORMAT)
    database = open_database(settings, migrate=True)
    try:
        if args.group == "db":
            print(json.dumps({"result": "success", "migrated": "head"}))
            return 0
        container = build_container(settings, database, InMemoryBroker())
        try:
            result = asyncio.run(_run(args.handler, container, args))
        except DomainError as error:
            print(json.dumps({"error": type(error).__name__, "message": error.message}), file=sys.stderr)
            return 1
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    finally:
        close_database(settings, database)


if __name__ == "__main__":
    code = main()
    gc.freeze()  # the exit's last garbage collection has nothing to free: see entrypoints/serve.py
    sys.exit(code)
