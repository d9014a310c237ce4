"""When every pooled connection stays busy past the pool's timeout, a unit of work fails with the port's
StoreUnavailable (503 with Retry-After at the edge), never a driver TimeoutError (a 500)."""

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.persistence.engine import async_url, make_session_factory
from adapters.persistence.unit_of_work import SqlaUnitOfWork
from adapters.security.secret_cipher import AesGcmSecretCipher
from domain.shared.errors import StoreUnavailable


async def test_a_pool_that_stays_busy_answers_store_unavailable_with_a_retry_hint(clean_database):
    engine = create_async_engine(async_url(clean_database), pool_size=1, max_overflow=0, pool_timeout=0.2)
    uow = lambda: SqlaUnitOfWork(make_session_factory(engine), AesGcmSecretCipher("k"))  # noqa: E731
    try:
        async with engine.connect() as held:  # the pool's only connection, kept busy
            await held.execute(text("SELECT 1"))
            with pytest.raises(StoreUnavailable) as refused:
                async with uow() as unit:
                    await unit._session.execute(text("SELECT 1"))
            assert refused.value.retry_after == 1
        async with uow() as unit:  # and once a connection is free again, work goes on
            assert (await unit._session.execute(text("SELECT 2"))).scalar_one() == 2
    finally:
        await engine.dispose()
