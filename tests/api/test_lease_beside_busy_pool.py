"""The process lease is renewed on its own connection: requests holding every pooled connection (a burst of
streams) must not make it lapse, or another process's reaper would fail this process's live work."""

import asyncio

import pytest
from sqlalchemy import text

from adapters.system.processes import LocalProcessProbe


@pytest.mark.parametrize("settings", [{"SQLALCHEMY_POOL_SIZE": 1, "SQLALCHEMY_MAX_OVERFLOW": 0}], indirect=True)
async def test_the_lease_is_renewed_while_requests_hold_every_pooled_connection(container):
    lease = container.maintenance.process_lease()
    try:
        async with container.engine().connect() as held:  # the pool's only connection, busy as a request's
            await held.execute(text("SELECT 1"))
            await asyncio.wait_for(
                container.maintenance.process_leases().renew(lease.owner, LocalProcessProbe().identity(), 30),
                timeout=10,
            )
            live = await held.execute(
                text("SELECT expires_at > now() FROM process_leases WHERE owner = :owner"), {"owner": lease.owner}
            )
            assert live.scalar_one() is True
    finally:
        await container.lease_engine().dispose()
        await container.engine().dispose()
