import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import aclosing, suppress
from dataclasses import dataclass, field
from uuid import UUID

from application.conversations.answer_progress import AnswerProgress, ProgressSaves
from application.conversations.generations import MessageRun
from application.telemetry.record_message_trace import (
    RecordMessageTrace,
    finished_message_record,
    message_trace_key,
)
from domain.conversations.entities import Conversation, Message, name_from_query
from domain.conversations.events import AnswerDelta, MessageEnded, MessageFailed
from domain.conversations.ports import StopSignals
from domain.maintenance.leases import SHUT_DOWN_MESSAGE
from domain.models.entities import ChatRequest, Usage
from domain.models.ports import ChatModel, TokenCounter
from domain.models.pricing import ModelPrice, price_usage
from domain.shared.clock import Clock
from domain.shared.errors import DomainError
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.telemetry.ports import TraceDispatcher
from domain.telemetry.records import EventTimes

log = logging.getLogger("weir.generation")

STOP_RETRY_SECONDS = 1.0  # after the stop signals could not be reached


@dataclass
class AnswerGeneration:
    run: MessageRun
    model: ChatModel
    request: ChatRequest
    price: ModelPrice | None
    conversation: Conversation
    message: Message
    release: Callable[[], Awaitable[None]]
    auto_name: bool = False
    retriever_resources: list[dict] = field(default_factory=list)
    # Who writes the answer instead of one model stream (an agent-chat app's agent loop): given the delta
    # sink, it returns the usage of all its model calls.
    produce: Callable[[Callable[[str], None]], Awaitable[Usage]] | None = None
    tenant_id: UUID | None = None  # known: the trace is claimed with the saved message and recorded here
    traced: bool = False
    # Set when the generation starts before its message is stored (SendMessage sends the model request while
    # the row is written): True once the row is committed, False when it never will be. None: stored already.
    stored: "asyncio.Future[bool] | None" = None


class MessageNotStored(Exception):
    """The message this generation answers was never stored: the generation ends without a trace."""


class GenerateAnswer:
    """Streams the model's answer into the run and saves the message once, completed, stopped or failed.

    Rules: the message is `generating` until then, and the answer streamed so far is saved at a bounded
    interval (AnswerProgress: every second, or every 100 deltas, one UPDATE of the answer), so a crash keeps
    what the user saw and the reaper (ReapOrphanedWork) can end it `error`; deltas are published as they
    arrive; a stop (from any process) ends the generation and saves the partial answer as `normal` (Dify);
    a provider error saves the message as `error` with the provider's message and the latency so far; a
    generation cancelled (the server shutting down) saves it as `error` with the reason, never as
    `generating`; the message's updated_at is the moment the answer completed; every finished message is
    handed to the telemetry pipeline; the concurrency slot is released whatever happens.
    A generation started before its message is stored publishes and writes nothing until the row is committed
    (the model's first chunk waits for it), and ends without a trace when the row never was: whoever stored it
    releases the slot then.
    Telemetry: with a recorder and the workspace known, the trace key is claimed in the transaction that saves the
    finished message and the trace is recorded in this process from the message at hand (no job, no read back);
    otherwise, or when that transaction failed, a trace job is sent as for every other producer.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        stops: StopSignals,
        counter: TokenCounter,
        traces: TraceDispatcher,
        clock: Clock,
        recorder: RecordMessageTrace | None = None,
        progress_saves: ProgressSaves | None = None,
    ) -> None:
        self._uow = uow
        self._recorder = recorder
        self._progress_saves = progress_saves
        self._stops = stops
        self._counter = counter
        self._traces = traces
        self._clock = clock

    async def run(self, generation: AnswerGeneration) -> None:
        started = time.perf_counter()
        first_token: list[float] = []
        progress = AnswerProgress(self._uow, generation.message.id, self._progress_saves)
        try:
            async with progress:
                usage, stopped = await self._stream(generation, progress, first_token, started)
            await self._complete(generation, progress.text, usage, stopped, started, first_token)
        except MessageNotStored:
            pass
        except DomainError as error:
            await self._fail(generation, progress.text, error, started)
        except asyncio.CancelledError:
            await self._fail(generation, progress.text, DomainError(SHUT_DOWN_MESSAGE), started)
            raise
        except Exception as error:  # the provider adapter translates its errors; anything else is a bug
            log.exception("generation of message %s crashed", generation.message.id)
            await self._fail(
                generation, progress.text, DomainError(f"Internal error: {type(error).__name__}"), started
            )
        finally:
            if await _stored(generation):  # else SendMessage released the slot and forgot the stop itself
                await generation.release()
                await self._stops.forget(generation.run.started.task_id)
                message = generation.message
                if generation.traced:
                    self._record(generation)
                else:
                    times = EventTimes(message.created_at, self._clock.now(), message.status.value)
                    await self._traces.message_finished(message.id, times)

    async def _stream(
        self, generation: AnswerGeneration, progress: AnswerProgress, first_token: list[float], started: float
    ) -> tuple[Usage | None, bool]:
        consumer = asyncio.create_task(self._consume(generation, progress, first_token, started))
        watcher = asyncio.create_task(self._watch_stop(generation))
        try:
            done, _ = await asyncio.wait({consumer, watcher}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            for task in (consumer, watcher):
                task.cancel()
            await asyncio.gather(consumer, watcher, return_exceptions=True)
            raise
        if consumer in done:
            watcher.cancel()
            return consumer.result(), False
        consumer.cancel()
        with suppress(asyncio.CancelledError):
            await consumer
        return None, True

    async def _consume(
        self, generation: AnswerGeneration, progress: AnswerProgress, first_token: list[float], started: float
    ) -> Usage | None:
        def delta(text: str) -> None:
            if not first_token:
                first_token.append(time.perf_counter() - started)
            progress.add(text)
            generation.run.publish(AnswerDelta(text))

        if generation.produce is not None:
            return await generation.produce(delta)
        usage, confirmed = None, generation.stored is None
        async with aclosing(generation.model.stream(generation.request)) as chunks:
            async for chunk in chunks:
                if not confirmed:  # the model answered before the message row was committed: wait for it
                    if not await _stored(generation):
                        raise MessageNotStored()
                    confirmed = True
                if chunk.delta:
                    delta(chunk.delta)
                if chunk.usage is not None:
                    usage = chunk.usage
        return usage

    async def _watch_stop(self, generation: AnswerGeneration) -> None:
        task_id = generation.run.started.task_id
        unreadable = False
        while True:
            try:
                await self._stops.wait_stopped(task_id)
                return
            except Exception:  # the flags' store (Redis) is unreachable: that is no stop, keep answering
                if not unreadable:
                    log.warning("cannot hear the stops of task %s; trying again", task_id, exc_info=True)
                unreadable = True
            await asyncio.sleep(STOP_RETRY_SECONDS)

    def _counted(self, generation: AnswerGeneration, answer: str) -> Usage:
        model = generation.request.model
        prompt = self._counter.count_messages(generation.request.messages, model)
        return Usage.of(prompt, self._counter.count_text(answer, model) if answer else 0)

    async def _complete(
        self,
        generation: AnswerGeneration,
        answer: str,
        usage: Usage | None,
        stopped: bool,
        started: float,
        first_token: list[float],
    ) -> None:
        if not await _stored(generation):
            raise MessageNotStored()
        latency = time.perf_counter() - started
        priced = price_usage(
            usage or await asyncio.to_thread(self._counted, generation, answer), generation.price, latency
        )
        now = self._clock.now()
        message, conversation = generation.message, generation.conversation
        message.complete(answer, priced, now, first_token[0] if first_token else None)
        message.metadata = {"usage": priced.as_dict(), "retriever_resources": generation.retriever_resources}
        conversation.updated_at = now
        conversation.dialogue_count += 1
        if generation.auto_name:
            conversation.name = name_from_query(message.query)
        async with self._uow() as uow:
            await uow.messages.update(message)
            await uow.conversations.update(conversation)
            claimed = await self._claim(uow, generation)
            await uow.commit()
        generation.traced = claimed
        generation.run.publish(MessageEnded(message=message, usage=priced, stopped=stopped))

    async def _claim(self, uow, generation: AnswerGeneration) -> bool:
        if self._recorder is None or generation.tenant_id is None:
            return False
        return await uow.telemetry.claim(message_trace_key(generation.message.id))

    def _record(self, generation: AnswerGeneration) -> None:
        try:
            self._recorder.record_claimed(finished_message_record(generation.message, generation.tenant_id))
        except Exception:  # telemetry never fails an answer; the message is saved either way
            log.warning("could not record the trace of message %s", generation.message.id, exc_info=True)

    async def _fail(self, generation: AnswerGeneration, answer: str, error: DomainError, started: float) -> None:
        if not await _stored(generation):
            return  # nothing to mark failed: SendMessage answers the error itself
        latency = time.perf_counter() - started
        message = generation.message
        message.fail(error.message, answer, None, self._clock.now(), latency)
        try:
            async with self._uow() as uow:
                await uow.messages.update(message)
                claimed = await self._claim(uow, generation)
                await uow.commit()
            generation.traced = claimed
        except Exception:
            log.exception("could not save the failure of message %s", message.id)
        generation.run.publish(MessageFailed(message=message, error=error))


async def _stored(generation: AnswerGeneration) -> bool:
    """Whether the generation's message row is committed, waiting for the write in progress. Shielded: a
    generation cancelled meanwhile must not cancel the outcome SendMessage sets."""
    return True if generation.stored is None else await asyncio.shield(generation.stored)
