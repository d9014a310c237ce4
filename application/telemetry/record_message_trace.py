from dataclasses import replace
from datetime import timedelta
from uuid import UUID

from application.telemetry.outcome import TraceOutcome, TraceRecorder, log
from domain.conversations.entities import Message
from domain.telemetry.durations import message_duration, wall_clock_seconds
from domain.telemetry.points import message_points
from domain.telemetry.records import EventTimes, MessageRecord
from domain.telemetry.spans import message_spans


def message_trace_key(message_id: UUID) -> str:
    """The key a message's trace is claimed under: whoever inserts it records the trace, once."""
    return f"message:{message_id}"


def finished_message_record(message: Message, tenant_id: UUID) -> MessageRecord:
    """What the trace of a message just saved is made of, from the entity the generation holds (no read back)."""
    return MessageRecord(
        id=message.id, tenant_id=tenant_id, app_id=message.app_id, conversation_id=message.conversation_id,
        model_provider=message.model_provider or "", model_name=message.model_id or "", status=message.status.value,
        created_at=message.created_at, updated_at=message.updated_at,
        provider_response_latency=message.provider_response_latency or 0.0,
        message_tokens=message.message_tokens, answer_tokens=message.answer_tokens,
        invoke_from=message.invoke_from or "service-api", error=message.error,
        time_to_first_token=message.time_to_first_token, streaming=message.is_streaming,
    )


class RecordMessageTrace(TraceRecorder):
    """Records a finished chat or completion message: duration, time to first token, token counters
    (input/output only when > 0), request and error counters, a message span with a child LLM span.

    Rules: exactly once per message (its trace key claimed in a transaction); duration = updated_at - created_at
    when the answer completed, else provider_response_latency (aborted and failed messages), else nothing; a
    message whose answer is not yet stored is waited for, then recorded from the event's times. A generation that
    claimed the key in the transaction that saved its message records it at once (`record_claimed`), with no job
    and no read back; the job (`execute`) serves every other producer and finds such a message already recorded.
    """

    def record_claimed(self, message: MessageRecord) -> None:
        """The trace of a message whose key the caller claimed in the transaction that saved it."""
        duration = message_duration(message.created_at, message.updated_at, message.provider_response_latency)
        self._emit(message, duration)

    async def _attempt(self, message_id: UUID, times: EventTimes, final: bool) -> TraceOutcome:
        async with self._uow() as uow:
            message = await uow.telemetry.message(message_id)
            if message is None:
                if final:
                    log.warning("message %s was never stored; nothing recorded", message_id)
                    return TraceOutcome.MISSING
                return TraceOutcome.NOT_READY
            if not message.finished and not final:
                return TraceOutcome.NOT_READY
            if not await uow.telemetry.claim(message_trace_key(message.id)):
                return TraceOutcome.ALREADY_RECORDED
            # Committed before anything is emitted: a claim that is rolled back must not leave a trace recorded
            # (the retry would record it twice), and no connection waits on the exporter.
            await uow.commit()
        outcome = TraceOutcome.RECORDED
        duration = message_duration(message.created_at, message.updated_at, message.provider_response_latency)
        if not message.finished or duration is None:
            duration = wall_clock_seconds(times.started_at, times.finished_at)
            outcome = TraceOutcome.RECORDED_FROM_EVENT
            message = replace(message, status=times.status or message.status)
            log.warning("message %s had no stored timing; recorded from event times", message_id)
        self._emit(message, duration)
        return outcome

    def _emit(self, message: MessageRecord, duration: float | None) -> None:
        start = message.created_at
        end = start if duration is None else start + timedelta(seconds=duration)
        self._sink.emit(message_points(message, duration))
        if self._exporter is not None:
            self._exporter.export(message_spans(message, start, end))
