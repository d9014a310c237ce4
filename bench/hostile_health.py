"""How /health answers while hostile requests are in flight (the hardening issue's target: under 50 ms with
five at once). Run against a running API: `uv run python bench/hostile_health.py [BASE_URL]`.

Sends rounds of five hostile requests at once (a NUL in the login email, a 20 MB JSON body, a 100k-deep
JSON, a lone surrogate, a forged token) and, while they are in flight, times /health. Prints the median and
the worst /health latency and the status codes the hostile requests got (never a 5xx).
"""

import asyncio
import statistics
import sys
import time

import httpx

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5001"
ROUNDS = 20


def hostile(client: httpx.AsyncClient) -> list:
    deep = "[" * 100_000 + "]" * 100_000
    return [
        client.post("/console/api/login", json={"email": "admin\u0000@example.com", "password": "x"}),
        client.post("/console/api/login", content=b'{"email": "' + b"a" * (20 * 2**20) + b'"}',
                    headers={"Content-Type": "application/json"}),
        client.post("/v1/chat-messages", content=deep.encode(), headers={"Content-Type": "application/json",
                                                                          "Authorization": "Bearer app-x"}),
        client.post("/console/api/login", content=b'{"email": "\\ud800", "password": "x"}',
                    headers={"Content-Type": "application/json"}),
        client.get("/console/api/account/profile", headers={"Authorization": "Bearer a.b.c"}),
    ]


async def main() -> None:
    latencies, codes = [], {}
    async with httpx.AsyncClient(base_url=BASE, timeout=60) as client:
        await client.get("/health")
        for _ in range(ROUNDS):
            requests = [asyncio.ensure_future(r) for r in hostile(client)]
            await asyncio.sleep(0.005)  # let them reach the server before /health is asked
            started = time.perf_counter()
            health = await client.get("/health")
            latencies.append((time.perf_counter() - started) * 1000)
            assert health.status_code == 200, health.text
            for response in await asyncio.gather(*requests, return_exceptions=True):
                code = getattr(response, "status_code", type(response).__name__)
                codes[code] = codes.get(code, 0) + 1
    print(f"/health with 5 hostile requests in flight, {ROUNDS} rounds: median {statistics.median(latencies):.1f} ms,"
          f" worst {max(latencies):.1f} ms")
    print("hostile requests answered:", dict(sorted(codes.items(), key=str)))


if __name__ == "__main__":
    asyncio.run(main())
