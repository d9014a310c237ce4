"""The duration rules (Dify's zero-duration bug, spec §6.3), pinned by properties."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.telemetry.durations import message_duration, node_duration, wall_clock_seconds, workflow_run_duration

instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1))
spans = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=2))
fallbacks = st.one_of(st.none(), st.floats(min_value=-10, max_value=1e4, allow_nan=False))
maybe_aware = st.booleans()


def _as(at: datetime, aware: bool) -> datetime:
    return at.replace(tzinfo=UTC) if aware else at


@given(instants, spans, fallbacks, maybe_aware, maybe_aware)
def test_workflow_duration_is_the_wall_clock_span_whenever_there_is_one(start, span, elapsed, aware_start, aware_end):
    duration = workflow_run_duration(_as(start, aware_start), _as(start + span, aware_end), elapsed)
    assert duration == span.total_seconds()


@given(st.one_of(st.none(), instants), fallbacks)
def test_without_a_span_the_workflow_falls_back_to_a_positive_elapsed_time_or_nothing(start, elapsed):
    duration = workflow_run_duration(start, None, elapsed)
    assert duration == (elapsed if elapsed and elapsed > 0 else None)


@given(instants, st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(hours=1)), fallbacks)
def test_clock_skew_is_not_a_span(start, skew, elapsed):
    duration = node_duration(start, start - skew, elapsed)
    assert duration == (elapsed if elapsed and elapsed > 0 else None)


@given(instants, spans, fallbacks, fallbacks)
def test_no_rule_ever_yields_a_negative_or_zero_fallback(start, span, elapsed, latency):
    for value in (
        workflow_run_duration(start, start + span, elapsed),
        workflow_run_duration(start + span, start, elapsed),
        message_duration(start, start + span, latency),
        message_duration(start + span, start, latency),
    ):
        assert value is None or value >= 0


@given(instants, st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(hours=1)), fallbacks)
def test_a_completed_message_lasts_updated_minus_created(created, span, latency):
    assert message_duration(created, created + span, latency) == span.total_seconds()


@given(instants, st.floats(min_value=0.001, max_value=1e4, allow_nan=False))
def test_an_aborted_message_uses_the_provider_latency(created, latency):
    # Aborted and failed messages never had updated_at advanced: equal timestamps are not a duration.
    assert message_duration(created, created, latency) == latency
    assert message_duration(created, None, latency) == latency


@given(instants)
def test_no_timing_at_all_records_nothing_rather_than_zero(created):
    assert message_duration(created, created, 0.0) is None
    assert workflow_run_duration(created, None, 0.0) is None


def test_naive_times_are_utc():
    naive = datetime(2026, 1, 1, 12, 0, 0)
    aware = datetime(2026, 1, 1, 13, 0, 0, tzinfo=UTC) + timedelta(minutes=0)
    assert wall_clock_seconds(naive, aware) == 3600.0
