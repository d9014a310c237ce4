"""Agent-chat apps: what weir adds to each round of an agent, beside the time its upstream spends.

Starts bench/agent_upstream.py (its own process: a scripted OpenAI-compatible model that calls the `lookup`
tool `--rounds` times before it answers, and `lookup` itself, a loopback HTTP service) and weir (a real
`python -m entrypoints.serve` on embedded defaults in a temporary STORAGE_PATH, HTTP_REQUEST_ALLOWED_HOSTS
letting custom tools reach 127.0.0.1). Through the console API: the owner, an `openai_api_compatible`
provider on the scripted model, a custom (OpenAPI) tool provider for `lookup`, an agent-chat app whose
agent_mode calls it (function calling). Then streams `--requests` chats on /v1/chat-messages, `--concurrency`
at a time, each tagged so the upstream can say how long it spent on that chat (model turns and tool calls).

A chat has rounds + 1 model turns (the tool rounds and the answer). Weir's overhead per round is
(the chat's time seen by the client − the upstream's time for that chat) / (rounds + 1): routing, the
agent loop, tool lookup and parameter checks, the OpenAPI call's own HTTP client, thoughts stored and
streamed, the message saved.

    uv run python bench/agent.py [--requests 200] [--concurrency 10] [--rounds 3]
"""

import argparse
import asyncio
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml


def _chat_stream():
    spec = importlib.util.spec_from_file_location("chat_stream", Path(__file__).resolve().parent / "chat_stream.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_cs = _chat_stream()
free_port, healthy, listening, stop, wait_for = _cs.free_port, _cs.healthy, _cs.listening, _cs.stop, _cs.wait_for

ROOT = Path(__file__).resolve().parents[1]
OWNER = {"email": "bench@example.com", "name": "Bench", "password": "bench-secret-1"}
MODEL = "bench-model"
WS = "/console/api/workspaces/current"


@dataclass
class Chat:
    tag: str
    total: float  # seconds, client side, request to message_end
    thoughts: int
    ok: bool


def openapi(base: str) -> str:
    return yaml.safe_dump(
        {
            "openapi": "3.0.0",
            "info": {"title": "Lookup", "description": "A loopback lookup"},
            "servers": [{"url": base}],
            "paths": {
                "/lookup": {
                    "get": {
                        "operationId": "lookup",
                        "summary": "Looks a value up",
                        "parameters": [
                            {"name": "tag", "in": "query", "required": True, "schema": {"type": "string"}},
                            {"name": "step", "in": "query", "required": True, "schema": {"type": "integer"}},
                        ],
                    }
                }
            },
        }
    )


def configure(base: str, upstream: str, rounds: int) -> str:
    with httpx.Client(base_url=base, timeout=30) as http:
        http.post("/console/api/setup", json=OWNER).raise_for_status()
        login = http.post("/console/api/login", json={"email": OWNER["email"], "password": OWNER["password"]})
        headers = {"Authorization": f"Bearer {login.raise_for_status().json()['data']['access_token']}"}
        credentials = {
            "api_key": "sk-bench",
            "endpoint_url": f"{upstream}/v1",
            "models": [{"name": MODEL, "context_size": 8192}],
        }
        http.post(
            f"{WS}/model-providers/openai_api_compatible/credentials",
            json={"credentials": credentials},
            headers=headers,
        ).raise_for_status()
        http.post(
            f"{WS}/tool-provider/api/add",
            headers=headers,
            json={
                "provider": "lookup",
                "schema": openapi(upstream),
                "schema_type": "openapi",
                "credentials": {"auth_type": "none"},
                "icon": {"content": "🔎", "background": "#fff"},
            },
        ).raise_for_status()
        [provider] = http.get(f"{WS}/tools/api", headers=headers).raise_for_status().json()
        app = http.post("/console/api/apps", json={"name": "Agent bench", "mode": "agent-chat"}, headers=headers)
        app_id = app.raise_for_status().json()["id"]
        tool = {
            "enabled": True,
            "provider_type": "api",
            "provider_id": provider["id"],
            "provider_name": "lookup",
            "tool_name": "lookup",
            "tool_parameters": {},
        }
        config = {
            "model": {"provider": "openai_api_compatible", "name": MODEL, "mode": "chat", "completion_params": {}},
            "pre_prompt": "Look things up.",
            "agent_mode": {"enabled": True, "strategy": "function_call", "max_iteration": rounds + 2, "tools": [tool]},
        }
        http.post(f"/console/api/apps/{app_id}/model-config", json=config, headers=headers).raise_for_status()
        return http.post(f"/console/api/apps/{app_id}/api-keys", headers=headers).raise_for_status().json()["token"]


async def one_chat(http: httpx.AsyncClient, base: str, key: str, n: int) -> Chat:
    tag = f"chat-{n}"
    body = {"query": f"Please look up {tag}", "inputs": {}, "user": f"bench-{n % 20}", "response_mode": "streaming"}
    started = time.perf_counter()
    thoughts, ended = set(), False
    async with http.stream(
        "POST", f"{base}/v1/chat-messages", json=body, headers={"Authorization": f"Bearer {key}"}
    ) as response:
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                event = json.loads(line[6:])
                if event["event"] == "agent_thought":
                    thoughts.add(event["position"])
                elif event["event"] == "message_end":
                    ended = True
        ok = response.status_code == 200 and ended
    return Chat(tag, time.perf_counter() - started, len(thoughts), ok)


async def run_chats(base: str, key: str, requests: int, concurrency: int, first: int = 0) -> list[Chat]:
    async with httpx.AsyncClient(timeout=120) as http:
        queue = list(range(first, first + requests))
        chats: list[Chat] = []

        async def worker() -> None:
            while queue:
                chats.append(await one_chat(http, base, key, queue.pop()))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return chats


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))] if values else float("nan")


def report(chats: list[Chat], spent: dict, args, wall: float, cpu: dict[str, float]) -> str:
    turns = args.rounds + 1
    good = [c for c in chats if c.ok and c.tag in spent]
    total = [c.total for c in good]
    upstream = [spent[c.tag]["model"] + spent[c.tag]["tool"] for c in good]
    per_round_up = [u / turns for u in upstream]
    overhead = [(c.total - u) / turns for c, u in zip(good, upstream, strict=True)]
    ms = lambda s: f"{s * 1000:9.2f}"  # noqa: E731
    rows = [f"{'':34}{'p50':>9}{'p99':>9}"]
    for label, values in (
        ("chat, client side (ms)", total),
        ("upstream per chat (ms)", upstream),
        ("upstream per round (ms)", per_round_up),
        ("weir overhead per round (ms)", overhead),
    ):
        rows.append(f"{label:34}{ms(pct(values, 0.5))}{ms(pct(values, 0.99))}")
    rounds_seen = sorted({c.thoughts for c in good})
    all_rounds = max(1, len(good) * turns)
    rows += [
        "",
        "CPU per round: "
        + ", ".join(f"{who} {spent_s / all_rounds * 1000:.1f} ms" for who, spent_s in cpu.items())
        + " (what the wall-clock rows cost when the machine is not shared)",
        f"ok chats: {len(good)}/{len(chats)}; thoughts per chat: {rounds_seen}; "
        f"throughput {len(good) / wall:.1f} chats/s ({wall:.1f} s)",
        f"{args.rounds} tool rounds + 1 answer per chat, {args.concurrency} concurrent; the model writes "
        f"{args.tokens} tokens {args.delay * 1000:g} ms apart; {os.cpu_count()} CPUs shared by client, upstream, "
        "weir and PostgreSQL.",
    ]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=10)
    parser.add_argument("--delay", type=float, default=0.001)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="weir-agent-bench-"))
    up_port, weir_port = free_port(), free_port()
    upstream = f"http://127.0.0.1:{up_port}"
    base = f"http://127.0.0.1:{weir_port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "REDIS_", "SECRET_KEY", "OPENAI_"))}
    fake = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bench" / "agent_upstream.py"),
            "--port",
            str(up_port),
            "--rounds",
            str(args.rounds),
            "--tokens",
            str(args.tokens),
            "--delay",
            str(args.delay),
        ],
        stdout=(folder / "upstream.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    weir = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.serve"],
        cwd=ROOT,
        env={
            **env,
            "PORT": str(weir_port),
            "HOST": "127.0.0.1",
            "STORAGE_PATH": str(folder / "storage"),
            "HTTP_REQUEST_ALLOWED_HOSTS": "127.0.0.1",
        },
        stdout=(folder / "weir.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(listening(up_port), 30, "the agent upstream")
        wait_for(healthy(base), 120, f"weir to serve /health (log: {folder / 'weir.log'})")
        key = configure(base, upstream, args.rounds)
        print(f"warming up ({args.warmup} chats) …", flush=True)
        asyncio.run(run_chats(base, key, args.warmup, args.concurrency, first=10**6))
        httpx.post(f"{upstream}/reset").raise_for_status()
        print(f"{args.requests} agent chats, {args.concurrency} concurrent …", flush=True)
        who = _cs.parties(weir.pid, fake.pid, folder / "storage" / "pgdata")
        before = _cs.cpu_seconds(who)
        started = time.perf_counter()
        chats = asyncio.run(run_chats(base, key, args.requests, args.concurrency))
        wall = time.perf_counter() - started
        cpu = {party: spent_s - before[party] for party, spent_s in _cs.cpu_seconds(who).items()}
        spent = httpx.get(f"{upstream}/stats").raise_for_status().json()
        print()
        print(report(chats, spent, args, wall, cpu))
    finally:
        stop(weir)
        stop(fake)
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
