"""Runs a folder of Dify DSL exports against weir, as a team moving its apps over would: import, publish,
call each app once through the Service API, and say what stopped the ones that did not run.

    uv run python bench/dsl_corpus.py FOLDER [--base http://127.0.0.1:5001] [--json results.json]

Without --base it starts weir itself (`python -m entrypoints.serve`, embedded defaults, a temporary
STORAGE_PATH, a free port). Every model provider a file names gets credentials pointing at a loopback
OpenAI-compatible upstream this script serves (chat completions streamed or not, embeddings, rerank), so
no file needs an API key or the outside network for its models; nodes that reach the outside world
(http-request to a public URL, a search tool that needs a key) fail as they would offline, and are counted
under their reason. The DSL files are not part of weir: point the script at your own exports.
"""

import argparse
import collections
import contextlib
import io
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import wave
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = {"email": "corpus@example.com", "name": "Corpus", "password": "corpus-run-1"}


class Upstream(BaseHTTPRequestHandler):
    """An OpenAI-compatible model that answers every chat with a short text (valid JSON when asked for it)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *_: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)) or b"{}")
        if self.path.endswith("/embeddings"):
            texts = body.get("input") if isinstance(body.get("input"), list) else [body.get("input")]
            data = [{"object": "embedding", "index": i, "embedding": [0.1] * 8} for i in range(len(texts))]
            return self._json({"object": "list", "data": data, "usage": {"prompt_tokens": 4, "total_tokens": 4}})
        if self.path.endswith("/rerank"):
            docs = body.get("documents") or []
            results = [{"index": i, "relevance_score": 0.5} for i in range(len(docs))]
            return self._json({"results": results})
        text = self._reply(body)
        if self.path.endswith("/messages"):
            return self._anthropic(body, text)
        if not body.get("stream"):
            message = {"role": "assistant", "content": text}
            usage = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
            return self._json(
                {
                    "id": "c",
                    "object": "chat.completion",
                    "model": body.get("model", "m"),
                    "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                    "usage": usage,
                }
            )
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("connection", "close")
        self.end_headers()
        base = {"id": "c", "object": "chat.completion.chunk", "model": body.get("model", "m")}
        for delta, finish in (({"role": "assistant", "content": text}, None), ({}, "stop")):
            chunk = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        usage = {**base, "choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}
        self.wfile.write(f"data: {json.dumps(usage)}\n\ndata: [DONE]\n\n".encode())
        self.close_connection = True

    def _anthropic(self, body: dict, text: str) -> None:
        """Anthropic's Messages API, for the files that name `anthropic`."""
        usage = {"input_tokens": 10, "output_tokens": 5}
        if not body.get("stream"):
            return self._json(
                {
                    "id": "m",
                    "type": "message",
                    "role": "assistant",
                    "model": body.get("model", "m"),
                    "content": [{"type": "text", "text": text}],
                    "stop_reason": "end_turn",
                    "usage": usage,
                }
            )
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("connection", "close")
        self.end_headers()
        events = [
            (
                "message_start",
                {
                    "type": "message_start",
                    "message": {
                        "id": "m",
                        "type": "message",
                        "role": "assistant",
                        "content": [],
                        "usage": {**usage, "output_tokens": 0},
                    },
                },
            ),
            (
                "content_block_start",
                {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
            ),
            (
                "content_block_delta",
                {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}},
            ),
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": usage}),
            ("message_stop", {"type": "message_stop"}),
        ]
        for name, data in events:
            self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
        self.close_connection = True

    @staticmethod
    def _reply(body: dict) -> str:
        prompt = json.dumps(body.get("messages", []))[-4000:].lower()
        if "json" in prompt or body.get("response_format"):
            return '{"category_id": "1", "result": "ok"}'
        return "ok"

    def _json(self, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def weir_process(storage: Path, upstream_host: str):
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "STORAGE_PATH": str(storage),
        "HTTP_REQUEST_ALLOWED_HOSTS": upstream_host,
        "CODE_ALLOW_WEAK_ISOLATION": "true",
    }
    log = (storage.parent / "weir.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300  # the first start installs the code sandbox's packages
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base + "/health", timeout=2).status_code in (200, 503):
                break
        if process.poll() is not None:
            raise SystemExit(f"weir exited; see {log.name}")
        time.sleep(0.2)
    try:
        yield base
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(30)


def providers_named(document: dict) -> set[str]:
    """Every model provider the file names: llm-like nodes, agent nodes, the chat app's model config."""
    found: set[str] = set()

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("provider"), str) and ("name" in value or "model" in value) and "mode" in value:
                found.add(value["provider"])
            for key in ("reranking_model", "embedding_model_provider"):
                if isinstance(value.get(key), dict) and value[key].get("provider"):
                    found.add(value[key]["provider"])
            for child in value.values():
                visit(child)
        elif isinstance(value, list):
            for child in value:
                visit(child)

    visit(document.get("workflow") or {})
    visit(document.get("model_config") or {})
    return found


def sample_inputs(document: dict, upload: Any) -> dict[str, Any]:
    """A value for each start variable of the file's form (the user_input_form of chat apps); file inputs
    get a small uploaded file of a kind the variable allows (`upload(variable)` returns its Dify file mapping)."""
    inputs: dict[str, Any] = {}
    graph = (document.get("workflow") or {}).get("graph") or {}
    variables = [
        v
        for n in graph.get("nodes", [])
        if (n.get("data") or {}).get("type") == "start"
        for v in (n["data"].get("variables") or [])
    ]
    for item in (document.get("model_config") or {}).get("user_input_form") or []:
        variables += [dict(v, type=kind) for kind, v in item.items() if isinstance(v, dict)]
    for variable in variables:
        kind, name = variable.get("type"), variable.get("variable")
        if not name:
            continue
        if kind in ("file", "file-list"):
            inputs[name] = upload(variable) if kind == "file" else [upload(variable)]
        elif kind == "number":
            inputs[name] = 1
        elif kind == "select":
            inputs[name] = next((o for o in variable.get("options") or [] if o), "a")  # a real choice, not a blank one
        elif kind in ("checkbox", "boolean"):
            inputs[name] = True
        elif kind == "json_object":
            inputs[name] = {}
        else:
            inputs[name] = "hello"
    return inputs


def _png() -> bytes:
    """A 1×1 white PNG, built by hand so the script needs no imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(
        b"IEND", b""
    )


def _wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1), sound.setsampwidth(2), sound.setframerate(8000)
        sound.writeframes(b"\x00\x00" * 800)
    return out.getvalue()


def sample_file(variable: dict[str, Any]) -> tuple[str, tuple[str, bytes, str]]:
    """(Dify file type, (name, bytes, mime)) of a file the variable accepts: a document when it takes
    documents (or anything), else an image, an audio clip, or a file with its first custom extension."""
    allowed = [str(t) for t in variable.get("allowed_file_types") or ["document"]]
    extensions = [str(e).lstrip(".").lower() for e in variable.get("allowed_file_extensions") or []]
    if "document" in allowed:
        return "document", ("note.txt", b"A short document for the corpus run.\n", "text/plain")
    if "image" in allowed:
        return "image", ("pixel.png", _png(), "image/png")
    if "audio" in allowed:
        return "audio", ("beep.wav", _wav(), "audio/wav")
    if "custom" in allowed and extensions:
        return "custom", (f"sample.{extensions[0]}", b"sample\n", "application/octet-stream")
    return "document", ("note.txt", b"A short document for the corpus run.\n", "text/plain")


class Corpus:
    def __init__(self, base: str, upstream: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=120)
        self.upstream = upstream
        self.configured: dict[str, int] = {}
        self.http.post("/console/api/setup", json=ACCOUNT)
        login = self.http.post("/console/api/login", json={"email": ACCOUNT["email"], "password": ACCOUNT["password"]})
        token = login.json()["data"]["access_token"]
        self.console = {"Authorization": f"Bearer {token}"}

    def configure(self, provider: str) -> int:
        if provider not in self.configured:
            path = f"/console/api/workspaces/current/model-providers/{provider}/credentials"
            credentials = {"api_key": "sk-corpus", "endpoint_url": self.upstream, "openai_api_base": self.upstream}
            reply = self.http.post(path, json={"credentials": credentials}, headers=self.console)
            self.configured[provider] = reply.status_code
        return self.configured[provider]

    def upload(self, service: dict[str, str], variable: dict[str, Any]) -> dict[str, Any]:
        kind, (name, content, mime) = sample_file(variable)
        files = {"file": (name, content, mime)}
        uploaded = self.http.post("/v1/files/upload", headers=service, files=files, data={"user": "corpus"}).json()
        return {"transfer_method": "local_file", "upload_file_id": uploaded.get("id"), "type": kind}

    def run(self, path: Path) -> dict[str, Any]:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            document = yaml.safe_load(text) or {}
        except yaml.YAMLError as error:
            return {"stage": "parse", "reason": f"YAML: {str(error)[:80]}"}
        mode = (document.get("app") or {}).get("mode", "?")
        unknown = sorted(p for p in providers_named(document) if self.configure(p) >= 400)
        imported = self.http.post(
            "/console/api/apps/imports",
            json={"mode": "yaml-content", "yaml_content": text, "publish": True},
            headers=self.console,
        )
        body = imported.json()
        if imported.status_code == 202 and body.get("status") == "pending":  # a version the user must confirm
            imported = self.http.post(f"/console/api/apps/imports/{body['id']}/confirm", headers=self.console)
            body = imported.json()
        if imported.status_code >= 400 or not body.get("app_id"):
            return {"mode": mode, "stage": "import", "reason": str(body.get("error") or body.get("message"))[:120]}
        app_id = body["app_id"]
        if mode in ("workflow", "advanced-chat"):
            self.http.post(f"/console/api/apps/{app_id}/workflows/publish", json={}, headers=self.console)
        key = self.http.post(f"/console/api/apps/{app_id}/api-keys", headers=self.console).json()["token"]
        service = {"Authorization": f"Bearer {key}"}
        inputs = sample_inputs(document, lambda variable: self.upload(service, variable))
        started = time.perf_counter()
        if mode == "workflow":
            reply = self.http.post(
                "/v1/workflows/run",
                headers=service,
                json={"inputs": inputs, "response_mode": "blocking", "user": "corpus"},
            )
            data = reply.json().get("data") or {}
            ok, error = data.get("status") == "succeeded", data.get("error") or reply.json().get("message")
        else:
            endpoint = "/v1/completion-messages" if mode == "completion" else "/v1/chat-messages"
            reply = self.http.post(
                endpoint,
                headers=service,
                json={"inputs": inputs, "query": "hello", "response_mode": "blocking", "user": "corpus"},
            )
            payload = reply.json()
            ok, error = reply.status_code == 200 and "answer" in payload, payload.get("message")
        outcome = {"mode": mode, "stage": "run", "ok": ok, "seconds": round(time.perf_counter() - started, 2)}
        if unknown:
            outcome["unknown_providers"] = unknown
        if not ok:
            outcome["reason"] = str(error)[:160]
        return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--base", help="a running weir; default: start one on embedded defaults")
    parser.add_argument("--json", type=Path, help="write every file's outcome here")
    args = parser.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.suffix in (".yml", ".yaml"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    upstream = f"http://127.0.0.1:{server.server_address[1]}/v1"
    with contextlib.ExitStack() as stack:
        base = args.base
        if not base:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="weir-corpus-")))
            base = stack.enter_context(weir_process(folder / "storage", "127.0.0.1"))
        corpus = Corpus(base, upstream)
        results = {}
        for path in files:
            try:
                results[path.name] = corpus.run(path)
            except (httpx.HTTPError, ValueError, KeyError) as error:
                results[path.name] = {"stage": "client", "reason": f"{type(error).__name__}: {error}"[:160]}
            outcome = results[path.name]
            status = "ok" if outcome.get("ok") else f"{outcome.get('stage')}: {outcome.get('reason', '')}"
            print(f"{path.name[:48]:48} {outcome.get('mode', '?'):14} {status}"[:220], flush=True)
    ran = sum(1 for r in results.values() if r.get("ok"))
    imported = sum(1 for r in results.values() if r.get("stage") == "run")
    reasons = collections.Counter(r.get("reason", "")[:60] for r in results.values() if not r.get("ok"))
    print(f"\n{len(files)} files: {imported} imported, {ran} ran")
    for reason, count in reasons.most_common(12):
        print(f"  {count:3}  {reason}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
