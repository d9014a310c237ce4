"""Tasks through the Redis broker: throughput, end-to-end latency and worker memory.

Starts real workers (`python -m taskiq worker entrypoints.worker.broker:broker bench.queue_throughput`, the weir
worker with its container, heartbeats and at-least-once delivery) with 1 and then 4 processes, beside an
embedded PostgreSQL in a temporary folder, and sends two kinds of task on the `workflow` queue:

  noop   returns at once
  io50   awaits 50 ms (an I/O-bound task: a provider call, a webhook)

For each: a burst of N tasks sent at once (tasks/s = N / (last finished - first sent), latency p50/p99 of
that burst, queueing included), then tasks sent one at a time (latency p50/p99 of an idle pipeline:
kick → pop → run → ack). Each task records its end in a Redis list; RSS is read per worker process.

    uv run python bench/queue_throughput.py [--redis-url redis://127.0.0.1:6379/14] [--tasks 2000] [--sequential 200]

Only `weir:*` keys of the given database are touched.
"""
# ruff: noqa: E402  (the path is fixed before any import: see below)

import sys
from pathlib import Path

# Run as a script, this file's folder heads sys.path: keep it from shadowing the standard library.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
import uuid
from urllib.parse import parse_qs, urlparse

from redis.asyncio import Redis

from adapters.queue.topology import queue_key
from entrypoints.worker.broker import broker

_redis: Redis | None = None


def _done_key(run: str) -> str:
    return f"weir:bench:done:{run}"


async def _finish(run: str, sent_at: float) -> None:
    global _redis
    if _redis is None:
        _redis = Redis.from_url(os.environ["REDIS_URL"])
    await _redis.rpush(_done_key(run), f"{sent_at} {time.time()}")


@broker.task(task_name="weir.bench.noop", queue_name=queue_key("workflow"))
async def noop(run: str, sent_at: float) -> None:
    await _finish(run, sent_at)


@broker.task(task_name="weir.bench.io50", queue_name=queue_key("workflow"))
async def io50(run: str, sent_at: float) -> None:
    await asyncio.sleep(0.05)
    await _finish(run, sent_at)


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


async def _delete_weir_keys(redis: Redis) -> None:
    keys = [key async for key in redis.scan_iter(match="weir:*", count=1000)]
    if keys:
        await redis.delete(*keys)


async def _burst(client, redis: Redis, kicker, count: int) -> tuple[float, list[float]]:
    run = uuid.uuid4().hex
    first = time.time()
    for _ in range(count):
        await kicker.kiq(run, time.time())
    deadline = time.monotonic() + 300
    while await redis.llen(_done_key(run)) < count:
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not finish the burst in 300 s")
        await asyncio.sleep(0.02)
    pairs = [tuple(map(float, v.split())) for v in await redis.lrange(_done_key(run), 0, -1)]
    last = max(done for _, done in pairs)
    return count / (last - first), [(done - sent) * 1000 for sent, done in pairs]


async def _sequential(redis: Redis, kicker, count: int) -> list[float]:
    run = uuid.uuid4().hex
    latencies = []
    for _ in range(count):
        sent = time.time()
        await kicker.kiq(run, sent)
        _, value = await redis.blpop([_done_key(run)], timeout=30)
        latencies.append((float(value.split()[1]) - sent) * 1000)
    return latencies


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _start_workers(env: dict[str, str], processes: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "taskiq", "worker", "entrypoints.worker.broker:broker", "bench.queue_throughput",
         "--workers", str(processes), "--wait-tasks-timeout", "5", "--shutdown-timeout", "5"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


async def _measure(args, env: dict[str, str], processes: int) -> list[dict]:
    from taskiq.kicker import AsyncKicker

    from adapters.queue.fleet import RedisFleet
    from adapters.queue.taskiq_broker import make_broker

    worker = _start_workers(env, processes)
    redis = Redis.from_url(args.redis_url, decode_responses=True)
    client = make_broker(args.redis_url, ["workflow"])
    await client.startup()
    fleet = RedisFleet(client.redis)
    rows = []
    try:
        deadline = time.monotonic() + 120
        while len(await fleet.workers()) < processes:
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError("the workers did not start (heartbeats missing)")
            await asyncio.sleep(0.2)
        for name in ("noop", "io50"):
            labels = {"queue_name": queue_key("workflow")}
            kicker = AsyncKicker(task_name=f"weir.bench.{name}", broker=client, labels=labels)
            await _burst(client, redis, kicker, 50)  # warm-up: containers built, connections open
            rate, burst = await _burst(client, redis, kicker, args.tasks)
            single = await _sequential(redis, kicker, args.sequential)
            rss = [_rss_mb(w["pid"]) for w in await fleet.workers()]
            rows.append({
                "workers": processes, "task": name, "rate": rate,
                "burst_p50": _percentile(burst, 50), "burst_p99": _percentile(burst, 99),
                "one_p50": _percentile(single, 50), "one_p99": _percentile(single, 99),
                "rss": statistics.mean(rss), "rss_max": max(rss),
            })
    finally:
        await client.shutdown()
        await redis.aclose()
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
    return rows


def _print(rows: list[dict], args) -> None:
    print(f"\n{args.tasks} tasks a burst, {args.sequential} sent one at a time; queue `workflow`; "
          f"{os.cpu_count()} CPU(s) shared by client, Redis, PostgreSQL and workers\n")
    header = ("workers", "task", "tasks/s", "burst p50 ms", "burst p99 ms", "one-by-one p50 ms",
              "one-by-one p99 ms", "RSS/worker MB")
    print(" | ".join(header))
    print(" | ".join("-" * len(h) for h in header))
    for r in rows:
        print(" | ".join([
            str(r["workers"]), r["task"], f"{r['rate']:.0f}", f"{r['burst_p50']:.0f}", f"{r['burst_p99']:.0f}",
            f"{r['one_p50']:.1f}", f"{r['one_p99']:.1f}", f"{r['rss']:.0f} (max {r['rss_max']:.0f})",
        ]))


async def _main(args) -> None:
    from adapters.persistence.embedded_postgres import start_embedded_postgres, stop_embedded_postgres

    storage = Path(tempfile.mkdtemp(prefix="weir-bench-queue-"))
    redis = Redis.from_url(args.redis_url)
    await _delete_weir_keys(redis)
    try:
        url = start_embedded_postgres(storage)
        parsed = urlparse(url)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "REDIS_"))}
        env.update(REDIS_URL=args.redis_url, DB_HOST=parse_qs(parsed.query)["host"][0],
                   DB_PORT=parse_qs(parsed.query).get("port", ["5432"])[0], DB_DATABASE=parsed.path.lstrip("/"),
                   DB_USERNAME=parsed.username or "postgres", STORAGE_PATH=str(storage), WEIR_WORKER_QUEUES="workflow",
                   LOG_LEVEL="WARNING")
        rows = []
        for processes in args.workers:
            rows += await _measure(args, env, processes)
            await _delete_weir_keys(redis)
        _print(rows, args)
    finally:
        await _delete_weir_keys(redis)
        await redis.aclose()
        stop_embedded_postgres(storage)
        shutil.rmtree(storage, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--redis-url", default=os.environ.get("WEIR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--sequential", type=int, default=200)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    asyncio.run(_main(parser.parse_args()))
