"""An app's daily figures as the console's monitoring page charts them (Dify's statistics endpoints): the
time window the page asks for, what the store sums per day, and each chart's row."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.shared.errors import InvalidParam

# Debug chats in the console are not the app's traffic (Dify leaves them out of every chart too).
DEBUGGER = "debugger"
METRICS = (
    "daily-messages",
    "daily-conversations",
    "daily-end-users",
    "token-costs",
    "average-session-interactions",
    "user-satisfaction-rate",
    "average-response-time",
    "tokens-per-second",
)


@dataclass(frozen=True, slots=True)
class StatisticWindow:
    """Messages created in [start, end) (either side open when None), grouped by day in `timezone`."""

    start: datetime | None
    end: datetime | None
    timezone: str


@dataclass(frozen=True, slots=True)
class DailyFigures:
    """What one day's messages of an app add up to."""

    day: date
    messages: int
    conversations: int
    end_users: int
    tokens: int
    total_price: Decimal
    likes: int
    latency_sum: float
    answer_tokens: int


@dataclass(frozen=True, slots=True)
class DailyInteractions:
    """The mean number of messages of the conversations started that day."""

    day: date
    interactions: float


WORKFLOW_METRICS = ("daily-conversations", "daily-terminals", "token-costs", "average-app-interactions")


@dataclass(frozen=True, slots=True)
class WorkflowDailyFigures:
    """What one day's runs of a workflow app add up to (API and web runs; test runs left out, as Dify)."""

    day: date
    runs: int
    terminals: int
    tokens: int


def workflow_metric_row(metric: str, day: WorkflowDailyFigures) -> dict:
    when = day.day.isoformat()
    if metric == "daily-conversations":
        return {"date": when, "runs": day.runs}
    if metric == "daily-terminals":
        return {"date": when, "terminal_count": day.terminals}
    if metric == "token-costs":
        return {"date": when, "token_count": day.tokens}
    if metric == "average-app-interactions":
        # The mean of each runner's run count that day.
        return {"date": when, "interactions": _round(day.runs / day.terminals if day.terminals else 0, "0.01")}
    raise InvalidParam(f"Unknown statistic {metric}.")


class AppStatisticsRepository(Protocol):
    async def daily(self, app_id: UUID, window: StatisticWindow) -> list[DailyFigures]:
        """Per day, oldest first, only days with messages; debugger messages left out."""
        ...

    async def interactions(self, app_id: UUID, window: StatisticWindow) -> list[DailyInteractions]:
        """Per day of the conversations' creation, oldest first; debugger messages left out."""
        ...

    async def workflow_daily(self, app_id: UUID, window: StatisticWindow) -> list[WorkflowDailyFigures]:
        """Per day, oldest first, the app's runs triggered as app runs (not the editor's test runs)."""
        ...


def _parse(value: str | None, zone: ZoneInfo, name: str) -> datetime | None:
    if not value:
        return None
    try:
        local = datetime.strptime(value, "%Y-%m-%d %H:%M")
    except ValueError:
        raise InvalidParam(f"{name} must be YYYY-MM-DD HH:MM.", name) from None
    return local.replace(tzinfo=zone).astimezone(UTC)


def statistic_window(start: str | None, end: str | None, timezone: str) -> StatisticWindow:
    """The page's start and end (minutes, in the account's timezone) as UTC instants. The end minute is included,
    as the page's 23:59 means the whole day."""
    try:
        zone = ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    since, until = _parse(start, zone, "start"), _parse(end, zone, "end")
    if since and until and since > until:
        raise InvalidParam("start must not be after end.", "start")
    if until is not None:
        until = until.replace(second=59, microsecond=999999)
    return StatisticWindow(start=since, end=until, timezone=zone.key)


def _round(value: float | Decimal, places: str) -> float:
    return float(Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP))


def metric_row(metric: str, day: DailyFigures) -> dict:
    """One day of a chart, with the field the console reads for it."""
    when = day.day.isoformat()
    if metric == "daily-messages":
        return {"date": when, "message_count": day.messages}
    if metric == "daily-conversations":
        return {"date": when, "conversation_count": day.conversations}
    if metric == "daily-end-users":
        return {"date": when, "terminal_count": day.end_users}
    if metric == "token-costs":
        return {"date": when, "token_count": day.tokens, "total_price": str(day.total_price), "currency": "USD"}
    if metric == "user-satisfaction-rate":
        # Likes per thousand messages, as Dify charts it.
        return {"date": when, "rate": _round(day.likes * 1000 / day.messages if day.messages else 0, "0.01")}
    if metric == "average-response-time":
        # Milliseconds.
        return {"date": when, "latency": _round(day.latency_sum / day.messages * 1000 if day.messages else 0, "0.0001")}
    if metric == "tokens-per-second":
        tps = day.answer_tokens / day.latency_sum if day.latency_sum else 0
        return {"date": when, "tps": _round(tps, "0.0001")}
    raise InvalidParam(f"Unknown statistic {metric}.")
