from dataclasses import replace

import pytest

from application.apps.create_api_key import CreateApiKey
from application.service_api.authenticate_api_key import AuthenticateApiKey
from application.service_api.get_end_user import GetEndUser
from application.service_api.resolve_end_user import ResolveEndUser
from domain.apps.entities import DEFAULT_END_USER_SESSION, TokenType
from domain.apps.errors import AppApiDisabled, AppGone, EndUserNotFound, InvalidApiToken, WorkspaceArchived
from domain.tenancy.entities import TenantStatus
from tests.fakes import FakeSecrets


@pytest.fixture
async def app_key(uow, clock, ids, owner, chat_app):
    return await CreateApiKey(uow, FakeSecrets(), clock, ids).execute(owner[1], TokenType.APP, chat_app.id)


async def test_a_valid_app_key_names_its_app(uow, clock, app_key, chat_app):
    caller = await AuthenticateApiKey(uow, clock).execute(app_key.token, TokenType.APP)
    assert caller.app.id == chat_app.id
    assert uow.committed.tokens[app_key.id].last_used_at == clock.now()


async def test_a_dataset_key_is_not_an_app_key(uow, clock, ids, owner):
    key = await CreateApiKey(uow, FakeSecrets(), clock, ids).execute(owner[1], TokenType.DATASET)
    with pytest.raises(InvalidApiToken):
        await AuthenticateApiKey(uow, clock).execute(key.token, TokenType.APP)
    caller = await AuthenticateApiKey(uow, clock).execute(key.token, TokenType.DATASET)
    assert caller.app is None


async def test_unknown_key_is_invalid(uow, clock, app_key):
    with pytest.raises(InvalidApiToken):
        await AuthenticateApiKey(uow, clock).execute(app_key.token + "x", TokenType.APP)


async def test_checks_run_in_difys_order(uow, clock, app_key, chat_app, owner):
    state = uow.committed
    state.apps[chat_app.id] = replace(chat_app, enable_api=False)
    state.tenants[owner[1]].status = TenantStatus.ARCHIVE
    with pytest.raises(AppApiDisabled):  # the app is checked before the workspace
        await AuthenticateApiKey(uow, clock).execute(app_key.token, TokenType.APP)
    state.apps[chat_app.id] = replace(chat_app, enable_api=True)
    with pytest.raises(WorkspaceArchived):
        await AuthenticateApiKey(uow, clock).execute(app_key.token, TokenType.APP)
    del state.apps[chat_app.id]
    with pytest.raises(AppGone):
        await AuthenticateApiKey(uow, clock).execute(app_key.token, TokenType.APP)


async def test_last_used_is_written_at_most_once_a_minute(uow, clock, app_key):
    auth = AuthenticateApiKey(uow, clock)
    await auth.execute(app_key.token, TokenType.APP)
    first_commits = uow.commits
    clock.advance(seconds=30)
    await auth.execute(app_key.token, TokenType.APP)
    assert uow.commits == first_commits
    clock.advance(seconds=31)
    await auth.execute(app_key.token, TokenType.APP)
    assert uow.commits == first_commits + 1
    assert uow.committed.tokens[app_key.id].last_used_at == clock.now()


async def test_the_same_user_string_is_the_same_end_user(uow, clock, ids, chat_app):
    resolve = ResolveEndUser(uow, clock, ids)
    first = await resolve.execute(chat_app, "user-42")
    again = await resolve.execute(chat_app, "user-42")
    anonymous = await resolve.execute(chat_app, None)
    assert first.id == again.id and not first.is_anonymous and first.external_user_id == "user-42"
    assert anonymous.session_id == DEFAULT_END_USER_SESSION and anonymous.is_anonymous
    assert len(uow.committed.end_users) == 2


async def test_end_users_of_another_app_are_not_found(uow, clock, ids, chat_app):
    end_user = await ResolveEndUser(uow, clock, ids).execute(chat_app, "u")
    assert (await GetEndUser(uow).execute(chat_app, end_user.id)).id == end_user.id
    with pytest.raises(EndUserNotFound):
        await GetEndUser(uow).execute(replace(chat_app, id=ids.new_id()), end_user.id)
