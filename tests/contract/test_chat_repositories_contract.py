"""The chat path's repositories, run against the in-memory fakes the unit tests use and the SQL adapters.

What a unit test learns through tests/fakes.py holds only if the fakes answer as PostgreSQL does: the same
orders, the same pages, the same upserts, nothing kept without `update` and `commit`.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from domain.apps.entities import App, AppMode
from domain.apps.model_config import AppModelConfig, ModelSettings
from domain.conversations.entities import Conversation, Feedback, Message, MessageStatus, Rating
from domain.files.entities import UploadFile
from domain.models.pricing import ModelPrice
from domain.models.providers import DefaultModel, ModelEntry, ProviderCredentials
from domain.tenancy.entities import Tenant
from tests.fakes import FakeUnitOfWork

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TENANT, APP, ALICE, BOB = UUID(int=1), UUID(int=2), UUID(int=3), UUID(int=4)


@pytest.fixture(params=["fake", "postgres"])
def backend(request):
    return FakeUnitOfWork() if request.param == "fake" else request.getfixturevalue("uow_factory")


@pytest.fixture
async def uow(backend):
    """A unit-of-work factory with one tenant and one chat app stored, on either backend."""
    factory = backend
    async with factory() as u:
        await u.tenants.add(Tenant(id=TENANT, name="Acme", created_at=T0, updated_at=T0))
        await u.apps.add(App(id=APP, tenant_id=TENANT, name="Bot", mode=AppMode.CHAT, created_by=ALICE,
                             created_at=T0, updated_at=T0))
        await u.commit()
    return factory


def conversation(n: int, user: UUID = ALICE, created: int = 0, updated: int = 0, **fields) -> Conversation:
    return Conversation(id=UUID(int=100 + n), app_id=APP, mode="chat", from_end_user_id=user,
                        created_at=T0 + timedelta(seconds=created), updated_at=T0 + timedelta(seconds=updated),
                        **fields)


def message(n: int, conversation_id: UUID, at: int, answer: str = "an answer") -> Message:
    return Message(id=UUID(int=200 + n), app_id=APP, conversation_id=conversation_id, query=f"question {n}",
                   inputs={"company": "Acme"}, model_provider="openai", model_id="gpt", from_end_user_id=ALICE,
                   created_at=T0 + timedelta(seconds=at), updated_at=T0 + timedelta(seconds=at), answer=answer)


async def _store(uow, *conversations: Conversation, messages: tuple[Message, ...] = ()) -> None:
    async with uow() as u:
        for c in conversations:
            await u.conversations.add(c)
        for m in messages:
            await u.messages.add(m)
        await u.commit()


async def _all_pages(uow, sort_by: str, limit: int) -> list[list[int]]:
    pages, last_id = [], None
    async with uow() as u:
        while True:
            page = await u.conversations.list_for(APP, ALICE, last_id=last_id, limit=limit, sort_by=sort_by)
            pages.append([c.id.int - 100 for c in page.items])
            if not page.has_more:
                return pages
            last_id = page.items[-1].id


@pytest.mark.parametrize(
    ("sort_by", "expected"),
    [
        ("created_at", [[1, 2], [3, 4], [5]]),
        ("-created_at", [[5, 4], [3, 2], [1]]),
        ("updated_at", [[5, 3], [4, 2], [1]]),
        ("-updated_at", [[1, 2], [4, 3], [5]]),
    ],
)
async def test_a_users_conversations_are_listed_in_the_asked_order_and_paged_after_the_last_one(
    uow, sort_by, expected
):
    await _store(
        uow,
        conversation(1, created=1, updated=50), conversation(2, created=2, updated=40),
        conversation(3, created=3, updated=30), conversation(4, created=3, updated=30),  # ties: by id
        conversation(5, created=5, updated=10),
        conversation(6, user=BOB, created=4, updated=4), conversation(7, created=6, updated=6, is_deleted=True),
    )
    assert await _all_pages(uow, sort_by, limit=2) == expected


async def test_a_last_id_of_another_user_or_a_deleted_conversation_pages_nothing(uow):
    await _store(uow, conversation(1), conversation(2, user=BOB), conversation(3, is_deleted=True))
    async with uow() as u:
        for last_id in (UUID(int=102), UUID(int=103), UUID(int=999)):
            assert await u.conversations.list_for(APP, ALICE, last_id=last_id, limit=5, sort_by="created_at") is None
        assert await u.conversations.get(UUID(int=103)) is None
        assert (await u.conversations.get(UUID(int=101))).from_end_user_id == ALICE


async def test_history_and_first_are_the_answered_messages_and_pages_go_newest_first(uow):
    chat, other = conversation(1), conversation(2)
    await _store(uow, chat, other, messages=(
        message(1, chat.id, at=1), message(2, chat.id, at=2, answer=""), message(3, chat.id, at=3),
        message(4, chat.id, at=4), message(5, other.id, at=0),
    ))
    async with uow() as u:
        assert (await u.messages.first(chat.id)).id.int == 201
        assert [m.id.int for m in await u.messages.history(chat.id, 2)] == [203, 204]
        assert [m.id.int for m in await u.messages.history(chat.id, 50)] == [201, 203, 204]
        newest = await u.messages.page(chat.id, first_id=None, limit=2)
        assert ([m.id.int for m in newest.items], newest.has_more) == ([204, 203], True)
        older = await u.messages.page(chat.id, first_id=newest.items[-1].id, limit=2)
        assert ([m.id.int for m in older.items], older.has_more) == ([202, 201], False)
        assert await u.messages.page(chat.id, first_id=UUID(int=205), limit=2) is None  # another conversation's
        assert await u.messages.first(UUID(int=999)) is None


async def test_the_answer_so_far_is_saved_only_on_a_generating_message_which_is_no_turn_of_history(uow):
    chat = conversation(1)
    owner = UUID(int=0x1EA5E)
    generating = replace(message(1, chat.id, at=1, answer=""), status=MessageStatus.GENERATING, lease_owner=owner)
    answered = message(2, chat.id, at=2, answer="Final")
    await _store(uow, chat, messages=(generating, answered))
    async with uow() as u:
        await u.messages.save_progress(generating.id, "Partial")
        await u.messages.save_progress(answered.id, "Partial")
        await u.commit()
    async with uow() as u:
        saved = await u.messages.get(generating.id)
        assert (saved.status, saved.answer, saved.lease_owner) == (MessageStatus.GENERATING, "Partial", owner)
        assert (await u.messages.get(answered.id)).answer == "Final"
        assert [m.id for m in await u.messages.history(chat.id, 10)] == [answered.id]
        assert (await u.messages.first(chat.id)).id == answered.id


async def test_an_entity_changes_in_the_store_only_through_update_and_commit(uow):
    await _store(uow, conversation(1), messages=(message(1, UUID(int=101), at=1),))
    async with uow() as u:
        found = await u.conversations.get(UUID(int=101))
        found.name = "changed, never updated"
        await u.commit()
    async with uow() as u:
        found = await u.conversations.get(UUID(int=101))
        assert found.name == ""
        found.rename("Renamed", T0 + timedelta(seconds=9))
        await u.conversations.update(found)
        saved = await u.messages.get(UUID(int=201))
        saved.answer, saved.total_price, saved.metadata = "new answer", Decimal("0.0100000"), {"usage": {"a": 1}}
        await u.messages.update(saved)  # no commit
    async with uow() as u:
        assert (await u.conversations.get(UUID(int=101))).name == ""
        assert (await u.messages.get(UUID(int=201))).answer == "an answer"
        saved = await u.messages.get(UUID(int=201))
        saved.answer, saved.metadata = "new answer", {"usage": {"a": 1}}
        await u.messages.update(saved)
        await u.commit()
    async with uow() as u:
        saved = await u.messages.get(UUID(int=201))
        assert (saved.answer, saved.metadata, saved.inputs) == ("new answer", {"usage": {"a": 1}}, {"company": "Acme"})


def feedback(n: int, message_id: UUID, rating: Rating, at: int, source: str = "user") -> Feedback:
    return Feedback(id=UUID(int=300 + n), app_id=APP, conversation_id=UUID(int=101), message_id=message_id,
                    rating=rating, from_end_user_id=ALICE, created_at=T0 + timedelta(seconds=at),
                    updated_at=T0 + timedelta(seconds=at), from_source=source)


async def test_feedback_is_one_per_message_and_source_replaced_in_place(uow):
    first, second = message(1, UUID(int=101), at=1), message(2, UUID(int=101), at=2)
    await _store(uow, conversation(1), messages=(first, second))
    async with uow() as u:
        await u.feedbacks.save(feedback(1, first.id, Rating.LIKE, at=1))
        await u.feedbacks.save(feedback(2, second.id, Rating.LIKE, at=2, source="admin"))
        await u.commit()
    async with uow() as u:
        again = feedback(3, first.id, Rating.DISLIKE, at=5)
        again.content = "wrong after all"
        await u.feedbacks.save(again)
        await u.commit()
    async with uow() as u:
        mine = await u.feedbacks.for_message(first.id)
        assert (mine.id.int, mine.rating, mine.content, mine.created_at, mine.updated_at) == (
            301, Rating.DISLIKE, "wrong after all", T0 + timedelta(seconds=1), T0 + timedelta(seconds=5))
        assert await u.feedbacks.for_message(second.id) is None  # only the end user's own counts
        assert [f.id.int for f in await u.feedbacks.page(APP, page=1, limit=1)] == [302]
        assert [f.id.int for f in await u.feedbacks.page(APP, page=2, limit=1)] == [301]
        await u.feedbacks.delete(mine.id)
        await u.commit()
    async with uow() as u:
        assert await u.feedbacks.for_message(first.id) is None
        assert [f.id.int for f in await u.feedbacks.page(APP, page=1, limit=5)] == [302]


async def test_the_newest_model_config_is_the_apps_current_one(uow):
    def config(n: int, pre_prompt: str) -> AppModelConfig:
        return AppModelConfig(id=UUID(int=400 + n), app_id=APP, pre_prompt=pre_prompt, memory_window=3,
                              model=ModelSettings("openai", "gpt", "chat", {"max_tokens": 256}),
                              user_input_form=[{"text-input": {"variable": "company", "label": "Company"}}])

    async with uow() as u:
        assert await u.model_configs.current(APP) is None
        await u.model_configs.add(config(1, "first"))
        await u.commit()
    async with uow() as u:
        await u.model_configs.add(config(2, "second"))
        await u.commit()
    async with uow() as u:
        current = await u.model_configs.current(APP)
    assert current == config(2, "second")


async def test_provider_credentials_and_default_models_are_replaced_per_tenant(uow):
    price = ModelPrice(Decimal("0.5"), Decimal("1.5"))

    def credentials(provider: str, key: str) -> ProviderCredentials:
        return ProviderCredentials(tenant_id=TENANT, provider=provider, endpoint_url="http://llm.internal/v1",
                                   api_key=key, models=(ModelEntry("m1", context_size=4096, price=price),),
                                   updated_at=T0)

    async with uow() as u:
        await u.providers.save(credentials("openai_api_compatible", "sk-old"))
        await u.providers.save(credentials("openai", "sk-openai"))
        await u.providers.save(credentials("openai_api_compatible", "sk-new"))
        await u.providers.save_default(TENANT, DefaultModel("llm", "openai", "m1"))
        await u.providers.save_default(TENANT, DefaultModel("llm", "openai_api_compatible", "m1"))
        await u.commit()
    async with uow() as u:
        assert await u.providers.get(TENANT, "openai_api_compatible") == credentials("openai_api_compatible", "sk-new")
        assert [p.provider for p in await u.providers.for_tenant(TENANT)] == ["openai", "openai_api_compatible"]
        assert await u.providers.defaults(TENANT) == [DefaultModel("llm", "openai_api_compatible", "m1")]
        assert await u.providers.get(UUID(int=999), "openai") is None


async def test_an_upload_reads_back_as_stored(uow):
    upload = UploadFile(id=UUID(int=500), tenant_id=TENANT, key="upload_files/t/a.pdf", name="a.pdf", size=10,
                        extension="pdf", mime_type="application/pdf", created_by=ALICE, created_by_role="end_user",
                        created_at=T0, hash="abc")
    async with uow() as u:
        await u.uploads.add(upload)
        await u.commit()
    async with uow() as u:
        assert await u.uploads.get(upload.id) == upload
        assert await u.uploads.get(UUID(int=501)) is None
