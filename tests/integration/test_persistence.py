"""Repositories and the unit of work against the embedded PostgreSQL."""

import asyncio
from dataclasses import replace

import pytest

from adapters.coordination.attempt_counters import InProcessAttemptCounter
from adapters.security.password_hasher import ScryptPasswordHasher
from adapters.system.clock import SystemClock
from adapters.system.ids import UuidV7Generator
from application.apps.create_app import CreateApp, CreateAppRequest
from application.apps.list_apps import ListApps, ListAppsRequest
from application.service_api.resolve_end_user import ResolveEndUser
from application.tenancy.find_operator import FindOperator
from application.tenancy.set_up_instance import SetUpInstance, SetUpRequest
from application.tenancy.throttle import AuthThrottle
from domain.tenancy.errors import AlreadySetUp
from domain.tenancy.rules import LoginLimits
from tests.fakes import RecordingSink


async def _set_up(uow_factory, email="owner@example.com"):
    throttle = AuthThrottle(InProcessAttemptCounter(), LoginLimits())
    return await SetUpInstance(uow_factory, ScryptPasswordHasher(), SystemClock(), UuidV7Generator(), throttle).execute(
        SetUpRequest(email=email, name="Owner", password="secret123")
    )


async def test_nothing_is_kept_without_commit(uow_factory):
    await _set_up(uow_factory)
    async with uow_factory() as uow:
        owner = await uow.accounts.first()
        await uow.accounts.update(replace(owner, name="Changed"))  # never committed
    async with uow_factory() as uow:
        assert (await uow.accounts.first()).name == "Owner"


async def test_an_error_inside_the_block_rolls_back_what_was_done(uow_factory):
    await _set_up(uow_factory)
    with pytest.raises(RuntimeError):
        async with uow_factory() as uow:
            owner = await uow.accounts.first()
            await uow.accounts.update(replace(owner, name="Changed"))
            raise RuntimeError("boom")
    async with uow_factory() as uow:
        assert (await uow.accounts.first()).name == "Owner"


async def test_concurrent_setups_leave_exactly_one_account(uow_factory):
    results = await asyncio.gather(
        *(_set_up(uow_factory, f"owner{i}@example.com") for i in range(4)), return_exceptions=True
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, AlreadySetUp) for r in results if isinstance(r, Exception))
    async with uow_factory() as uow:
        first = await uow.accounts.first()
        assert first is not None
        assert await uow.setups.get() is not None


async def test_concurrent_first_requests_of_one_user_make_one_end_user(uow_factory):
    account = await _set_up(uow_factory)
    operator = await FindOperator(uow_factory).execute()
    app = await CreateApp(uow_factory, SystemClock(), UuidV7Generator(), RecordingSink()).execute(
        CreateAppRequest(operator.tenant.id, account.id, "bot", "chat")
    )
    resolved = await asyncio.gather(
        *(ResolveEndUser(uow_factory, SystemClock(), UuidV7Generator()).execute(app, "alice") for _ in range(8))
    )
    assert len({u.id for u in resolved}) == 1


async def test_app_names_with_like_wildcards_match_literally(uow_factory):
    account = await _set_up(uow_factory)
    operator = await FindOperator(uow_factory).execute()
    create = CreateApp(uow_factory, SystemClock(), UuidV7Generator(), RecordingSink())
    for name in ("100% bot", "1000 bots", "under_score", "underXscore"):
        await create.execute(CreateAppRequest(operator.tenant.id, account.id, name, "chat"))
    percent = await ListApps(uow_factory).execute(ListAppsRequest(operator.tenant.id, name="0%"))
    underscore = await ListApps(uow_factory).execute(ListAppsRequest(operator.tenant.id, name="r_s"))
    assert [a.name for a in percent.items] == ["100% bot"]
    assert [a.name for a in underscore.items] == ["under_score"]
