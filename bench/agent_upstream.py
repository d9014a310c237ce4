"""The agent benchmark's upstream, in its own process: a scripted OpenAI-compatible model that calls a tool
ROUNDS times before it answers, and the loopback tool it calls (an HTTP service described by OpenAPI).

`POST /v1/chat/completions` (streamed): while the request holds fewer than ROUNDS tool results, the answer
is one `lookup` tool call (arguments `{"tag": <the chat's tag>, "step": k}`), else TOKENS text deltas.
`GET /lookup?tag=..&step=..`: a small JSON answer. `GET /stats` gives, per chat tag, the seconds the model
and the tool spent answering (from the request read to the last byte written); `POST /reset` clears them.

    python bench/agent_upstream.py --port 8902 [--rounds 3] [--tokens 10] [--delay 0.001]
"""

import argparse
import asyncio
import contextlib
import json
import re
import time
from collections import defaultdict
from urllib.parse import parse_qs, urlsplit

TAG = re.compile(r"chat-(\d+)")


def _chunk(payload: dict) -> bytes:
    data = f"data: {json.dumps(payload)}\n\n".encode()
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _delta(delta: dict, finish: str | None = None) -> bytes:
    return _chunk(
        {
            "id": "c",
            "object": "chat.completion.chunk",
            "model": "bench-model",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
    )


class AgentUpstream:
    def __init__(self, rounds: int, tokens: int, delay: float) -> None:
        self.rounds, self.tokens, self.delay = rounds, tokens, delay
        self.spent: dict[str, dict[str, float]] = defaultdict(lambda: {"model": 0.0, "tool": 0.0, "calls": 0})

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                started = time.perf_counter()
                line, *rest = head.decode("latin-1").split("\r\n")
                headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in rest if h)}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                target = line.split(" ")[1]
                url = urlsplit(target)
                if url.path.endswith("/chat/completions"):
                    await self._model(json.loads(body), writer, started)
                elif url.path == "/lookup":
                    self._tool(parse_qs(url.query), writer, started)
                elif url.path == "/stats":
                    self._json(writer, self.spent)
                elif url.path == "/reset":
                    self.spent.clear()
                    self._json(writer, {"result": "ok"})
                else:
                    self._json(writer, {"error": "not found"}, status="404 Not Found")
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _model(self, request: dict, writer: asyncio.StreamWriter, started: float) -> None:
        messages = request.get("messages") or []
        tag = next(
            (
                m.group(0)
                for msg in messages
                if msg.get("role") == "user"
                for m in [TAG.search(str(msg.get("content")))]
                if m
            ),
            "chat-?",
        )
        done = sum(1 for msg in messages if msg.get("role") == "tool")
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
            + _delta({"role": "assistant", "content": ""})
        )
        if done < self.rounds and request.get("tools"):
            await asyncio.sleep(self.delay * self.tokens)  # the model "thinks" as long as it would write
            call = {
                "index": 0,
                "id": f"call-{done}",
                "type": "function",
                "function": {"name": "lookup", "arguments": json.dumps({"tag": tag, "step": done})},
            }
            writer.write(_delta({"tool_calls": [call]}) + _delta({}, "tool_calls"))
        else:
            for i in range(self.tokens):
                await asyncio.sleep(self.delay)
                writer.write(_delta({"content": f"w{i} "}))
                await writer.drain()
            writer.write(_delta({}, "stop"))
        usage = {"prompt_tokens": 20, "completion_tokens": self.tokens, "total_tokens": 20 + self.tokens}
        writer.write(_chunk({"id": "c", "choices": [], "usage": usage}))
        done_event = b"data: [DONE]\n\n"
        writer.write(f"{len(done_event):x}\r\n".encode() + done_event + b"\r\n0\r\n\r\n")
        await writer.drain()
        spent = self.spent[tag]
        spent["model"] += time.perf_counter() - started
        spent["calls"] += 1

    def _tool(self, query: dict, writer: asyncio.StreamWriter, started: float) -> None:
        tag = (query.get("tag") or ["chat-?"])[0]
        self._json(writer, {"tag": tag, "step": (query.get("step") or ["0"])[0], "value": 42})
        self.spent[tag]["tool"] += time.perf_counter() - started

    def _json(self, writer: asyncio.StreamWriter, body: object, status: str = "200 OK") -> None:
        data = json.dumps(body).encode()
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode()
            + data
        )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=10)
    parser.add_argument("--delay", type=float, default=0.001)
    args = parser.parse_args()
    upstream = AgentUpstream(args.rounds, args.tokens, args.delay)
    server = await asyncio.start_server(upstream.handle, "127.0.0.1", args.port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
