from dataclasses import replace
from datetime import timedelta
from uuid import UUID

from application.telemetry.outcome import TraceOutcome, TraceRecorder, log
from domain.telemetry.durations import message_duration, wall_clock_seconds
from domain.telemetry.points import message_points
from domain.telemetry.records import EventTimes
from domain.telemetry.spans import message_spans


class RecordMessageTrace(TraceRecorder):
    """Records a finished chat or completion message: duration, time to first token, token counters
    (input/output only when > 0), request and error counters, a message span with a child LLM span.

    Rules: exactly once per message; duration = updated_at - created_at when the answer completed, else
    provider_response_latency (aborted and failed messages), else nothing; a message whose answer is
    not yet stored is waited for, then recorded from the event's times.
    """

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
            if not await uow.telemetry.claim(f"message:{message.id}"):
                return TraceOutcome.ALREADY_RECORDED
            outcome = TraceOutcome.RECORDED
            duration = message_duration(message.created_at, message.updated_at, message.provider_response_latency)
            if not message.finished or duration is None:
                duration = wall_clock_seconds(times.started_at, times.finished_at)
                outcome = TraceOutcome.RECORDED_FROM_EVENT
                message = replace(message, status=times.status or message.status)
                log.warning("message %s had no stored timing; recorded from event times", message_id)
            start = message.created_at
            end = start if duration is None else start + timedelta(seconds=duration)
            self._sink.emit(message_points(message, duration))
            self._exporter.export(message_spans(message, start, end))
            await uow.commit()
            return outcome
