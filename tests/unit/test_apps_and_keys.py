from uuid import UUID

import pytest

from application.apps.create_api_key import CreateApiKey
from application.apps.create_app import CreateApp, CreateAppRequest
from application.apps.delete_api_key import DeleteApiKey
from application.apps.get_app import GetApp
from application.apps.list_api_keys import ListApiKeys
from application.apps.list_apps import ListApps, ListAppsRequest
from domain.apps.entities import MAX_KEYS_PER_OWNER, AppMode, TokenType
from domain.apps.errors import ApiKeyNotFound, AppNotFound, TooManyKeys
from domain.shared.errors import InvalidParam
from tests.fakes import FakeSecrets, RecordingSink


async def test_created_app_has_its_mode_and_api_enabled(chat_app, owner):
    account, tenant_id = owner
    assert chat_app.mode == AppMode.CHAT
    assert chat_app.enable_api
    assert (chat_app.tenant_id, chat_app.created_by) == (tenant_id, account.id)


@pytest.mark.parametrize(("name", "mode", "param"), [("Bot", "chatbot", "mode"), ("   ", "chat", "name"), ("x" * 256, "chat", "name")])
async def test_invalid_apps_are_refused(uow, clock, ids, owner, name, mode, param):
    account, tenant_id = owner
    commits = uow.commits
    with pytest.raises(InvalidParam) as raised:
        await CreateApp(uow, clock, ids, RecordingSink()).execute(CreateAppRequest(tenant_id, account.id, name, mode))
    assert raised.value.param == param
    assert uow.commits == commits


async def test_apps_list_newest_first_filtered_and_paged(uow, clock, ids, owner):
    account, tenant_id = owner
    for index, mode in enumerate(["chat", "workflow", "chat"]):
        clock.advance(seconds=1)
        await CreateApp(uow, clock, ids, RecordingSink()).execute(CreateAppRequest(tenant_id, account.id, f"App {index}", mode))
    page = await ListApps(uow).execute(ListAppsRequest(tenant_id, page=1, limit=2))
    assert [a.name for a in page.items] == ["App 2", "App 1"] and page.total == 3
    chats = await ListApps(uow).execute(ListAppsRequest(tenant_id, mode="chat"))
    assert [a.name for a in chats.items] == ["App 2", "App 0"]
    named = await ListApps(uow).execute(ListAppsRequest(tenant_id, name="app 1"))
    assert [a.name for a in named.items] == ["App 1"]


async def test_another_workspace_cannot_see_the_app(uow, chat_app):
    with pytest.raises(AppNotFound):
        await GetApp(uow).execute(UUID(int=999), chat_app.id)


async def test_keys_carry_their_prefix_and_are_capped(uow, clock, ids, owner, chat_app):
    _, tenant_id = owner
    create = CreateApiKey(uow, FakeSecrets(), clock, ids)
    app_key = await create.execute(tenant_id, TokenType.APP, chat_app.id)
    dataset_key = await create.execute(tenant_id, TokenType.DATASET)
    assert app_key.token.startswith("app-") and len(app_key.token) == 28
    assert dataset_key.token.startswith("dataset-") and dataset_key.app_id is None
    for _ in range(MAX_KEYS_PER_OWNER - 1):
        await create.execute(tenant_id, TokenType.APP, chat_app.id)
    with pytest.raises(TooManyKeys):
        await create.execute(tenant_id, TokenType.APP, chat_app.id)
    assert len(await ListApiKeys(uow).execute(tenant_id, TokenType.APP, chat_app.id)) == MAX_KEYS_PER_OWNER
    assert [k.id for k in await ListApiKeys(uow).execute(tenant_id, TokenType.DATASET)] == [dataset_key.id]


async def test_deleting_a_key_of_another_app_is_not_found(uow, clock, ids, owner, chat_app):
    account, tenant_id = owner
    other = await CreateApp(uow, clock, ids, RecordingSink()).execute(CreateAppRequest(tenant_id, account.id, "Other", "completion"))
    key = await CreateApiKey(uow, FakeSecrets(), clock, ids).execute(tenant_id, TokenType.APP, chat_app.id)
    with pytest.raises(ApiKeyNotFound):
        await DeleteApiKey(uow).execute(tenant_id, TokenType.APP, key.id, other.id)
    await DeleteApiKey(uow).execute(tenant_id, TokenType.APP, key.id, chat_app.id)
    assert await ListApiKeys(uow).execute(tenant_id, TokenType.APP, chat_app.id) == []
