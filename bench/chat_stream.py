"""N concurrent streaming chats: what weir adds on top of the model, measured from the client.

Starts the fake upstream (bench/fake_upstream.py: 20 tokens, 1 ms apart, its own process) and weir (a real
`python -m entrypoints.serve` on embedded defaults in a temporary STORAGE_PATH), configures weir through the
console API (setup, login, an `openai_api_compatible` provider pointing at the fake, a chat app, its model
config, a Service API key), then streams the same chats twice with httpx:

  (a) direct:   POST {upstream}/chat/completions  (stream, stream_options.include_usage)
  (b) via weir: POST {weir}/v1/chat-messages       (response_mode streaming)

For each stream: time to first token (first content delta / first `message` event) and time to last byte.
While (b) runs, samples weir's database connections (pg_stat_activity on the embedded database) and the
API process's RSS. Prints p50/p99 direct vs via weir, the overhead (difference), throughput, DB connections
and RSS.

    uv run python bench/chat_stream.py [--concurrency 50] [--requests 500]
"""

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import psycopg

ROOT = Path(__file__).resolve().parents[1]
OWNER = {"email": "bench@example.com", "name": "Bench", "password": "bench-secret-1"}
MODEL = "bench-model"


@dataclass
class Sample:
    ttft: float  # seconds to the first token
    total: float  # seconds to the last byte
    ok: bool
    status: int = 0  # the response's HTTP status (0: no response)


@dataclass
class Run:
    samples: list[Sample]
    wall: float  # seconds for the whole run

    @property
    def good(self) -> list[Sample]:
        return [s for s in self.samples if s.ok]

    def pct(self, attr: str, q: float) -> float:
        values = sorted(getattr(s, attr) for s in self.good)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]

    @property
    def throughput(self) -> float:
        return len(self.good) / self.wall


@dataclass
class Gauges:
    """What the sampler saw while weir was streaming."""

    db_total: list[int] = field(default_factory=list)  # connections to weir's database
    db_active: list[int] = field(default_factory=list)  # … of which running a query
    rss: list[int] = field(default_factory=list)  # bytes, the API processes together
    rss_each: list[int] = field(default_factory=list)  # bytes, the largest API process
    pss: list[int] = field(default_factory=list)  # bytes, the API processes' proportional set size (shared once)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds spent during (b), by party


def cpu_seconds(processes: dict[str, list[psutil.Process]]) -> dict[str, float]:
    spent = {}
    for party, members in processes.items():
        total = 0.0
        for process in members:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system
        spent[party] = total
    return spent


def parties(weir_pid: int, upstream_pid: int, pgdata: Path) -> dict[str, list[psutil.Process]]:
    postgres = []
    for process in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(psutil.Error):
            if str(pgdata) in " ".join(process.info["cmdline"] or []):
                postgres.append(process)
                postgres.extend(process.children(recursive=True))
    return {"weir": api_processes(weir_pid), "postgres": postgres, "upstream": [psutil.Process(upstream_pid)],
            "client": [psutil.Process()]}


# ------------------------------------------------------------------------------------------------ processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise SystemExit(f"timed out after {timeout}s waiting for {what}")


def listening(port: int):
    def check() -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    return check


def healthy(base: str):
    """Serving, and done installing the code sandbox's packages: a fresh STORAGE_PATH installs them in the
    background at start (seconds of CPU that would otherwise land in the first measured round)."""

    def check() -> bool:
        try:
            response = httpx.get(base + "/health", timeout=1)
        except httpx.HTTPError:
            return False
        if response.status_code != 200:
            return False
        sandbox = response.json().get("checks", {}).get("code_sandbox", {})
        return sandbox.get("packages") != "building"

    return check


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve_command(profile: Path | None) -> list[str]:
    """How to start weir: `python -m entrypoints.serve`, or under bench/profile_serve.py (cProfile, CPU time)."""
    if profile is None:
        return [sys.executable, "-m", "entrypoints.serve"]
    return [sys.executable, str(ROOT / "bench" / "profile_serve.py"), str(profile.resolve())]


# ------------------------------------------------------------------------------------------------ weir setup


def configure(base: str, upstream: str) -> str:
    """Console API over HTTP: the owner, the provider, a chat app on the fake model; returns its app key."""
    with httpx.Client(base_url=base, timeout=30) as http:
        http.post("/console/api/setup", json=OWNER).raise_for_status()
        login = http.post("/console/api/login", json={"email": OWNER["email"], "password": OWNER["password"]})
        headers = {"Authorization": f"Bearer {login.raise_for_status().json()['data']['access_token']}"}
        model = {"name": MODEL, "context_size": 8192}
        credentials = {"api_key": "sk-bench", "endpoint_url": upstream, "models": [model]}
        http.post(
            "/console/api/workspaces/current/model-providers/openai_api_compatible/credentials",
            json={"credentials": credentials},
            headers=headers,
        ).raise_for_status()
        app = http.post("/console/api/apps", json={"name": "Bench", "mode": "chat"}, headers=headers)
        app_id = app.raise_for_status().json()["id"]
        config = {
            "model": {"provider": "openai_api_compatible", "name": MODEL, "mode": "chat",
                      "completion_params": {"max_tokens": 64}},
            "pre_prompt": "You are a benchmark.",
        }
        http.post(f"/console/api/apps/{app_id}/model-config", json=config, headers=headers).raise_for_status()
        key = http.post(f"/console/api/apps/{app_id}/api-keys", headers=headers)
        return key.raise_for_status().json()["token"]


# ------------------------------------------------------------------------------------------------ the client


async def direct_stream(http: httpx.AsyncClient, upstream: str, n: int) -> Sample:
    body = {"model": MODEL, "stream": True, "stream_options": {"include_usage": True},
            "messages": [{"role": "user", "content": f"Hello #{n}"}]}
    started = time.perf_counter()
    ttft = None
    async with http.stream("POST", f"{upstream}/chat/completions", json=body,
                           headers={"Authorization": "Bearer sk-bench"}) as response:
        ok = response.status_code == 200
        async for line in response.aiter_lines():
            if line.startswith("data: {"):  # every event parsed, as on the weir side
                choices = json.loads(line[6:]).get("choices") or [{}]
                if ttft is None and choices[0].get("delta", {}).get("content"):
                    ttft = time.perf_counter() - started
    total = time.perf_counter() - started
    return Sample(ttft=ttft if ttft is not None else total, total=total, ok=ok and ttft is not None)


async def weir_stream(http: httpx.AsyncClient, base: str, key: str, n: int) -> Sample:
    body = {"query": f"Hello #{n}", "inputs": {}, "user": f"bench-{n % 50}", "response_mode": "streaming"}
    started = time.perf_counter()
    ttft = None
    ended = False
    async with http.stream("POST", f"{base}/v1/chat-messages", json=body,
                           headers={"Authorization": f"Bearer {key}"}) as response:
        ok = response.status_code == 200
        try:
            async for line in response.aiter_lines():
                if line.startswith("data: "):
                    event = json.loads(line[6:])["event"]
                    if ttft is None and event == "message":
                        ttft = time.perf_counter() - started
                    elif event == "message_end":
                        ended = True
        except httpx.HTTPError:  # accepted (its status says so), then broken: not ok
            ok = False
    total = time.perf_counter() - started
    return Sample(
        ttft=ttft if ttft is not None else total, total=total, ok=ok and ended and ttft is not None,
        status=response.status_code,
    )


async def run_streams(make, requests: int, concurrency: int) -> Run:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        queue = list(range(requests))
        samples: list[Sample] = []

        async def worker() -> None:
            while queue:
                n = queue.pop()
                try:
                    samples.append(await make(http, n))
                except httpx.HTTPError:
                    samples.append(Sample(0.0, 0.0, ok=False))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return Run(samples=samples, wall=time.perf_counter() - started)


def api_processes(pid: int) -> list[psutil.Process]:
    """weir's API process and, with SERVER_WORKER_AMOUNT > 1, the processes it forked."""
    process = psutil.Process(pid)
    found = [process]
    with contextlib.suppress(psutil.Error):
        for child in process.children():  # not the embedded PostgreSQL's processes, nor a code node's sandbox
            with contextlib.suppress(psutil.Error):
                if "entrypoints.serve" in " ".join(child.cmdline()) or child.exe() == process.exe():
                    found.append(child)
    return found


def rss_of(processes: list[psutil.Process]) -> list[int]:
    sizes = []
    for process in processes:
        with contextlib.suppress(psutil.Error):
            sizes.append(process.memory_info().rss)
    return sizes


def pss_of(processes: list[psutil.Process]) -> list[int]:
    sizes = []
    for process in processes:
        with contextlib.suppress(psutil.Error, AttributeError):
            sizes.append(process.memory_full_info().pss)
    return sizes


def sample_gauges(db_url: str, pid: int, stop_event: threading.Event, gauges: Gauges) -> None:
    processes = api_processes(pid)
    query = ("SELECT count(*), count(*) FILTER (WHERE state = 'active') FROM pg_stat_activity "
             "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    with psycopg.connect(db_url, autocommit=True) as conn:
        while not stop_event.is_set():
            total, active = conn.execute(query).fetchone()
            gauges.db_total.append(total)
            gauges.db_active.append(active)
            sizes = rss_of(processes)
            gauges.rss.append(sum(sizes))
            gauges.rss_each.append(max(sizes, default=0))
            if len(processes) > 1:  # forked processes share their parent's pages: RSS counts them in each
                gauges.pss.append(sum(pss_of(processes)))
            stop_event.wait(0.05)


# ------------------------------------------------------------------------------------------------ the table


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f}"


def stored_messages(db_url: str) -> tuple[int, int, int, int]:
    """Messages in weir's database: (rows, rows with an answer stored, finished `normal`, ended `error`)."""
    query = ("SELECT count(*), count(*) FILTER (WHERE answer <> ''), count(*) FILTER (WHERE status = 'normal'), "
             "count(*) FILTER (WHERE status = 'error') FROM messages")
    with psycopg.connect(db_url, autocommit=True) as conn:
        return conn.execute(query).fetchone()


def wait_stored(db_url: str, before: tuple, accepted: int, timeout: float = 120) -> tuple[int, ...]:
    """Waits (up to `timeout`) until as many finished answers as accepted streams are stored, or the counts stop
    changing for 10 s; returns the (rows, answered, normal, error) added since `before`."""
    deadline, last, still = time.monotonic() + timeout, None, time.monotonic()
    while True:
        added = tuple(now - then for now, then in zip(stored_messages(db_url), before, strict=True))
        if added[2] >= accepted or time.monotonic() > deadline:
            return added
        if added != last:
            last, still = added, time.monotonic()
        elif time.monotonic() - still > 10:
            return added
        time.sleep(0.5)


def report(direct: Run, via: Run, gauges: Gauges, idle_rss: int, args, stored: tuple[int, ...] = (0, 0, 0, 0)) -> str:
    rows = [f"{'':22}{'direct':>10}{'via weir':>10}{'overhead':>10}"]
    for label, attr, q in (("TTFT p50 (ms)", "ttft", 0.50), ("TTFT p99 (ms)", "ttft", 0.99),
                           ("total p50 (ms)", "total", 0.50), ("total p99 (ms)", "total", 0.99)):
        a, b = direct.pct(attr, q), via.pct(attr, q)
        rows.append(f"{label:22}{ms(a):>10}{ms(b):>10}{ms(b - a):>10}")
    rows.append(f"{'throughput (streams/s)':22}{direct.throughput:10.1f}{via.throughput:10.1f}")
    ok = [f"{len(run.good)}/{len(run.samples)}" for run in (direct, via)]
    rows.append(f"{'ok streams':22}{ok[0]:>10}{ok[1]:>10}")
    statuses: dict[int, int] = {}
    for sample in via.samples:
        statuses[sample.status] = statuses.get(sample.status, 0) + 1
    accepted = statuses.get(200, 0)
    rows.append(
        "via weir by status: " + ", ".join(f"{code or 'no response'}: {n}" for code, n in sorted(statuses.items()))
    )
    rows.append(
        f"messages stored during (b): {stored[0]} rows, {stored[1]} with an answer, {stored[2]} finished normal, "
        f"{stored[3]} error, for {accepted} accepted streams"
        + ("" if stored[2] >= accepted else f" ({accepted - stored[2]} accepted answers NOT finished)")
    )
    mb = 1024 * 1024
    db_total = f"max {max(gauges.db_total, default=0)}, median {statistics.median(gauges.db_total or [0]):g}"
    db_active = f"max {max(gauges.db_active, default=0)}, median {statistics.median(gauges.db_active or [0]):g}"
    rows += [
        "",
        f"DB connections to weir's database during (b): {db_total} (active queries: {db_active})",
        f"weir API RSS ({f'{args.workers} API processes and their parent' if args.workers > 1 else '1 process'}): "
        f"{idle_rss / mb:.0f} MB idle, "
        f"peak {max(gauges.rss, default=0) / mb:.0f} MB during (b) (largest process "
        f"{max(gauges.rss_each, default=0) / mb:.0f} MB"
        + (f"; PSS of them all {max(gauges.pss) / mb:.0f} MB" if gauges.pss else "")
        + ")",
        "CPU per stream during (b): "
        + ", ".join(f"{who} {spent / max(1, len(via.samples)) * 1000:.1f} ms" for who, spent in gauges.cpu.items())
        + f" (wall {via.wall:.1f} s for {len(via.samples)} streams)",
        "",
        f"{args.requests} streams per side, {args.concurrency} concurrent; upstream {args.tokens} tokens "
        f"{args.delay * 1000:g} ms apart; {os.cpu_count()} CPUs shared by client, upstream, weir and PostgreSQL.",
        "target (issue 4): overhead p50 <= 2 ms, p99 <= 10 ms at 50 concurrent streams",
    ]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--requests", type=int, default=500, help="streams per side")
    parser.add_argument("--tokens", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.001, help="seconds between upstream tokens")
    parser.add_argument("--warmup", type=int, default=50, help="streams per side before measuring")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, pgdata)")
    parser.add_argument("--profile", type=Path, help="run weir under cProfile (CPU time), its stats into this file")
    parser.add_argument("--workers", type=int, default=1, help="SERVER_WORKER_AMOUNT (above 1 needs --redis-url)")
    parser.add_argument("--redis-url", help="REDIS_URL for weir (touches only weir's keys of that database)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="weir-bench-"))
    storage = folder / "storage"
    up_port, weir_port = free_port(), free_port()
    upstream_url = f"http://127.0.0.1:{up_port}/v1"
    base = f"http://127.0.0.1:{weir_port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "REDIS_", "SECRET_KEY", "OPENAI_"))}
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    if args.workers > 1:
        env["SERVER_WORKER_AMOUNT"] = str(args.workers)
    fake = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "fake_upstream.py"), "--port", str(up_port),
         "--tokens", str(args.tokens), "--delay", str(args.delay)],
        stdout=(folder / "upstream.log").open("wb"), stderr=subprocess.STDOUT,
    )
    weir = subprocess.Popen(
        serve_command(args.profile), cwd=ROOT,
        env={**env, "PORT": str(weir_port), "HOST": "127.0.0.1", "STORAGE_PATH": str(storage)},
        stdout=(folder / "weir.log").open("wb"), stderr=subprocess.STDOUT,
    )
    try:
        wait_for(listening(up_port), 30, "the fake upstream")
        wait_for(healthy(base), 120, f"weir to serve /health (log: {folder / 'weir.log'})")
        key = configure(base, upstream_url)
        direct = lambda http, n: direct_stream(http, upstream_url, n)  # noqa: E731
        via = lambda http, n: weir_stream(http, base, key, n)  # noqa: E731

        print(f"warming up ({args.warmup} streams each side) …", flush=True)
        asyncio.run(run_streams(direct, args.warmup, args.concurrency))
        asyncio.run(run_streams(via, args.warmup, args.concurrency))
        idle_rss = sum(rss_of(api_processes(weir.pid)))

        print(f"(a) direct: {args.requests} streams, {args.concurrency} concurrent …", flush=True)
        direct_run = asyncio.run(run_streams(direct, args.requests, args.concurrency))

        print(f"(b) via weir: {args.requests} streams, {args.concurrency} concurrent …", flush=True)
        gauges, done = Gauges(), threading.Event()
        db_url = f"postgresql://postgres:@/weir?host={storage / 'pgdata'}"
        sampler = threading.Thread(target=sample_gauges, args=(db_url, weir.pid, done, gauges), daemon=True)
        sampler.start()
        who = parties(weir.pid, fake.pid, storage / "pgdata")
        if args.profile:
            weir.send_signal(signal.SIGUSR1)  # profile_serve.py: profile only this round
        before, messages_before = cpu_seconds(who), stored_messages(db_url)
        via_run = asyncio.run(run_streams(via, args.requests, args.concurrency))
        gauges.cpu = {party: spent - before[party] for party, spent in cpu_seconds(who).items()}
        done.set()
        sampler.join(5)
        accepted = sum(1 for sample in via_run.samples if sample.status == 200)
        stored = wait_stored(db_url, messages_before, accepted)

        print()
        print(report(direct_run, via_run, gauges, idle_rss, args, stored))
    finally:
        stop(weir, 300 if args.profile else 30)  # a profiler writes its report as the process stops
        stop(fake)
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
