"""Workflow runs over real HTTP: the empty workflow's throughput and latency, and the engine's cost per node.

Starts weir (a real `python -m entrypoints.serve` on embedded defaults in a temporary STORAGE_PATH, as
bench/chat_stream.py does), sets it up through the console API (setup, login, `POST /console/api/apps/imports`
with generated Dify DSL YAML and `publish: true`, a Service API key per app), then measures with httpx:

  (a) an empty workflow (start → end), `POST /v1/workflows/run` blocking, at 1, 10 and 50 concurrent clients:
      runs/s and p50/p99 latency as the client sees it.
  (b) 30-node chains (start, 28 template-transform / if-else / code nodes, end), streamed: per node the
      `node_finished` elapsed_time, per run the `workflow_finished` elapsed_time. Engine overhead per node =
      (run elapsed − sum of node elapsed) / nodes. Two graphs: one without code nodes, one with a few code
      nodes (each starts a sandboxed subprocess), so a code node's cost shows apart from the engine's.
      Blocking latency of both graphs from the client too.

    uv run python bench/workflow.py [--requests 500] [--graph-runs 40] [--concurrency 1,10,50]
"""

import argparse
import asyncio
import importlib.util
import json
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import yaml


def _chat_stream():
    """bench/chat_stream.py's process helpers, loaded from its file (not through sys.path)."""
    spec = importlib.util.spec_from_file_location("chat_stream", Path(__file__).resolve().parent / "chat_stream.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_cs = _chat_stream()
free_port, healthy, stop, wait_for = _cs.free_port, _cs.healthy, _cs.stop, _cs.wait_for

ROOT = Path(__file__).resolve().parents[1]
OWNER = {"email": "bench@example.com", "name": "Bench", "password": "bench-secret-1"}
GRAPH_NODES = 30  # start + 28 + end


# ------------------------------------------------------------------------------------------------ the DSL


def _node(node_id: str, data: dict) -> dict:
    return {"id": node_id, "type": "custom", "data": data}


def _edge(source: str, target: str, handle: str = "source") -> dict:
    return {"id": f"{source}-{handle}-{target}", "source": source, "sourceHandle": handle, "target": target,
            "targetHandle": "target", "type": "custom"}


def _dsl(name: str, nodes: list[dict], edges: list[dict]) -> str:
    return yaml.safe_dump({
        "app": {"name": name, "mode": "workflow", "description": "", "icon": "🤖", "icon_background": "#FFEAD5",
                "use_icon_as_answer_icon": False},
        "kind": "app",
        "version": "0.3.0",
        "dependencies": [],
        "workflow": {"conversation_variables": [], "environment_variables": [], "features": {},
                     "graph": {"nodes": nodes, "edges": edges}},
    }, allow_unicode=True, sort_keys=False)


START = _node("start", {"type": "start", "title": "Start", "variables": [
    {"variable": "text", "label": "Text", "type": "text-input", "required": False, "max_length": 256}]})


def empty_dsl() -> str:
    end = _node("end", {"type": "end", "title": "End", "outputs": []})
    return _dsl("Bench empty", [START, end], [_edge("start", "end")])


def chain_dsl(code_nodes: int) -> str:
    """start → 28 nodes (if-else and template-transform alternating, `code_nodes` of them code) → end.

    Every if-else is true (its false branch leads nowhere), so all 30 nodes run in order."""
    middle = GRAPH_NODES - 2
    code_at = {round((i + 1) * middle / (code_nodes + 1)) for i in range(code_nodes)} if code_nodes else set()
    nodes, edges, previous, last_text = [START], [], "start", ["start", "text"]
    for i in range(middle):
        node_id = f"n{i:02d}"
        if i in code_at:
            data = {"type": "code", "title": f"Code {i}", "code_language": "python3",
                    "code": "def main(text: str) -> dict:\n    return {\"result\": text + \"!\"}\n",
                    "variables": [{"variable": "text", "value_selector": last_text}],
                    "outputs": {"result": {"type": "string", "children": None}}}
            last_text = [node_id, "result"]
        elif i % 2 == 0:
            data = {"type": "template-transform", "title": f"Template {i}", "template": "{{ text }} {{ i }}",
                    "variables": [{"variable": "text", "value_selector": last_text},
                                  {"variable": "i", "value_selector": ["start", "text"]}]}
            last_text = [node_id, "output"]
        else:
            data = {"type": "if-else", "title": f"If {i}", "cases": [{
                "case_id": "true", "logical_operator": "and",
                "conditions": [{"id": f"c{i}", "variable_selector": last_text, "comparison_operator": "not empty",
                                "value": "", "varType": "string"}]}]}
        nodes.append(_node(node_id, data))
        edges.append(_edge(previous, node_id))
        previous = node_id
    nodes.append(_node("end", {"type": "end", "title": "End", "outputs": [
        {"variable": "text", "value_selector": last_text, "value_type": "string"}]}))
    edges.append(_edge(previous, "end"))
    # the edge leaving an if-else uses its 'true' handle
    kinds = {n["id"]: n["data"]["type"] for n in nodes}
    for edge in edges:
        if kinds[edge["source"]] == "if-else":
            edge["sourceHandle"] = "true"
            edge["id"] = f"{edge['source']}-true-{edge['target']}"
    return _dsl(f"Bench chain ({code_nodes} code)", nodes, edges)


# ------------------------------------------------------------------------------------------------ weir setup


def configure(base: str, dsls: dict[str, str]) -> dict[str, str]:
    """Console API over HTTP: the owner, then each DSL imported and published; returns an app key per name."""
    keys = {}
    with httpx.Client(base_url=base, timeout=60) as http:
        http.post("/console/api/setup", json=OWNER).raise_for_status()
        login = http.post("/console/api/login", json={"email": OWNER["email"], "password": OWNER["password"]})
        headers = {"Authorization": f"Bearer {login.raise_for_status().json()['data']['access_token']}"}
        for name, dsl in dsls.items():
            imported = http.post("/console/api/apps/imports", headers=headers,
                                 json={"mode": "yaml-content", "yaml_content": dsl, "publish": True})
            body = imported.raise_for_status().json()
            if body.get("status") != "completed":
                raise SystemExit(f"import of {name} did not complete: {body}")
            key = http.post(f"/console/api/apps/{body['app_id']}/api-keys", headers=headers)
            keys[name] = key.raise_for_status().json()["token"]
    return keys


# ------------------------------------------------------------------------------------------------ the client


@dataclass
class Level:
    concurrency: int
    latencies: list[float] = field(default_factory=list)  # seconds, succeeded runs only
    failures: int = 0
    wall: float = 0.0
    cpu_ms: float = 0.0  # weir's CPU per run while this level ran

    def pct(self, q: float) -> float:
        values = sorted(self.latencies)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0


async def blocking_runs(base: str, key: str, requests: int, concurrency: int) -> Level:
    level = Level(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        queue = list(range(requests))

        async def worker() -> None:
            while queue:
                n = queue.pop()
                body = {"inputs": {"text": f"run {n}"}, "response_mode": "blocking", "user": f"bench-{n % 50}"}
                started = time.perf_counter()
                try:
                    response = await http.post("/v1/workflows/run", json=body, headers=headers)
                    ok = response.status_code == 200 and response.json()["data"]["status"] == "succeeded"
                except (httpx.HTTPError, KeyError, ValueError):
                    ok = False
                if ok:
                    level.latencies.append(time.perf_counter() - started)
                else:
                    level.failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        level.wall = time.perf_counter() - started
    return level


@dataclass
class GraphRun:
    run_elapsed: float  # workflow_finished elapsed_time, seconds
    nodes: list[tuple[str, float]]  # (node_type, elapsed_time) per node_finished
    client: float  # seconds from request to the last byte


async def streamed_run(http: httpx.AsyncClient, key: str, n: int) -> GraphRun:
    body = {"inputs": {"text": f"run {n}"}, "response_mode": "streaming", "user": "bench"}
    nodes, run_elapsed = [], None
    started = time.perf_counter()
    async with http.stream("POST", "/v1/workflows/run", json=body, headers={"Authorization": f"Bearer {key}"}) as r:
        r.raise_for_status()
        async for line in r.aiter_lines():
            if not line.startswith("data: "):
                continue
            event = json.loads(line[6:])
            if event["event"] == "node_finished":
                data = event["data"]
                if data["status"] != "succeeded":
                    raise SystemExit(f"node {data['title']} {data['status']}: {data.get('error')}")
                nodes.append((data["node_type"], data["elapsed_time"]))
            elif event["event"] == "workflow_finished":
                if event["data"]["status"] != "succeeded":
                    raise SystemExit(f"run {event['data']['status']}: {event['data'].get('error')}")
                run_elapsed = event["data"]["elapsed_time"]
    if run_elapsed is None:
        raise SystemExit("the stream ended without workflow_finished")
    return GraphRun(run_elapsed, nodes, time.perf_counter() - started)


async def graph_runs(base: str, key: str, runs: int) -> list[GraphRun]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        return [await streamed_run(http, key, n) for n in range(runs)]


# ------------------------------------------------------------------------------------------------ the tables


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f}"


def empty_table(levels: list[Level]) -> str:
    rows = ["(a) empty workflow (start → end), blocking, POST /v1/workflows/run",
            f"{'clients':>8}{'runs':>7}{'failed':>8}{'runs/s':>9}{'p50 (ms)':>10}{'p99 (ms)':>10}{'weir CPU/run':>14}"]
    for level in levels:
        rows.append(f"{level.concurrency:8d}{len(level.latencies):7d}{level.failures:8d}{level.rate:9.1f}"
                    f"{ms(level.pct(0.5)):>10}{ms(level.pct(0.99)):>10}{level.cpu_ms:11.2f} ms")
    return "\n".join(rows)


def graph_table(results: dict[str, tuple[list[GraphRun], Level]]) -> str:
    rows = ["(b) 30-node chains, one client; elapsed times from the stream (node_finished, workflow_finished)",
            f"{'graph':<22}{'run p50':>9}{'run p99':>9}{'nodes':>7}{'sum nodes':>11}{'overhead/node':>15}"
            f"{'blocking p50':>14}{'p99':>9}"]
    by_type: dict[str, list[float]] = defaultdict(list)
    for name, (runs, blocking) in results.items():
        run_p50 = statistics.median(r.run_elapsed for r in runs)
        run_p99 = sorted(r.run_elapsed for r in runs)[min(len(runs) - 1, round(0.99 * (len(runs) - 1)))]
        node_sums = [sum(e for _, e in r.nodes) for r in runs]
        per_node = [(r.run_elapsed - s) / len(r.nodes) for r, s in zip(runs, node_sums, strict=True)]
        for r in runs:
            for kind, elapsed in r.nodes:
                by_type[f"{kind} ({name})"].append(elapsed)
        rows.append(f"{name:<22}{ms(run_p50):>9}{ms(run_p99):>9}{len(runs[0].nodes):7d}"
                    f"{ms(statistics.median(node_sums)):>11}{ms(statistics.median(per_node)):>15}"
                    f"{ms(blocking.pct(0.5)):>14}{ms(blocking.pct(0.99)):>9}")
    rows += ["", "node elapsed_time by type (ms):", f"{'':36}{'n':>6}{'p50':>9}{'p99':>9}{'mean':>9}"]
    for kind, values in sorted(by_type.items()):
        values.sort()
        p99 = values[min(len(values) - 1, round(0.99 * (len(values) - 1)))]
        rows.append(f"{kind:36}{len(values):6d}{ms(values[len(values) // 2]):>9}{ms(p99):>9}"
                    f"{ms(statistics.fmean(values)):>9}")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500, help="empty-workflow runs per concurrency level")
    parser.add_argument("--concurrency", default="1,10,50", help="comma-separated client counts for (a)")
    parser.add_argument("--graph-runs", type=int, default=40, help="runs of each 30-node graph for (b)")
    parser.add_argument("--code-nodes", type=int, default=3, help="code nodes in the second 30-node graph")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (log, pgdata)")
    parser.add_argument("--profile", type=Path, help="run weir under cProfile (CPU time), its stats into this file")
    parser.add_argument("--redis-url", help="REDIS_URL for weir (default: none, weir's in-process defaults)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="weir-bench-wf-"))
    storage = folder / "storage"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "REDIS_", "SECRET_KEY", "OPENAI_"))}
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    weir = subprocess.Popen(
        _cs.serve_command(args.profile), cwd=ROOT,
        env={**env, "PORT": str(port), "HOST": "127.0.0.1", "STORAGE_PATH": str(storage)},
        stdout=(folder / "weir.log").open("wb"), stderr=subprocess.STDOUT,
    )
    try:
        wait_for(healthy(base), 120, f"weir to serve /health (log: {folder / 'weir.log'})")
        no_code, with_code = "30 nodes, 0 code", f"30 nodes, {args.code_nodes} code"
        keys = configure(base, {"empty": empty_dsl(), no_code: chain_dsl(0), with_code: chain_dsl(args.code_nodes)})
        process = psutil.Process(weir.pid)

        def cpu() -> float:
            times = process.cpu_times()
            return times.user + times.system

        print(f"warming up ({args.warmup} runs) …", flush=True)
        asyncio.run(blocking_runs(base, keys["empty"], args.warmup, 10))
        if args.profile:
            weir.send_signal(signal.SIGUSR1)  # profile_serve.py: profile the measured runs only
        levels = []
        for concurrency in (int(c) for c in args.concurrency.split(",")):
            print(f"(a) empty workflow: {args.requests} runs, {concurrency} concurrent …", flush=True)
            before = cpu()
            level = asyncio.run(blocking_runs(base, keys["empty"], args.requests, concurrency))
            level.cpu_ms = (cpu() - before) / max(1, args.requests) * 1000
            levels.append(level)

        results = {}
        for name in (no_code, with_code):
            print(f"(b) {name}: {args.graph_runs} streamed + {args.graph_runs} blocking runs …", flush=True)
            asyncio.run(graph_runs(base, keys[name], 3))  # warm-up
            runs = asyncio.run(graph_runs(base, keys[name], args.graph_runs))
            results[name] = (runs, asyncio.run(blocking_runs(base, keys[name], args.graph_runs, 1)))

        print()
        print(empty_table(levels))
        print(f"target (issue 6): >= 200 runs/s, p50 <= 10 ms on 2 cores; {os.cpu_count()} CPUs here, "
              "shared by the client, weir and PostgreSQL")
        print()
        print(graph_table(results))
    finally:
        stop(weir, 300 if args.profile else 30)  # a profiler writes its report as the process stops
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
