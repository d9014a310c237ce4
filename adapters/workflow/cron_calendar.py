"""Cron firings with croniter (the library Dify's schedules use, so its syntax is the same: 5 fields, names of
months and weekdays, `L` for a month's last day, @daily and the other shortcuts)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter


class CroniterCalendar:
    def next_after(self, cron: str, timezone: str, after: datetime) -> datetime:
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown timezone '{timezone}'") from error
        if not croniter.is_valid(cron):
            raise ValueError(f"not a valid cron expression: '{cron}'")
        # Read in the schedule's own zone, so "9:00 daily" stays 9:00 local across daylight saving changes.
        return croniter(cron, after.astimezone(zone)).get_next(datetime).astimezone(UTC)
