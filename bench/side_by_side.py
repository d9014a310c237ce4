"""One run, one scripted upstream, four columns: the upstream alone, weir's /v1/chat-messages, LiteLLM's
proxy in front of the same upstream, and weir's empty workflow, at 1, 10 and 50 concurrent clients.

The upstream is bench/fake_upstream.py (20 tokens 1 ms apart by default, its own process); weir is a real
`python -m entrypoints.serve` on embedded defaults in a temporary STORAGE_PATH (SERVER_WORKER_AMOUNT and
REDIS_URL pass through when set); LiteLLM is installed by this script into a throwaway virtualenv from PyPI
(`litellm[proxy]`, never a weir dependency) and run as `litellm --config … --num_workers 1`; when it cannot be
installed or started its column says so and the rest still runs. TTFT overhead = the column's TTFT p50 − the
upstream's own TTFT p50 at the same concurrency. The last line prints the ratios issue 15 asks for.

`--workers 1,2` (with `--redis-url`, which SERVER_WORKER_AMOUNT > 1 needs) measures weir's chat column once per
process count, each a weir of its own started with SERVER_WORKER_AMOUNT=N and that REDIS_URL; the first count is
the main table's weir, the others are printed below it (with the same upstream, the same levels).

    uv run python bench/side_by_side.py [--requests 200] [--concurrency 1,10,50] [--no-litellm]
    uv run python bench/side_by_side.py --workers 1,2 --redis-url redis://127.0.0.1:6379/8 --no-litellm
"""

import argparse
import asyncio
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cs = _load("chat_stream")
wf = _load("workflow")

LITELLM_CONFIG = """model_list:
  - model_name: {model}
    litellm_params:
      model: openai/{model}
      api_base: {upstream}
      api_key: sk-bench
litellm_settings:
  drop_params: true
"""


def workflow_key(base: str) -> str:
    """The empty workflow (start → end) imported and published through the console API; its app key."""
    with httpx.Client(base_url=base, timeout=60) as http:
        login = http.post("/console/api/login", json={"email": cs.OWNER["email"], "password": cs.OWNER["password"]})
        headers = {"Authorization": f"Bearer {login.raise_for_status().json()['data']['access_token']}"}
        body = {"mode": "yaml-content", "yaml_content": wf.empty_dsl(), "publish": True}
        imported = http.post("/console/api/apps/imports", headers=headers, json=body).raise_for_status().json()
        key = http.post(f"/console/api/apps/{imported['app_id']}/api-keys", headers=headers)
        return key.raise_for_status().json()["token"]


def _install_litellm(venv: Path, uv: str, log) -> None:
    if Path(uv).exists():
        subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True, stdout=log, stderr=log)
        install = [uv, "pip", "install", "-q", "--python", str(venv / "bin" / "python"), "litellm[proxy]"]
    else:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, stdout=log, stderr=log)
        install = [str(venv / "bin" / "pip"), "install", "-q", "litellm[proxy]"]
    subprocess.run(install, check=True, stdout=log, stderr=log, timeout=900)


def start_litellm(
    folder: Path, upstream: str, port: int, venv: Path | None = None
) -> tuple[subprocess.Popen | None, str]:
    """LiteLLM's proxy in its own virtualenv (`venv`, else a new one installed here); (process, "") or
    (None, why not)."""
    reuse = venv is not None and (venv / "bin" / "litellm").exists()
    venv = venv or folder / "litellm-venv"
    log = (folder / "litellm-install.log").open("wb")
    uv = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")
    try:
        if not reuse:
            _install_litellm(venv, uv, log)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        tail = (folder / "litellm-install.log").read_text(errors="replace").strip().splitlines()[-3:]
        return None, f"LiteLLM could not be installed ({error}): " + " | ".join(tail)
    config = folder / "litellm.yaml"
    config.write_text(LITELLM_CONFIG.format(model=cs.MODEL, upstream=upstream))
    # Recent releases refuse to start without a master key; the bench's clients send this one.
    env = {**os.environ, "LITELLM_LOG": "ERROR", "LITELLM_TELEMETRY": "False", "LITELLM_MASTER_KEY": "sk-bench"}
    process = subprocess.Popen(
        [
            str(venv / "bin" / "litellm"),
            "--config",
            str(config),
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--num_workers",
            "1",
        ],
        env=env,
        stdout=(folder / "litellm.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        cs.wait_for(cs.listening(port), 300, "LiteLLM's proxy")
    except SystemExit as error:
        cs.stop(process)
        tail = (folder / "litellm.log").read_text(errors="replace").strip().splitlines()[-5:]
        return None, f"LiteLLM did not start ({error}); its log ends: " + " | ".join(tail)
    return process, ""


def start_weir(folder: Path, env: dict, port: int, workers: int | None, name: str = "weir") -> subprocess.Popen:
    extra = {"SERVER_WORKER_AMOUNT": str(workers)} if workers is not None else {}
    return subprocess.Popen(
        cs.serve_command(None),
        cwd=HERE.parent,
        env={**env, **extra, "PORT": str(port), "HOST": "127.0.0.1", "STORAGE_PATH": str(folder / name)},
        stdout=(folder / f"{name}.log").open("wb"),
        stderr=subprocess.STDOUT,
    )


def more_processes(folder: Path, env: dict, workers: int, upstream: str, args, levels: list[int]) -> dict:
    """weir's chat column with SERVER_WORKER_AMOUNT=workers, a weir of its own: {concurrency: Run}."""
    port = cs.free_port()
    base, name = f"http://127.0.0.1:{port}", f"weir-{workers}"
    weir = start_weir(folder, env, port, workers, name)
    try:
        cs.wait_for(cs.healthy(base), 180, f"weir x{workers} (log: {folder / (name + '.log')})")
        key = cs.configure(base, upstream)
        make = lambda http, n: cs.weir_stream(http, base, key, n)  # noqa: E731
        asyncio.run(cs.run_streams(make, args.warmup, 10))
        print(f"SERVER_WORKER_AMOUNT={workers} …", flush=True)
        return {c: asyncio.run(cs.run_streams(make, args.requests, c)) for c in levels}
    finally:
        cs.stop(weir)


def overhead_ms(runs: dict, name: str) -> float:
    return (runs[name].pct("ttft", 0.5) - runs["direct"].pct("ttft", 0.5)) * 1000


def column(runs: dict, name: str) -> str:
    """A chat column's cell: TTFT overhead p50 over the upstream's own, and streams per second."""
    if name not in runs:
        return "n/a"
    return f"{fmt(overhead_ms(runs, name), ' ms')}, {fmt(runs[name].throughput)}"


def fmt(value: float, unit: str = "") -> str:
    return "n/a" if value != value else f"{value:.1f}{unit}"  # NaN: nothing measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="requests per column and concurrency")
    parser.add_argument("--concurrency", default="1,10,50")
    parser.add_argument("--tokens", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.001)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--no-litellm", action="store_true", help="skip the LiteLLM column")
    parser.add_argument("--litellm-venv", type=Path, help="a virtualenv with litellm[proxy] installed (else installed)")
    parser.add_argument("--workers", help="weir's chat column once per SERVER_WORKER_AMOUNT, e.g. 1,2")
    parser.add_argument("--redis-url", help="REDIS_URL for weir (needed by --workers above 1)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="weir-side-by-side-"))
    up_port, weir_port, litellm_port = cs.free_port(), cs.free_port(), cs.free_port()
    upstream = f"http://127.0.0.1:{up_port}/v1"
    base = f"http://127.0.0.1:{weir_port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "SECRET_KEY", "OPENAI_"))}
    fake = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "fake_upstream.py"),
            "--port",
            str(up_port),
            "--tokens",
            str(args.tokens),
            "--delay",
            str(args.delay),
        ],
        stdout=(folder / "upstream.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    workers = [int(w) for w in args.workers.split(",")] if args.workers else []
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    weir = start_weir(folder, env, weir_port, workers[0] if workers else None)
    litellm, why_not = None, "skipped (--no-litellm)"
    try:
        cs.wait_for(cs.listening(up_port), 30, "the fake upstream")
        cs.wait_for(cs.healthy(base), 180, f"weir (log: {folder / 'weir.log'})")
        chat_key = cs.configure(base, upstream)
        flow_key = workflow_key(base)
        if not args.no_litellm:
            print("installing LiteLLM into a throwaway virtualenv …", flush=True)
            litellm, why_not = start_litellm(folder, upstream, litellm_port, args.litellm_venv)
        litellm_base = f"http://127.0.0.1:{litellm_port}"
        columns = {
            "direct": lambda http, n: cs.direct_stream(http, upstream, n),
            "weir": lambda http, n: cs.weir_stream(http, base, chat_key, n),
        }
        if litellm is not None:
            columns["litellm"] = lambda http, n: cs.direct_stream(http, litellm_base, n)
        for make in columns.values():
            asyncio.run(cs.run_streams(make, args.warmup, 10))
        asyncio.run(wf.blocking_runs(base, flow_key, args.warmup, 10))

        rows = []
        for concurrency in (int(c) for c in args.concurrency.split(",")):
            print(f"concurrency {concurrency} …", flush=True)
            runs = {
                name: asyncio.run(cs.run_streams(make, args.requests, concurrency)) for name, make in columns.items()
            }
            flow = asyncio.run(wf.blocking_runs(base, flow_key, args.requests, concurrency))
            rows.append((concurrency, runs, flow))

        print()
        print(
            f"{'clients':>7} | {'direct req/s':>12} | {'weir TTFT+ p50, req/s':>22} | {'LiteLLM TTFT+ p50, req/s':>25}"
            f" | {'empty workflow p50, runs/s':>27}"
        )
        for concurrency, runs, flow in rows:
            chat = lambda name, runs=runs: column(runs, name)  # noqa: E731
            print(
                f"{concurrency:>7} | {fmt(runs['direct'].throughput):>12} | {chat('weir'):>22} | {chat('litellm'):>25}"
                f" | {fmt(flow.pct(0.5) * 1000, ' ms') + ', ' + fmt(flow.rate):>27}"
            )
        if litellm is None:
            print(f"LiteLLM: {why_not}")
        if workers:
            print(f"weir above: SERVER_WORKER_AMOUNT={workers[0]}" + (", REDIS_URL set" if args.redis_url else ""))
        for count in workers[1:]:
            extra = more_processes(folder, env, count, upstream, args, [c for c, _, _ in rows])
            for concurrency, runs, _ in rows:
                cell = column({**runs, "more": extra[concurrency]}, "more")
                ok = f"{len(extra[concurrency].good)}/{len(extra[concurrency].samples)}"
                print(f"{concurrency:>7} | weir with SERVER_WORKER_AMOUNT={count}: TTFT+ p50, req/s {cell} (ok {ok})")
        by = {c: (r, f) for c, r, f in rows}
        ratios = []
        if 1 in by:
            r, f = by[1]
            ratios.append(f"weir TTFT overhead p50 at 1 client {overhead_ms(r, 'weir'):.1f} ms (target <= 3)")
            ratios.append(f"empty workflow p50 at 1 client {f.pct(0.5) * 1000:.1f} ms (target <= 5)")
        if 10 in by:
            r, f = by[10]
            weir_direct = r["weir"].throughput / r["direct"].throughput
            ratios.append(f"at 10 clients weir/direct {weir_direct:.2f}x (target >= 0.5)")
            if "litellm" in r:
                ratios.append(f"weir/LiteLLM {r['weir'].throughput / r['litellm'].throughput:.2f}x (target >= 5)")
            ratios.append(f"empty workflow {f.rate:.0f} runs/s (target >= 300)")
        print(f"ratios: {'; '.join(ratios)}")
        print(
            f"{os.cpu_count()} CPUs shared by the client, the upstream, weir, PostgreSQL and LiteLLM; "
            f"{args.requests} requests per column and level."
        )
    finally:
        for process in (weir, fake, litellm):
            if process is not None:
                cs.stop(process)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
