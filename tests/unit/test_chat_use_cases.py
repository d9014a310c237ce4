"""SendMessage and GenerateAnswer, the chat path's use cases, with every port they use faked in memory.

The rules checked are the ones in their docstrings: what SendMessage refuses before anything is written, what
it writes before the model is called, the prompt it builds; how GenerateAnswer streams, stops, fails, names
the conversation, hands the message to telemetry and always gives its concurrency slot back.
"""

import asyncio
from datetime import timedelta
from decimal import Decimal
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from application.conversations import answer_progress, generate_answer
from application.conversations.generate_answer import GenerateAnswer
from application.conversations.generations import Generations, MessageRun
from application.conversations.send_message import SendMessage, SendMessageRequest
from application.conversations.stop_generation import StopGeneration
from application.models.resolve_model import ResolveModel
from application.telemetry.outcome import TraceOutcome
from application.telemetry.record_message_trace import RecordMessageTrace, finished_message_record
from domain.apps.entities import App, AppMode, EndUser
from domain.apps.model_config import AppModelConfig, ModelSettings
from domain.conversations.entities import NAME_LENGTH, Conversation, Message, MessageStatus, name_from_query
from domain.conversations.errors import ConversationNotFound, TooManyRequests
from domain.conversations.events import AnswerDelta, GenerationEvent, MessageEnded, MessageFailed
from domain.maintenance.leases import SHUT_DOWN_MESSAGE
from domain.models.entities import ChatMessage
from domain.models.errors import CompletionRequestError, ProviderQuotaExceeded, RateLimitError
from domain.models.pricing import ModelPrice
from domain.models.providers import ModelEntry, ProviderCredentials
from domain.shared.errors import InvalidParam, StoreUnavailable
from domain.telemetry.records import EventTimes
from entrypoints.http import app as _http_app  # noqa: F401  (errors alone is an import cycle)
from entrypoints.http.errors import dify_code
from tests.fakes import (
    FakeConcurrencyLimiter,
    FakeStopSignals,
    FakeUnitOfWork,
    FakeUnitOfWorkBlock,
    FakeWorkLease,
    FixedClock,
    RecordingExporter,
    RecordingSink,
    RecordingTraceDispatcher,
    Script,
    ScriptedChatModel,
    SequentialIds,
    WordTokenCounter,
)
from tests.polling import eventually

TENANT = UUID(int=0xE0)
PROVIDER = "openai_api_compatible"
MODEL = "stub-model"
PRICE = ModelPrice(input=Decimal("0.5"), output=Decimal("1.5"))  # per 1K tokens
PRE_PROMPT = "You are a helpful assistant for {{company}}."
COMPANY_FORM = [
    {"text-input": {"label": "Company", "variable": "company", "required": False, "max_length": 48, "default": "Acme"}}
]
WAIT = 5  # seconds any one generation may take here before the test fails


class Chat:
    """A chat app on the scripted model, SendMessage and GenerateAnswer wired to fakes of every port."""

    def __init__(
        self, default_active_requests: int = 10, record_in_process: bool = False, shared_saves: bool = False
    ) -> None:
        self.uow = FakeUnitOfWork()
        self.clock = FixedClock()
        self.ids = SequentialIds()
        self.model = ScriptedChatModel()
        self.counter = WordTokenCounter()
        self.stops = FakeStopSignals()
        self.limiter = FakeConcurrencyLimiter()
        self.traces = RecordingTraceDispatcher()
        self.generations = Generations()
        self.lease = FakeWorkLease()
        self.sink, self.exporter = RecordingSink(), RecordingExporter()
        recorder = RecordMessageTrace(self.uow, self.sink, self.exporter) if record_in_process else None
        self.saves = answer_progress.ProgressSaves(self.uow, interval=0.05) if shared_saves else None
        generate = GenerateAnswer(
            self.uow, self.stops, self.counter, self.traces, self.clock, recorder, progress_saves=self.saves
        )
        self.send_message = SendMessage(
            self.uow, ResolveModel(self.uow, self.model, fallback=None), self.counter, self.stops, self.limiter,
            generate, self.generations, self.clock, self.ids, default_active_requests, self.lease,
        )

    async def install(
        self,
        mode: AppMode = AppMode.CHAT,
        max_active_requests: int | None = None,
        pre_prompt: str = PRE_PROMPT,
        form: list | None = None,
        context_size: int = 4096,
        max_tokens: int = 256,
    ) -> App:
        """A new app of the workspace with its model config; the workspace's provider serves MODEL."""
        now = self.clock.now()
        app = App(id=self.ids.new_id(), tenant_id=TENANT, name="Support bot", mode=mode, created_by=UUID(int=0xAC),
                  created_at=now, updated_at=now, max_active_requests=max_active_requests)
        config = AppModelConfig(
            id=self.ids.new_id(), app_id=app.id, pre_prompt=pre_prompt,
            user_input_form=COMPANY_FORM if form is None else form,
            model=ModelSettings(PROVIDER, MODEL, "chat", {"temperature": 0.2, "max_tokens": max_tokens}),
        )
        credentials = ProviderCredentials(
            tenant_id=TENANT, provider=PROVIDER, endpoint_url="http://127.0.0.1:9/v1", api_key="sk-stub",
            models=(ModelEntry(MODEL, context_size=context_size, price=PRICE),),
        )
        async with self.uow() as uow:
            await uow.apps.add(app)
            await uow.model_configs.add(config)
            await uow.providers.save(credentials)
            await uow.commit()
        self.app = app
        self.alice = self.end_user("alice")
        self.mallory = self.end_user("mallory")
        return app

    def end_user(self, session_id: str, app: App | None = None) -> EndUser:
        now = self.clock.now()
        return EndUser(id=self.ids.new_id(), tenant_id=TENANT, app_id=(app or self.app).id, session_id=session_id,
                       is_anonymous=False, created_at=now, updated_at=now)

    async def send(self, query: str, user: EndUser | None = None, app: App | None = None, **fields) -> MessageRun:
        return await self.send_message.execute(SendMessageRequest(
            app=app or self.app, end_user=user or self.alice, query=query, inputs=fields.pop("inputs", {}),
            streaming=True, **fields,
        ))

    async def events(self, run: MessageRun) -> list[GenerationEvent]:
        """The rest of the run's events, up to its end, once the generation's clean-up has run too (its last
        step hands the message to telemetry)."""
        async with asyncio.timeout(WAIT):
            events = [event async for event in run.events()]
        message_id = run.started.message.id
        await eventually(lambda: message_id in self.handed_to_telemetry(), timeout=WAIT,
                         what="the generation to finish and hand its message to telemetry")
        return events

    def handed_to_telemetry(self) -> set[UUID]:
        """Messages sent to the trace job, or recorded by the generation itself."""
        recorded = {UUID(s.attributes["dify.message.id"]) for s in self.exporter.spans if s.name == "dify.message.run"}
        return {m for m, _ in self.traces.messages} | recorded

    async def ask(self, query: str, **fields) -> tuple[MessageRun, list[GenerationEvent]]:
        run = await self.send(query, **fields)
        return run, await self.events(run)

    def message(self, run: MessageRun) -> Message:
        return self.uow.committed.messages[run.started.message.id]

    def conversation(self, run: MessageRun) -> Conversation:
        return self.uow.committed.conversations[run.started.conversation.id]

    def prompt(self) -> list[tuple[str, str]]:
        """The (role, content) pairs of the last request the model got."""
        return [(m.role.value, m.content) for m in self.model.requests[-1].messages]


@pytest.fixture
async def chat(monkeypatch) -> Chat:
    monkeypatch.setattr(generate_answer, "STOP_RETRY_SECONDS", 0.001)  # unreachable stops are tried again at once
    world = Chat()
    await world.install()
    return world


def nothing_stored(chat: Chat) -> bool:
    committed = chat.uow.committed
    return not committed.conversations and not committed.messages and not chat.stops.owners


# SendMessage: what is refused before anything is written


@given(blank=st.text(alphabet=" \t\n\r\u00a0\u2003\u3000", max_size=6))
@settings(max_examples=20)
async def test_a_chat_app_refuses_a_blank_query_before_calling_anything(blank):
    chat = Chat()
    await chat.install()
    with pytest.raises(InvalidParam) as refused:
        await chat.send(blank)
    assert (refused.value.param, refused.value.message) == ("query", "query is required")
    assert nothing_stored(chat) and chat.model.requests == []


async def test_a_completion_app_needs_no_query_its_prompt_is_the_template_with_inputs():
    chat = Chat()
    form = [{"paragraph": {"label": "Text", "variable": "text", "required": True}}]
    await chat.install(mode=AppMode.COMPLETION, pre_prompt="Translate to English: {{text}}", form=form)
    run, events = await chat.ask("", inputs={"text": "bonjour"})
    assert chat.prompt() == [("user", "Translate to English: bonjour")]
    assert isinstance(events[-1], MessageEnded) and chat.message(run).answer == "Hello world"
    assert chat.conversation(run).name == ""  # only chat conversations are named


async def test_inputs_are_validated_against_the_form_before_anything_is_stored(chat):
    with pytest.raises(InvalidParam) as refused:
        await chat.send("Hi", inputs={"company": "x" * 60})
    assert refused.value.param == "company"
    assert nothing_stored(chat) and chat.model.requests == [] and chat.limiter.held(chat.app.id) == 0


async def _conversation_of_another_end_user(chat: Chat) -> tuple[EndUser, App, UUID]:
    return chat.mallory, chat.app, await _alices_conversation(chat)


async def _conversation_of_another_app(chat: Chat) -> tuple[EndUser, App, UUID]:
    conversation_id = await _alices_conversation(chat)
    other = await chat.install()
    return chat.end_user("alice", other), other, conversation_id


async def _deleted_conversation(chat: Chat) -> tuple[EndUser, App, UUID]:
    conversation_id = await _alices_conversation(chat)
    chat.uow.committed.conversations[conversation_id].is_deleted = True
    return chat.alice, chat.app, conversation_id


async def _unknown_conversation(chat: Chat) -> tuple[EndUser, App, UUID]:
    await _alices_conversation(chat)
    return chat.alice, chat.app, UUID(int=0xDEAD)


async def _alices_conversation(chat: Chat) -> UUID:
    run, _ = await chat.ask("Hi there", inputs={"company": "Initech"})
    return run.started.conversation.id


@pytest.mark.parametrize(
    "case", [_conversation_of_another_end_user, _conversation_of_another_app, _deleted_conversation,
             _unknown_conversation],
    ids=["another_end_user", "another_app", "deleted", "unknown"],
)
async def test_a_conversation_that_is_not_the_users_own_in_this_app_does_not_exist(chat, case):
    user, app, conversation_id = await case(chat)
    messages, requests = dict(chat.uow.committed.messages), len(chat.model.requests)
    with pytest.raises(ConversationNotFound) as refused:
        await chat.send("Let me in", user=user, app=app, conversation_id=conversation_id)
    assert refused.value.message == "Conversation Not Exists."
    assert chat.uow.committed.messages == messages and len(chat.model.requests) == requests


@pytest.mark.parametrize(
    ("app_cap", "default_cap", "second_refused"),
    [
        (1, 10, True),  # the app's max_active_requests
        (None, 1, True),  # else APP_MAX_ACTIVE_REQUESTS
        (2, 1, False),  # the app's own cap wins over the default
        (None, 0, False),  # 0: no cap
    ],
)
async def test_the_per_app_concurrency_cap_refuses_with_too_many_requests(app_cap, default_cap, second_refused):
    chat = Chat(default_active_requests=default_cap)
    await chat.install(max_active_requests=app_cap)
    busy = asyncio.Event()
    chat.model.scripts += [Script(deltas=("busy",), hold=busy), Script()]
    first = await chat.send("occupy the slot")
    assert isinstance(await first.next_event(timeout=WAIT), AnswerDelta)  # the first one is answering

    if second_refused:
        with pytest.raises(TooManyRequests) as refused:
            await chat.send("second")
        assert dify_code(refused.value) == ("too_many_requests", 429)
        assert [m.query for m in chat.uow.committed.messages.values()] == ["occupy the slot"]
    else:
        _, events = await chat.ask("second")
        assert isinstance(events[-1], MessageEnded)

    busy.set()
    await chat.events(first)
    assert chat.limiter.held(chat.app.id) == 0
    _, events = await chat.ask("third, once the slot is free")
    assert isinstance(events[-1], MessageEnded)


# SendMessage: what is written, and the prompt


async def test_the_message_is_committed_generating_with_its_owner_before_any_answer_shows_no_connection_held(
    chat,
):
    hold = asyncio.Event()
    chat.model.scripts.append(Script(deltas=("Hello", " world"), hold=hold, hold_after=1))
    run = await chat.send("Hi there")
    assert await run.next_event(timeout=WAIT) == AnswerDelta("Hello")
    # The first token is out and the model is still answering: the row is there, nothing holds a connection.
    assert [(m.query, m.answer, m.status, m.lease_owner) for m in chat.uow.committed.messages.values()] == [
        ("Hi there", "", MessageStatus.GENERATING, chat.lease.owner)
    ]
    assert list(chat.uow.committed.conversations) == [run.started.conversation.id]
    assert chat.uow.open == 0
    hold.set()
    await chat.events(run)
    assert (chat.message(run).status, chat.message(run).answer) == (MessageStatus.NORMAL, "Hello world")


async def test_the_model_request_goes_out_while_the_row_is_written_and_is_dropped_when_the_write_fails(
    chat, monkeypatch
):
    """The first token usually takes longer than the commit, so the request is not kept waiting for it; a
    message whose row could not be written shows nothing, keeps no slot and sends no trace."""
    asked = asyncio.Event()
    chat.model.on_request = lambda _request: asked.set()
    chat.model.scripts.append(Script(deltas=("never", " shown"), hold=asyncio.Event(), hold_after=0))

    async def commit_fails_once_the_model_is_asked(block):
        async with asyncio.timeout(WAIT):
            await asked.wait()  # in flight before the write ends (before this change it never was)
        raise StoreUnavailable("PostgreSQL went away")

    monkeypatch.setattr(FakeUnitOfWorkBlock, "commit", commit_fails_once_the_model_is_asked)
    with pytest.raises(StoreUnavailable):
        await chat.send("Hi there")
    await eventually(lambda: chat.model.closed == 1, timeout=WAIT, what="the model stream to be dropped")
    assert len(chat.model.requests) == 1 and chat.uow.committed.messages == {}
    assert chat.limiter.held(chat.app.id) == 0 and chat.stops.owners == {} and len(chat.stops.forgotten) == 1
    await chat.generations.drain(timeout=WAIT)
    assert chat.traces.messages == [] and chat.generations.active == 0


async def test_the_prompt_is_the_pre_prompt_with_inputs_then_the_query_with_the_apps_model_params(chat):
    await chat.ask("Hi there", inputs={"company": "Initech"})
    assert chat.prompt() == [("system", "You are a helpful assistant for Initech."), ("user", "Hi there")]
    request = chat.model.requests[-1]
    assert (request.model, dict(request.params)) == (MODEL, {"temperature": 0.2, "max_tokens": 256})
    assert [c.api_key for c in chat.model.credentials] == ["sk-stub"]  # the workspace's credentials serve it


async def test_the_conversations_history_goes_into_the_prompt_and_it_keeps_its_first_inputs(chat):
    chat.model.scripts += [Script(deltas=("Hello",)), Script(deltas=("Fine",)), Script()]
    first, _ = await chat.ask("Hi there", inputs={"company": "Initech"})
    conversation_id = first.started.conversation.id
    await chat.ask("How are you?", conversation_id=conversation_id)
    third, _ = await chat.ask("Bye", conversation_id=conversation_id, inputs={"company": "Globex"})
    assert chat.prompt() == [
        ("system", "You are a helpful assistant for Initech."),
        ("user", "Hi there"), ("assistant", "Hello"),
        ("user", "How are you?"), ("assistant", "Fine"),
        ("user", "Bye"),
    ]
    assert third.started.conversation.id == conversation_id
    assert chat.message(third).inputs == {"company": "Initech"}


async def test_history_is_trimmed_to_the_models_context_keeping_the_newest_turns():
    system = ChatMessage.system("You are a helpful assistant for Acme.")
    newest_turn_only = [system, ChatMessage.user("second question"), ChatMessage.assistant("second answer"),
                        ChatMessage.user("third question")]
    context = WordTokenCounter().count_messages(newest_turn_only, MODEL) + 100  # what max_tokens leaves is exact
    chat = Chat()
    await chat.install(context_size=context, max_tokens=100)
    chat.model.scripts += [Script(deltas=("first answer",)), Script(deltas=("second answer",)), Script()]
    first, _ = await chat.ask("first question")
    conversation_id = first.started.conversation.id
    await chat.ask("second question", conversation_id=conversation_id)
    await chat.ask("third question", conversation_id=conversation_id)
    assert chat.prompt() == [(m.role.value, m.content) for m in newest_turn_only]


# GenerateAnswer: streaming, stopping, failing


async def test_deltas_stream_in_order_then_message_end_carries_the_priced_usage(chat):
    chat.model.scripts.append(Script(deltas=("One", " two", " three")))
    run, events = await chat.ask("Count")
    assert events[:-1] == [AnswerDelta("One"), AnswerDelta(" two"), AnswerDelta(" three")]
    ended = events[-1]
    assert isinstance(ended, MessageEnded) and not ended.stopped
    usage = ended.usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (11, 3, 14)
    assert (usage.prompt_price, usage.completion_price, usage.total_price) == (
        Decimal("0.0055000"), Decimal("0.0045000"), Decimal("0.0100000"))
    saved = chat.message(run)
    assert (saved.answer, saved.status, saved.message_tokens, saved.answer_tokens, saved.total_price) == (
        "One two three", MessageStatus.NORMAL, 11, 3, Decimal("0.0100000"))
    assert saved.metadata["usage"] == usage.as_dict()
    assert chat.conversation(run).dialogue_count == 1


@given(deltas=st.lists(st.text(min_size=1, max_size=6), max_size=8))
@settings(max_examples=25)
async def test_whatever_the_deltas_they_are_published_in_order_and_saved_as_the_answer(deltas):
    chat = Chat()
    await chat.install()
    chat.model.scripts.append(Script(deltas=tuple(deltas)))
    run, events = await chat.ask("Say something")
    assert [e.text for e in events if isinstance(e, AnswerDelta)] == deltas
    assert isinstance(events[-1], MessageEnded) and len(events) == len(deltas) + 1
    assert chat.message(run).answer == events[-1].message.answer == "".join(deltas)


async def test_without_a_reported_usage_the_tokens_are_counted(chat):
    chat.model.scripts.append(Script(deltas=("Three", " words", " here"), usage=None))
    run, events = await chat.ask("Count them yourself")
    prompt_tokens = chat.counter.count_messages(chat.model.requests[-1].messages, MODEL)
    assert (events[-1].usage.prompt_tokens, events[-1].usage.completion_tokens) == (prompt_tokens, 3)
    assert (chat.message(run).message_tokens, chat.message(run).answer_tokens) == (prompt_tokens, 3)


async def test_the_message_is_updated_at_the_moment_its_answer_completed(chat):
    slow = asyncio.Event()
    chat.model.scripts.append(Script(deltas=("Slow",), hold=slow))
    run = await chat.send("Take your time")
    await run.next_event(timeout=WAIT)
    started = chat.clock.now()
    chat.clock.advance(seconds=2)
    slow.set()
    await chat.events(run)
    saved = chat.message(run)
    assert (saved.created_at, saved.updated_at) == (started, started + timedelta(seconds=2))
    assert chat.conversation(run).updated_at == started + timedelta(seconds=2)


async def test_a_stop_keeps_the_partial_answer_and_ends_the_message_as_stopped(chat):
    chat.model.scripts.append(Script(deltas=("Partial", " answer", " never", " sent"), hold=asyncio.Event(),
                                     hold_after=2))
    run = await chat.send("Tell me a long story")
    assert await run.next_event(timeout=WAIT) == AnswerDelta("Partial")
    await StopGeneration(chat.stops).execute(run.started.task_id, chat.alice)
    events = await chat.events(run)
    assert events[:-1] == [AnswerDelta(" answer")]
    assert isinstance(events[-1], MessageEnded) and events[-1].stopped
    saved = chat.message(run)
    assert (saved.answer, saved.status) == ("Partial answer", MessageStatus.NORMAL)
    assert saved.answer_tokens == 2  # a stopped answer reports no usage: it is counted
    assert chat.model.closed == 1  # the provider's stream was closed, not left running
    assert chat.limiter.held(chat.app.id) == 0 and chat.stops.forgotten == [run.started.task_id]


async def test_a_stop_by_another_end_user_is_ignored(chat):
    slow = asyncio.Event()
    chat.model.scripts.append(Script(deltas=("a", "b", "c"), hold=slow, hold_after=1))
    run = await chat.send("Hi")
    await run.next_event(timeout=WAIT)
    await StopGeneration(chat.stops).execute(run.started.task_id, chat.mallory)
    await eventually(lambda: chat.stops.checks >= 1, what="the generation to listen for stops")
    slow.set()
    events = await chat.events(run)
    assert isinstance(events[-1], MessageEnded) and not events[-1].stopped
    assert chat.message(run).answer == "abc"


async def test_unreadable_stop_flags_do_not_cut_the_answer_short(chat):
    chat.stops.unreadable = StoreUnavailable("Redis is unreachable")
    slow = asyncio.Event()
    chat.model.scripts.append(Script(deltas=("Still", " answering"), hold=slow, hold_after=1))
    run = await chat.send("Hi")
    await run.next_event(timeout=WAIT)
    await eventually(lambda: chat.stops.checks >= 1, what="the generation to try its stop flag")
    slow.set()
    events = await chat.events(run)
    assert isinstance(events[-1], MessageEnded) and not events[-1].stopped
    assert chat.message(run).answer == "Still answering"


async def test_a_stop_still_works_once_unreadable_stop_flags_are_readable_again(chat):
    chat.stops.unreadable = StoreUnavailable("Redis is unreachable")
    chat.model.scripts.append(Script(deltas=("Partial", " never sent"), hold=asyncio.Event(), hold_after=1))
    run = await chat.send("Hi")
    await run.next_event(timeout=WAIT)
    await eventually(lambda: chat.stops.checks >= 1, what="the generation to try its stop flag")
    chat.stops.unreadable = None
    await StopGeneration(chat.stops).execute(run.started.task_id, chat.alice)
    events = await chat.events(run)
    assert isinstance(events[-1], MessageEnded) and events[-1].stopped
    assert chat.message(run).answer == "Partial"


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (CompletionRequestError("model overloaded with nonsense"), ("completion_request_error", 400),
         "model overloaded with nonsense"),
        (RateLimitError(), ("rate_limit_error", 429), "Rate Limit Error"),
        (ProviderQuotaExceeded(), ("provider_quota_exceeded", 400), ProviderQuotaExceeded.default_message),
        (RuntimeError("a bug in an adapter"), ("internal_server_error", 500), "Internal error: RuntimeError"),
    ],
    ids=["completion_request_error", "rate_limit_error", "provider_quota_exceeded", "crash"],
)
async def test_a_provider_error_fails_the_message_with_difys_code_and_nothing_looks_successful(
    chat, error, code, message
):
    chat.model.scripts.append(Script(deltas=(), error=error))
    run, events = await chat.ask("Hi there")
    [failed] = events
    assert isinstance(failed, MessageFailed)
    assert (dify_code(failed.error), failed.error.message) == (code, message)
    saved = chat.message(run)
    assert (saved.status, saved.error, saved.answer) == (MessageStatus.ERROR, message, "")
    conversation = chat.conversation(run)
    assert (conversation.dialogue_count, conversation.name) == (0, "")  # not counted, not named
    assert chat.limiter.held(chat.app.id) == 0 and chat.stops.forgotten == [run.started.task_id]


async def test_an_answer_that_failed_midway_is_not_remembered_as_an_answer(chat):
    chat.model.scripts.append(Script(deltas=("Half an",), error=CompletionRequestError("connection lost")))
    failed, events = await chat.ask("First question")
    assert events == [AnswerDelta("Half an"), events[-1]] and isinstance(events[-1], MessageFailed)
    assert chat.message(failed).status == MessageStatus.ERROR
    await chat.ask("Second question", conversation_id=failed.started.conversation.id)
    assert chat.prompt() == [("system", "You are a helpful assistant for Acme."), ("user", "Second question")]


# GenerateAnswer: naming and telemetry


async def test_the_conversation_is_named_from_its_first_query_only(chat):
    first, _ = await chat.ask("  Where is my order\n number 12345 that I placed last Tuesday?  ")
    assert chat.conversation(first).name == "Where is my order number 12345 that I p…"
    await chat.ask("Something else entirely", conversation_id=first.started.conversation.id)
    assert chat.conversation(first).name == "Where is my order number 12345 that I p…"


async def test_a_conversation_is_not_named_when_the_client_asks_not_to(chat):
    run, _ = await chat.ask("Where is my order?", auto_generate_name=False)
    assert chat.conversation(run).name == ""


@given(st.text(min_size=1, max_size=120).filter(str.strip))
def test_a_name_from_a_query_is_one_line_of_at_most_forty_characters(query):
    name = name_from_query(query)
    line = " ".join(query.split())
    assert "\n" not in name and len(name) <= NAME_LENGTH
    assert name == line if len(line) <= NAME_LENGTH else line.startswith(name[:-1]) and name.endswith("…")


async def test_every_finished_message_is_handed_to_telemetry_exactly_once(chat):
    completed, _ = await chat.ask("complete")
    chat.model.scripts.append(Script(deltas=(), error=CompletionRequestError("down")))
    failed, _ = await chat.ask("fail")
    chat.model.scripts.append(Script(deltas=("part",), hold=asyncio.Event()))
    stopped = await chat.send("stop")
    await stopped.next_event(timeout=WAIT)
    await StopGeneration(chat.stops).execute(stopped.started.task_id, chat.alice)
    await chat.events(stopped)

    handed = [(message_id, times.status, times.started_at) for message_id, times in chat.traces.messages]
    assert handed == [
        (completed.started.message.id, "normal", chat.message(completed).created_at),
        (failed.started.message.id, "error", chat.message(failed).created_at),
        (stopped.started.message.id, "normal", chat.message(stopped).created_at),
    ]


async def test_with_a_recorder_each_finished_message_is_traced_once_in_process_and_a_later_job_finds_it_done():
    chat = Chat(record_in_process=True)
    await chat.install()
    completed, _ = await chat.ask("complete")
    chat.model.scripts.append(Script(deltas=(), error=CompletionRequestError("down")))
    failed, _ = await chat.ask("fail")

    assert chat.traces.messages == []  # no trace job: the claim went with the saved message
    runs = [s for s in chat.exporter.spans if s.name == "dify.message.run"]
    assert [(s.attributes["dify.message.id"], s.attributes["dify.message.status"]) for s in runs] == [
        (str(completed.started.message.id), "normal"), (str(failed.started.message.id), "error"),
    ]
    stored = chat.message(completed)
    # The fixed clock stands still, so the duration is the stored latency (the rule when updated_at == created_at).
    assert runs[0].end - runs[0].start == timedelta(seconds=stored.provider_response_latency)
    assert chat.uow.committed.trace_keys == {f"message:{completed.started.message.id}",
                                             f"message:{failed.started.message.id}"}
    # A job for the same message (the reaper's, a retry) records nothing twice. (The fake's telemetry view of
    # messages is its own table: the row the SQL repository would read.)
    chat.uow.committed.message_records[stored.id] = finished_message_record(stored, TENANT)
    job = RecordMessageTrace(chat.uow, chat.sink, chat.exporter, delays=())
    assert await job.execute(completed.started.message.id, EventTimes()) == TraceOutcome.ALREADY_RECORDED
    assert len([s for s in chat.exporter.spans if s.name == "dify.message.run"]) == 2


# Crash truthfulness: a message never looks answered before it is, and a client gone early changes nothing


async def test_the_answer_streamed_so_far_is_saved_within_the_interval_while_the_message_is_generating(
    chat, monkeypatch
):
    monkeypatch.setattr(answer_progress, "SAVE_EVERY_SECONDS", 0.01)
    more = asyncio.Event()
    chat.model.scripts.append(Script(deltas=("One", " two", " three"), hold=more, hold_after=2))
    run = await chat.send("Count")
    await eventually(lambda: chat.message(run).answer == "One two", timeout=WAIT,
                     what="the answer so far to be saved though no delta came since")
    assert chat.message(run).status is MessageStatus.GENERATING and chat.message(run).error is None
    more.set()
    await chat.events(run)
    saved = chat.message(run)
    assert (saved.status, saved.answer, saved.error) == (MessageStatus.NORMAL, "One two three", None)


async def test_one_shared_saver_stores_the_answers_so_far_of_every_streaming_message():
    chat = Chat(shared_saves=True)
    await chat.install()
    holds = [asyncio.Event(), asyncio.Event()]
    chat.model.scripts.append(Script(deltas=("One", " two", " three"), hold=holds[0], hold_after=2))
    chat.model.scripts.append(Script(deltas=("Un", " deux", " trois"), hold=holds[1], hold_after=2))
    first = await chat.send("Count")
    second = await chat.send("Compte")
    await eventually(lambda: (chat.message(first).answer, chat.message(second).answer) == ("One two", "Un deux"),
                     timeout=WAIT, what="both answers so far to be saved")
    assert all(chat.message(r).status is MessageStatus.GENERATING for r in (first, second))
    for hold in holds:
        hold.set()
    await chat.events(first)
    await chat.events(second)
    assert [(chat.message(r).status, chat.message(r).answer) for r in (first, second)] == [
        (MessageStatus.NORMAL, "One two three"), (MessageStatus.NORMAL, "Un deux trois"),
    ]


async def test_the_answer_so_far_is_saved_after_so_many_deltas_without_waiting_for_the_interval(chat, monkeypatch):
    monkeypatch.setattr(answer_progress, "SAVE_EVERY_SECONDS", 3600)
    monkeypatch.setattr(answer_progress, "SAVE_EVERY_DELTAS", 2)
    more = asyncio.Event()
    chat.model.scripts.append(Script(deltas=("a", "b", "c"), hold=more, hold_after=2))
    run = await chat.send("Letters")
    await eventually(lambda: chat.message(run).answer == "ab", timeout=WAIT, what="two deltas to be saved")
    assert chat.message(run).generating
    more.set()
    await chat.events(run)
    assert chat.message(run).answer == "abc"


async def test_a_generation_cancelled_by_a_shutdown_ends_error_with_the_reason_and_the_text_so_far(chat):
    chat.model.scripts.append(Script(deltas=("Half", " way"), hold=asyncio.Event(), hold_after=1))
    run = await chat.send("Hi")
    assert await run.next_event(timeout=WAIT) == AnswerDelta("Half")
    await chat.generations.drain(timeout=0)  # what the process does with generations left at shutdown
    saved = chat.message(run)  # stored before drain returned: before the process closes its pools
    assert (saved.status, saved.error, saved.answer) == (MessageStatus.ERROR, SHUT_DOWN_MESSAGE, "Half")
    assert chat.limiter.held(chat.app.id) == 0 and chat.model.closed == 1


async def test_a_client_gone_right_after_its_message_was_stored_still_gets_it_answered(chat, monkeypatch):
    """The cancel storm's 3 of 509: the request task cancelled (client disconnect) just after the message's
    commit left it stored, never sent upstream, `normal` with an empty answer."""
    caller: list[asyncio.Task] = []
    real_commit = FakeUnitOfWorkBlock.commit

    async def commit_then_the_client_leaves(block):
        await real_commit(block)
        if caller and not caller[0].cancelling() and chat.uow.committed.messages:
            caller[0].cancel()
            await asyncio.sleep(0)  # the cancel lands on the next suspension of the task it was sent to

    monkeypatch.setattr(FakeUnitOfWorkBlock, "commit", commit_then_the_client_leaves)
    caller.append(asyncio.create_task(chat.send("Hi there")))
    with pytest.raises(asyncio.CancelledError):
        await caller[0]
    [message_id] = chat.uow.committed.messages
    await eventually(lambda: not chat.uow.committed.messages[message_id].generating, timeout=WAIT,
                     what="the detached generation to answer")
    saved = chat.uow.committed.messages[message_id]
    assert (saved.status, saved.answer) == (MessageStatus.NORMAL, "Hello world")
    assert len(chat.model.requests) == 1
    await eventually(lambda: chat.limiter.held(chat.app.id) == 0, timeout=WAIT, what="the slot to be released")


async def test_a_message_that_could_not_be_started_is_not_left_generating(chat, monkeypatch):
    async def unreachable(task_id, owner):
        raise StoreUnavailable("Redis is unreachable")

    monkeypatch.setattr(chat.stops, "register", unreachable)
    with pytest.raises(StoreUnavailable):
        await chat.send("Hi there")
    assert chat.uow.committed.messages == {} and chat.limiter.held(chat.app.id) == 0
