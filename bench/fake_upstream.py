"""A fake OpenAI-compatible chat-completions server for the benchmark: every request streams the same reply.

`POST /v1/chat/completions` with `"stream": true` answers with OpenAI's SSE chunks: the role, TOKENS content
deltas DELAY apart, the finish reason, a usage chunk (as with `stream_options.include_usage`) and `[DONE]`.
`POST /v1/embeddings` answers OpenAI's embeddings shape with a deterministic unit vector per input (one of a
pool of 4096 pre-encoded vectors picked by the text's CRC32: the same text always gets the same vector),
`--embedding-dimensions` long (384 by default; a request's `dimensions` picks 384 or 1536 as well).
Anything else gets a small JSON completion. HTTP/1.1 keep-alive with chunked bodies, on plain asyncio
streams (no framework in the way), so the fake costs as little CPU as possible.

    python bench/fake_upstream.py --port 8901 [--tokens 20] [--delay 0.001] [--embedding-dimensions 384]
"""

import argparse
import asyncio
import contextlib
import json
import random
import zlib

USAGE = {"prompt_tokens": 12, "completion_tokens": 20, "total_tokens": 32}


def _sse(choices: list, **extra) -> bytes:
    """One `data:` event as one HTTP chunk."""
    payload = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 0, "model": "bench-model"}
    data = f"data: {json.dumps({**payload, 'choices': choices, **extra})}\n\n".encode()
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _chunk(delta: dict | None = None, finish_reason: str | None = None) -> bytes:
    return _sse([{"index": 0, "delta": delta or {}, "finish_reason": finish_reason}])


EMBEDDING_POOL = 4096


def _vector_pool(dimension: int) -> list[bytes]:
    """Unit vectors already JSON-encoded: answering a batch costs a join, not float formatting."""
    rng = random.Random(dimension)
    pool = []
    for _ in range(EMBEDDING_POOL):
        vector = [rng.gauss(0, 1) for _ in range(dimension)]
        norm = sum(x * x for x in vector) ** 0.5
        pool.append(("[" + ",".join(f"{x / norm:.6f}" for x in vector) + "]").encode())
    return pool


class FakeUpstream:
    def __init__(self, tokens: int, delay: float, embedding_dimensions: int = 384) -> None:
        self.tokens = tokens
        self.delay = delay
        self.embedding_dimensions = embedding_dimensions
        self._pools: dict[int, list[bytes]] = {}
        usage = {**USAGE, "completion_tokens": tokens, "total_tokens": USAGE["prompt_tokens"] + tokens}
        self.role = _chunk({"role": "assistant", "content": ""})
        self.words = [_chunk({"content": f"tok{i} "}) for i in range(tokens)]
        self.finish = _chunk(finish_reason="stop")
        self.usage = _sse([], usage=usage)
        done = b"data: [DONE]\n\n"
        self.done = f"{len(done):x}\r\n".encode() + done + b"\r\n0\r\n\r\n"
        text = "".join(f"tok{i} " for i in range(tokens))
        message = {"role": "assistant", "content": text}
        body = {"id": "chatcmpl-bench", "object": "chat.completion", "model": "bench-model",
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}], "usage": usage}
        self.plain = json.dumps(body).encode()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:  # keep-alive: one request after another on the same connection
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                fields = (line.partition(":") for line in lines[1:] if line)
                headers = {k.strip().lower(): v.strip() for k, _, v in fields}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                request = json.loads(body) if body else {}
                path = lines[0].split(" ")[1] if " " in lines[0] else ""
                if path.split("?")[0].endswith("/embeddings"):
                    answer = self._embeddings(request)
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 + f"Content-Length: {len(answer)}\r\n\r\n".encode() + answer)
                    await writer.drain()
                elif request.get("stream"):
                    await self._stream(writer)
                else:
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 + f"Content-Length: {len(self.plain)}\r\n\r\n".encode() + self.plain)
                    await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    def _embeddings(self, request: dict) -> bytes:
        texts = request.get("input", "")
        texts = texts if isinstance(texts, list) else [texts]
        dimension = request.get("dimensions") if request.get("dimensions") in (384, 1536) else None
        dimension = dimension or self.embedding_dimensions
        if dimension not in self._pools:
            self._pools[dimension] = _vector_pool(dimension)
        pool = self._pools[dimension]
        picks = (pool[zlib.crc32(str(t).encode()) % EMBEDDING_POOL] for t in texts)
        rows = b",".join(b'{"object":"embedding","index":%d,"embedding":%s}' % (i, v) for i, v in enumerate(picks))
        model = json.dumps(str(request.get("model", "bench-embedding"))).encode()
        usage = b'{"prompt_tokens":%d,"total_tokens":%d}' % (len(texts), len(texts))
        return b'{"object":"list","model":%s,"data":[%s],"usage":%s}' % (model, rows, usage)

    async def _stream(self, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + self.role)
        await writer.drain()
        for word in self.words:
            await asyncio.sleep(self.delay)
            writer.write(word)
            await writer.drain()
        writer.write(self.finish + self.usage + self.done)
        await writer.drain()


async def serve(host: str, port: int, tokens: int, delay: float, embedding_dimensions: int = 384) -> None:
    upstream = FakeUpstream(tokens, delay, embedding_dimensions)
    server = await asyncio.start_server(upstream.handle, host, port, backlog=1024)
    print(f"fake upstream on http://{host}:{port}/v1 ({tokens} tokens, {delay * 1000:g} ms apart)", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8901)
    parser.add_argument("--tokens", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.001, help="seconds between tokens")
    parser.add_argument("--embedding-dimensions", type=int, default=384, choices=(384, 1536))
    args = parser.parse_args()
    try:
        from uvloop import run  # uvicorn[standard] brings it; the fake should be the cheapest party
    except ImportError:
        run = asyncio.run
    with contextlib.suppress(KeyboardInterrupt):
        run(serve(args.host, args.port, args.tokens, args.delay, args.embedding_dimensions))


if __name__ == "__main__":
    main()
