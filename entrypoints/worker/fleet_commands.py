"""`weir workers`: the live workers, their queues, in-flight and recently failed tasks; dead letters.

    weir workers                          live workers and recent failures
    weir workers --failed [--queue Q]     dead letters (tasks out of retries)
    weir workers retry QUEUE --all | ID   move dead letters back to their queue
"""

import argparse
import asyncio
import json

from adapters.queue.fleet import RedisFleet
from adapters.queue.topology import QUEUES


def add_workers_parser(groups: argparse._SubParsersAction) -> None:
    workers = groups.add_parser("workers", help="task workers, failed tasks and dead letters (Redis queue)")
    workers.add_argument("--failed", action="store_true", help="list dead letters")
    workers.add_argument("--queue", choices=QUEUES, help="with --failed: one queue only")
    actions = workers.add_subparsers(dest="action")
    retry = actions.add_parser("retry", help="move dead letters of QUEUE back to it")
    retry.add_argument("queue", choices=QUEUES)
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true")
    which.add_argument("id", nargs="?", help="a dead letter's id (from --failed)")


async def _workers(fleet: RedisFleet, args: argparse.Namespace) -> dict:
    if args.action == "retry":
        moved = await fleet.retry_dead(args.queue, None if args.all else args.id)
        return {"queue": args.queue, "retried": moved}
    if args.failed:
        letters = await fleet.dead_letters(args.queue)
        return {"total": len(letters), "dead_letters": letters}
    workers = await fleet.workers()
    consumed = {q for w in workers for q in w.get("queues", [])}
    return {
        "workers": workers,
        "queues_without_consumer": [q for q in QUEUES if q not in consumed],
        "recently_failed": await fleet.recent_failures(),
    }


async def _run(redis_url: str, args: argparse.Namespace) -> dict:
    fleet = RedisFleet.from_url(redis_url)
    try:
        return await _workers(fleet, args)
    finally:
        await fleet.close()


def run_workers_command(redis_url: str | None, args: argparse.Namespace) -> int:
    if not redis_url:
        print(json.dumps({"error": "no_redis", "message": "No Redis configured: tasks run in the API process."}))
        return 1
    if args.action == "retry" and not args.all and not args.id:
        raise SystemExit("weir workers retry: give a dead letter ID or --all")
    print(json.dumps(asyncio.run(_run(redis_url, args)), indent=2, ensure_ascii=False))
    return 0
