import pytest

from adapters.coordination.attempt_counters import InProcessAttemptCounter
from application.apps.create_app import CreateApp, CreateAppRequest
from application.tenancy.set_up_instance import SetUpInstance, SetUpRequest
from application.tenancy.throttle import AuthThrottle
from domain.tenancy.rules import LoginLimits
from tests.fakes import FakeHasher, FakeUnitOfWork, FixedClock, RecordingSink, SequentialIds


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def ids() -> SequentialIds:
    return SequentialIds()


@pytest.fixture
def throttle(clock) -> AuthThrottle:
    """Login and setup limits at Dify's defaults, counted in memory on the fake clock."""
    return AuthThrottle(InProcessAttemptCounter(now=lambda: clock.now().timestamp()), LoginLimits())


@pytest.fixture
async def owner(uow, clock, ids, throttle):
    account = await SetUpInstance(uow, FakeHasher(), clock, ids, throttle).execute(
        SetUpRequest(email="Owner@Example.com", name="Owner", password="secret123")
    )
    async with uow() as u:
        membership = await u.accounts.current_membership(account.id)
    return account, membership.tenant_id


@pytest.fixture
async def chat_app(uow, clock, ids, owner):
    account, tenant_id = owner
    return await CreateApp(uow, clock, ids, RecordingSink()).execute(
        CreateAppRequest(tenant_id=tenant_id, account_id=account.id, name="Support bot", mode="chat")
    )
