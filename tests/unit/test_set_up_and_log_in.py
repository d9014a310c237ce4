import statistics
import time

import pytest

from adapters.security.password_hasher import ScryptPasswordHasher
from application.tenancy.authenticate_console import AuthenticateConsole
from application.tenancy.log_in import LogIn, LogInRequest
from application.tenancy.refresh_session import RefreshSession
from application.tenancy.set_up_instance import SetUpInstance, SetUpRequest
from domain.shared.errors import InvalidParam
from domain.tenancy.entities import Role
from domain.tenancy.errors import AlreadySetUp, AuthenticationFailed, InvalidAccessToken
from tests.fakes import FakeHasher, FakeTokenIssuer, FakeUnitOfWork


async def test_setup_creates_the_owner_and_a_workspace(uow, owner):
    account, tenant_id = owner
    state = uow.committed
    assert account.email == "owner@example.com"
    assert state.tenants[tenant_id].name == "Owner's Workspace"
    assert [(m.account_id, m.role) for m in state.memberships] == [(account.id, Role.OWNER)]
    assert state.accounts[account.id].password_hash != "secret123"


async def test_second_setup_is_refused_and_changes_nothing(uow, clock, ids, owner):
    before = (len(uow.committed.accounts), len(uow.committed.tenants))
    with pytest.raises(AlreadySetUp):
        await SetUpInstance(uow, FakeHasher(), clock, ids).execute(
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
async def test_setup_rejects_bad_input_without_storing_anything(uow, clock, ids, email, name, password, param):
    with pytest.raises(InvalidParam) as raised:
        await SetUpInstance(uow, FakeHasher(), clock, ids).execute(SetUpRequest(email, name, password))
    assert raised.value.param == param
    assert uow.commits == 0


async def test_login_returns_tokens_that_open_the_console(uow, clock, owner):
    account, tenant_id = owner
    tokens = FakeTokenIssuer(clock)
    clock.advance(hours=1)
    pair = await LogIn(uow, FakeHasher(), tokens, clock).execute(LogInRequest(" OWNER@example.com ", "secret123", "1.2.3.4"))
    session = await AuthenticateConsole(uow, tokens).execute(pair.access_token)
    assert (session.account.id, session.tenant.id, session.role) == (account.id, tenant_id, Role.OWNER)
    assert session.account.last_login_at == clock.now()
    assert session.account.last_login_ip == "1.2.3.4"


@pytest.mark.parametrize(("email", "password"), [("owner@example.com", "wrong-pass1"), ("nobody@example.com", "secret123")])
async def test_wrong_password_and_unknown_email_fail_alike(uow, clock, owner, email, password):
    with pytest.raises(AuthenticationFailed) as raised:
        await LogIn(uow, FakeHasher(), FakeTokenIssuer(), clock).execute(LogInRequest(email, password))
    assert raised.value.message == "Invalid email or password."


async def test_refresh_token_renews_but_is_not_an_access_token(uow, clock, owner):
    tokens = FakeTokenIssuer(clock)
    pair = await LogIn(uow, FakeHasher(), tokens, clock).execute(LogInRequest("owner@example.com", "secret123"))
    with pytest.raises(InvalidAccessToken):
        await AuthenticateConsole(uow, tokens).execute(pair.refresh_token)
    renewed = await RefreshSession(uow, tokens, clock).execute(pair.refresh_token)
    session = await AuthenticateConsole(uow, tokens).execute(renewed.access_token)
    assert session.account.id == owner[0].id


async def test_a_refresh_token_works_once(uow, clock, owner):
    tokens = FakeTokenIssuer(clock)
    refresh = RefreshSession(uow, tokens, clock)
    pair = await LogIn(uow, FakeHasher(), tokens, clock).execute(LogInRequest("owner@example.com", "secret123"))
    renewed = await refresh.execute(pair.refresh_token)
    assert renewed.refresh_token != pair.refresh_token
    with pytest.raises(InvalidAccessToken):
        await refresh.execute(pair.refresh_token)
    again = await refresh.execute(renewed.refresh_token)  # the rotated one works, once
    with pytest.raises(InvalidAccessToken):
        await refresh.execute(renewed.refresh_token)
    await refresh.execute(again.refresh_token)


async def test_a_refresh_token_never_remembered_or_expired_server_side_is_refused(uow, clock, owner):
    tokens = FakeTokenIssuer(clock)
    with pytest.raises(InvalidAccessToken):  # signed, but not issued by a login
        await RefreshSession(uow, tokens, clock).execute(tokens.issue(owner[0].id).refresh_token)
    pair = await LogIn(uow, FakeHasher(), tokens, clock).execute(LogInRequest("owner@example.com", "secret123"))
    clock.advance(days=30)
    with pytest.raises(InvalidAccessToken):
        await RefreshSession(uow, tokens, clock).execute(pair.refresh_token)


async def test_an_unknown_email_takes_as_long_as_a_wrong_password(clock, ids):
    """Timing must not tell which emails exist: the medians of interleaved failed logins (real scrypt) are
    within a generous factor of each other (before the fix an unknown email was ~20x faster)."""
    uow, hasher = FakeUnitOfWork(), ScryptPasswordHasher()
    await SetUpInstance(uow, hasher, clock, ids).execute(SetUpRequest("owner@example.com", "Owner", "secret123"))
    log_in = LogIn(uow, hasher, FakeTokenIssuer(clock), clock)

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
