import pytest
from redis.asyncio import Redis


async def _delete_weir_keys(url: str) -> None:
    async with Redis.from_url(url) as client:
        keys = [key async for key in client.scan_iter(match="weir:*", count=1000)]
        if keys:
            await client.delete(*keys)


@pytest.fixture
async def redis(redis_url):
    """A client of the test Redis, with weir's keys cleared before and after the test."""
    await _delete_weir_keys(redis_url)
    client = Redis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()
    await _delete_weir_keys(redis_url)
