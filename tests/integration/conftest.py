import pytest
from redis.asyncio import Redis

from adapters.persistence.engine import make_engine, make_session_factory
from adapters.persistence.unit_of_work import SqlaUnitOfWork
from adapters.security.secret_cipher import AesGcmSecretCipher


@pytest.fixture
async def engine(clean_database):
    engine = make_engine(clean_database, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow_factory(engine):
    factory = make_session_factory(engine)
    cipher = AesGcmSecretCipher("integration-test-key")
    return lambda: SqlaUnitOfWork(factory, cipher)


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
