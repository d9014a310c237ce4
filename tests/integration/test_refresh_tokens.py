"""Refresh tokens on PostgreSQL: each one is taken once, also by two requests at the same time."""

import asyncio
from datetime import UTC, datetime, timedelta

from adapters.coordination.attempt_counters import InProcessAttemptCounter
from adapters.security.password_hasher import ScryptPasswordHasher
from adapters.system.clock import SystemClock
from adapters.system.ids import UuidV7Generator
from application.tenancy.set_up_instance import SetUpInstance, SetUpRequest
from application.tenancy.throttle import AuthThrottle
from domain.tenancy.rules import LoginLimits


async def _owner(uow_factory):
    set_up = SetUpInstance(
        uow_factory, ScryptPasswordHasher(), SystemClock(), UuidV7Generator(),
        AuthThrottle(InProcessAttemptCounter(), LoginLimits()),
    )
    return await set_up.execute(SetUpRequest(email="owner@example.com", name="Owner", password="secret123"))


async def test_of_two_concurrent_takes_of_one_refresh_token_one_gets_the_account(uow_factory):
    account = await _owner(uow_factory)
    now = datetime.now(UTC)
    async with uow_factory() as uow:
        await uow.accounts.add_refresh_token("d" * 64, account.id, now + timedelta(days=30), now)
        await uow.commit()

    async def take():
        async with uow_factory() as uow:
            owner = await uow.accounts.take_refresh_token("d" * 64, now)
            await uow.commit()
            return owner

    assert sorted(map(str, await asyncio.gather(take(), take()))) == sorted([str(account.id), "None"])


async def test_an_expired_refresh_token_is_not_taken_and_is_forgotten_at_the_next_login(uow_factory):
    account = await _owner(uow_factory)
    now = datetime.now(UTC)
    async with uow_factory() as uow:
        await uow.accounts.add_refresh_token("e" * 64, account.id, now + timedelta(days=1), now)
        await uow.accounts.add_refresh_token("f" * 64, account.id, now + timedelta(days=1), now)
        await uow.commit()
    later = now + timedelta(days=2)
    async with uow_factory() as uow:
        assert await uow.accounts.take_refresh_token("e" * 64, later) is None
        await uow.accounts.add_refresh_token("g" * 64, account.id, later + timedelta(days=30), later)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.accounts.take_refresh_token("f" * 64, now) is None  # gone, though its time had not come
        assert await uow.accounts.take_refresh_token("g" * 64, later) == account.id
