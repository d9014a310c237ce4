import statistics
import time

import pytest

from adapters.coordination.attempt_counters import InProcessAttemptCounter
from adapters.security.password_hasher import ScryptPasswordHasher
from application.tenancy.authenticate_console import AuthenticateConsole
from application.tenancy.log_in import LogIn, LogInRequest
from application.tenancy.refresh_session import RefreshSession
from application.tenancy.set_up_instance import SetUpInstance, SetUpRequest
from application.tenancy.throttle import AuthThrottle
from domain.shared.errors import InvalidParam
from domain.tenancy.entities import Role
from domain.tenancy.errors import (
    AlreadySetUp,
    AuthenticationFailed,
    InvalidAccessToken,
    LoginLocked,
    TooManyAttempts,
)
from domain.tenancy.rules import LoginLimits
from tests.fakes import FakeHasher, FakeTokenIssuer, FakeUnitOfWork


def _throttle(clock, **limits) -> AuthThrottle:
    return AuthThrottle(InProcessAttemptCounter(now=lambda: clock.now().timestamp()), LoginLimits(**limits))


def _log_in(uow, clock, throttle, tokens=None, hasher=None) -> LogIn:
    return LogIn(uow, hasher or FakeHasher(), tokens or FakeTokenIssuer(clock), clock, throttle)


async def test_setup_creates_the_owner_and_a_workspace(uow, owner):
    account, tenant_id = owner
    state = uow.committed
    assert account.email == "owner@example.com"
    assert state.tenants[tenant_id].name == "Owner's Workspace"
    assert [(m.account_id, m.role) for m in state.memberships] == [(account.id, Role.OWNER)]
    assert state.accounts[account.id].password_hash != "secret123"


async def test_second_setup_is_refused_and_changes_nothing(uow, clock, ids, throttle, owner):
    before = (len(uow.committed.accounts), len(uow.committed.tenants))
    with pytest.raises(AlreadySetUp):
        await SetUpInstance(uow, FakeHasher(), clock, ids, throttle).execute(
            SetUpRequest(email="other@example.com", name="Other", password="secret123")
        )
    assert (len(uow.committed.accounts), len(uow.committed.tenants)) == before


@pytest.mark.parametrize(
    ("email", "name", "password", "param"),
    [
        ("not-an-email", "Ann", "secret123", "email"),
        ("ann@example.com", "", "secret123", "name"),
        ("ann@example.com", "Ann", "short1", "password"),
        ("ann@example.com", "Ann", "onlyletters", "password"),
    ],
)
async def test_setup_rejects_bad_input_without_storing_anything(uow, clock, ids, throttle, email, name, password, param):
    with pytest.raises(InvalidParam) as raised:
        await SetUpInstance(uow, FakeHasher(), clock, ids, throttle).execute(SetUpRequest(email, name, password))
    assert raised.value.param == param
    assert uow.commits == 0


async def test_setup_requests_past_the_per_address_budget_are_refused_before_anything_else(uow, clock, ids):
    set_up = SetUpInstance(uow, FakeHasher(), clock, ids, _throttle(clock, requests_per_ip=2, ip_window_seconds=60))
    for _ in range(2):
        with pytest.raises(InvalidParam):
            await set_up.execute(SetUpRequest("ann@example.com", "Ann", "short1", ip="10.0.0.1"))
    with pytest.raises(TooManyAttempts):
        await set_up.execute(SetUpRequest("ann@example.com", "Ann", "secret123", ip="10.0.0.1"))
    assert uow.commits == 0
    await set_up.execute(SetUpRequest("ann@example.com", "Ann", "secret123", ip="10.0.0.2"))  # another address
    assert [a.email for a in uow.committed.accounts.values()] == ["ann@example.com"]


async def test_login_returns_tokens_that_open_the_console(uow, clock, throttle, owner):
    account, tenant_id = owner
    tokens = FakeTokenIssuer(clock)
    clock.advance(hours=1)
    pair = await _log_in(uow, clock, throttle, tokens).execute(LogInRequest(" OWNER@example.com ", "secret123", "1.2.3.4"))
    session = await AuthenticateConsole(uow, tokens).execute(pair.access_token)
    assert (session.account.id, session.tenant.id, session.role) == (account.id, tenant_id, Role.OWNER)
    assert session.account.last_login_at == clock.now()
    assert session.account.last_login_ip == "1.2.3.4"


@pytest.mark.parametrize(("email", "password"), [("owner@example.com", "wrong-pass1"), ("nobody@example.com", "secret123")])
async def test_wrong_password_and_unknown_email_fail_alike(uow, clock, throttle, owner, email, password):
    with pytest.raises(AuthenticationFailed) as raised:
        await _log_in(uow, clock, throttle).execute(LogInRequest(email, password))
    assert raised.value.message == "Invalid email or password."


@pytest.mark.parametrize("email", ["owner@example.com", "nobody@example.com"])
async def test_more_failures_than_the_limit_lock_the_email_until_the_lockout_ends(uow, clock, throttle, owner, email):
    log_in = _log_in(uow, clock, throttle)
    for _ in range(LoginLimits().max_failures + 1):  # Dify: locked once the failures exceed 5
        clock.advance(minutes=10)
        with pytest.raises(AuthenticationFailed):
            await log_in.execute(LogInRequest(email, "wrong-pass1"))
    commits = uow.commits
    for password in ("wrong-pass1", "secret123"):  # the right password is refused too, and not checked
        with pytest.raises(LoginLocked) as raised:
            await log_in.execute(LogInRequest(email.upper(), password))
        assert raised.value.message == "Too many incorrect password attempts. Please try again later."
    assert uow.commits == commits and uow.committed.accounts[owner[0].id].last_login_at == owner[0].last_login_at
    clock.advance(seconds=LoginLimits().lockout_seconds - 1)  # a day after the last failure, not the first
    with pytest.raises(LoginLocked):
        await log_in.execute(LogInRequest(email, "secret123"))
    clock.advance(seconds=1)
    if email == "owner@example.com":
        assert (await log_in.execute(LogInRequest(email, "secret123"))).access_token
    else:
        with pytest.raises(AuthenticationFailed):
            await log_in.execute(LogInRequest(email, "secret123"))


async def test_a_successful_login_clears_the_failures(uow, clock, throttle, owner):
    log_in = _log_in(uow, clock, throttle)
    for _ in range(2):
        for _ in range(LoginLimits().max_failures):
            with pytest.raises(AuthenticationFailed):
                await log_in.execute(LogInRequest("owner@example.com", "wrong-pass1"))
        await log_in.execute(LogInRequest("owner@example.com", "secret123"))


async def test_login_requests_past_the_per_address_budget_are_refused_and_count_nothing(uow, clock, owner):
    throttle = _throttle(clock, requests_per_ip=3, ip_window_seconds=60)
    log_in = _log_in(uow, clock, throttle)
    await log_in.execute(LogInRequest("owner@example.com", "secret123", ip="10.0.0.1"))
    for email in ("a@example.com", "b@example.com"):
        with pytest.raises(AuthenticationFailed):
            await log_in.execute(LogInRequest(email, "secret123", ip="10.0.0.1"))
    commits = uow.commits
    with pytest.raises(TooManyAttempts):
        await log_in.execute(LogInRequest("owner@example.com", "secret123", ip="10.0.0.1"))
    assert uow.commits == commits
    await log_in.execute(LogInRequest("owner@example.com", "secret123", ip="10.0.0.2"))
    clock.advance(seconds=60)  # a new window
    await log_in.execute(LogInRequest("owner@example.com", "secret123", ip="10.0.0.1"))


async def test_refresh_token_renews_but_is_not_an_access_token(uow, clock, throttle, owner):
    tokens = FakeTokenIssuer(clock)
    pair = await _log_in(uow, clock, throttle, tokens).execute(LogInRequest("owner@example.com", "secret123"))
    with pytest.raises(InvalidAccessToken):
        await AuthenticateConsole(uow, tokens).execute(pair.refresh_token)
    renewed = await RefreshSession(uow, tokens, clock).execute(pair.refresh_token)
    session = await AuthenticateConsole(uow, tokens).execute(renewed.access_token)
    assert session.account.id == owner[0].id


async def test_a_refresh_token_works_once(uow, clock, throttle, owner):
    tokens = FakeTokenIssuer(clock)
    refresh = RefreshSession(uow, tokens, clock)
    pair = await _log_in(uow, clock, throttle, tokens).execute(LogInRequest("owner@example.com", "secret123"))
    renewed = await refresh.execute(pair.refresh_token)
    assert renewed.refresh_token != pair.refresh_token
    with pytest.raises(InvalidAccessToken):
        await refresh.execute(pair.refresh_token)
    again = await refresh.execute(renewed.refresh_token)  # the rotated one works, once
    with pytest.raises(InvalidAccessToken):
        await refresh.execute(renewed.refresh_token)
    await refresh.execute(again.refresh_token)


async def test_a_refresh_token_never_remembered_or_expired_server_side_is_refused(uow, clock, throttle, owner):
    tokens = FakeTokenIssuer(clock)
    with pytest.raises(InvalidAccessToken):  # signed, but not issued by a login
        await RefreshSession(uow, tokens, clock).execute(tokens.issue(owner[0].id).refresh_token)
    pair = await _log_in(uow, clock, throttle, tokens).execute(LogInRequest("owner@example.com", "secret123"))
    clock.advance(days=30)
    with pytest.raises(InvalidAccessToken):
        await RefreshSession(uow, tokens, clock).execute(pair.refresh_token)


async def test_an_unknown_email_takes_as_long_as_a_wrong_password(clock, ids):
    """Timing must not tell which emails exist: the medians of interleaved failed logins (real scrypt) are
    within a generous factor of each other (before the fix an unknown email was ~20x faster)."""
    uow, hasher = FakeUnitOfWork(), ScryptPasswordHasher()
    no_limits = _throttle(clock, max_failures=10**6, requests_per_ip=0)
    await SetUpInstance(uow, hasher, clock, ids, no_limits).execute(SetUpRequest("owner@example.com", "Owner", "secret123"))
    log_in = _log_in(uow, clock, no_limits, hasher=hasher)

    async def seconds(email: str) -> float:
        started = time.perf_counter()
        with pytest.raises(AuthenticationFailed):
            await log_in.execute(LogInRequest(email, "wrong-pass1"))
        return time.perf_counter() - started

    known, unknown = [], []
    for _ in range(21):
        known.append(await seconds("owner@example.com"))
        unknown.append(await seconds("nobody@example.com"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 <= ratio <= 2, (ratio, statistics.median(known))
