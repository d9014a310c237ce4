"""The `time` builtin (langgenius/time): Dify's tool names, parameters and text answers."""

import calendar
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from domain.tools.entities import ParameterForm, ParameterType, Tool, ToolInvocation, ToolMessage, ToolProviderInfo
from domain.tools.errors import ToolInvokeError, ToolParameterError

_LOCAL_FORMAT = "%Y-%m-%d %H:%M:%S"
FORM, NUMBER = ParameterForm.FORM, ParameterType.NUMBER


def _zone(name: Any) -> tzinfo:
    text = str(name or "").strip()
    if text.upper() == "UTC":
        return UTC
    try:
        if text not in available_timezones():
            raise KeyError(text)
        return ZoneInfo(text)
    except (KeyError, ValueError):
        raise ToolInvokeError(f"Invalid timezone: {text!r}") from None


def _parse_local(value: Any) -> datetime:
    try:
        return datetime.strptime(str(value or "").strip(), _LOCAL_FORMAT)
    except ValueError:
        raise ToolInvokeError(f"Invalid datetime {value!r}: expected YYYY-MM-DD HH:MM:SS") from None


async def current_time(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
    zone_name = parameters.get("timezone") or "UTC"
    pattern = parameters.get("format") or "%Y-%m-%d %H:%M:%S %Z"
    try:
        zone = _zone(zone_name)
    except ToolInvokeError:
        return [ToolMessage.of_text(f"Invalid timezone: {zone_name}")]  # Dify answers, it does not fail
    return [ToolMessage.of_text(datetime.now(zone).strftime(str(pattern)))]


async def timezone_conversion(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
    source = _zone(parameters.get("current_timezone") or "Asia/Shanghai")
    target = _zone(parameters.get("target_timezone") or "Asia/Tokyo")
    local = _parse_local(parameters.get("current_time")).replace(tzinfo=source)
    return [ToolMessage.of_text(local.astimezone(target).strftime(_LOCAL_FORMAT))]


async def localtime_to_timestamp(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
    zone_name = parameters.get("timezone", "Asia/Shanghai")
    local = _parse_local(parameters.get("localtime"))
    aware = local.astimezone() if not zone_name else local.replace(tzinfo=_zone(zone_name))
    return [ToolMessage.of_text(str(int(aware.timestamp())))]


async def timestamp_to_localtime(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
    zone_name = parameters.get("timezone", "Asia/Shanghai")
    zone = _zone(zone_name) if zone_name else datetime.now().astimezone().tzinfo
    try:
        local = datetime.fromtimestamp(float(parameters.get("timestamp") or 0), zone)
    except (OverflowError, OSError, ValueError):
        raise ToolInvokeError(f"Invalid timestamp: {parameters.get('timestamp')}") from None
    return [ToolMessage.of_text(local.strftime(_LOCAL_FORMAT))]


async def weekday(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
    year, month, day = (parameters.get(name) for name in ("year", "month", "day"))
    if month is None:
        raise ToolParameterError("Tool parameter month is required.", param="month")
    try:
        date = datetime(int(year), int(month), int(day))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return [ToolMessage.of_text(f"Invalid date: Year {year}, Month {month}, Day {day}.")]
    readable = f"{calendar.month_name[date.month]} {date.day}, {date.year}"
    return [ToolMessage.of_text(f"{readable} is {calendar.day_name[date.weekday()]}.")]


def _tool(name: str, description: str, *parameters) -> Tool:
    return Tool(name=name, label=name.replace("_", " ").title(), description=description, parameters=parameters)


def time_provider() -> BuiltinProvider:
    tz = "Timezone, an IANA name such as Asia/Shanghai or UTC"
    return BuiltinProvider(
        ToolProviderInfo(
            id="time",
            type="builtin",
            name="time",
            label="CurrentTime",
            plugin_id="langgenius/time",
            description="A tool for getting the current time.",
        ),
        [
            BuiltinTool(
                _tool(
                    "current_time",
                    "A tool for getting the current time.",
                    param(
                        "format",
                        form=FORM,
                        description="Time format in strftime standard.",
                        default="%Y-%m-%d %H:%M:%S %Z",
                    ),
                    param(
                        "timezone",
                        form=FORM,
                        default="UTC",
                        description=tz,
                    ),
                ),
                current_time,
            ),
            BuiltinTool(
                _tool(
                    "timezone_conversion",
                    "Convert a time from one timezone to another.",
                    param("current_time", required=True, description="Datetime, YYYY-MM-DD HH:MM:SS"),
                    param("current_timezone", required=True, description=tz, default="Asia/Shanghai"),
                    param("target_timezone", required=True, description=tz, default="Asia/Tokyo"),
                ),
                timezone_conversion,
            ),
            BuiltinTool(
                _tool(
                    "localtime_to_timestamp",
                    "Convert a local time to a Unix timestamp.",
                    param("localtime", required=True, description="Local time, YYYY-MM-DD HH:MM:SS"),
                    param("timezone", description=tz, default="Asia/Shanghai"),
                ),
                localtime_to_timestamp,
            ),
            BuiltinTool(
                _tool(
                    "timestamp_to_localtime",
                    "Convert a Unix timestamp to a local time.",
                    param("timestamp", NUMBER, required=True, description="Unix timestamp in seconds"),
                    param("timezone", description=tz, default="Asia/Shanghai"),
                ),
                timestamp_to_localtime,
            ),
            BuiltinTool(
                _tool(
                    "weekday",
                    "Calculate the day of the week of a date.",
                    param("year", NUMBER, required=True, minimum=1, maximum=9999),
                    param("month", NUMBER, required=True, minimum=1, maximum=12),
                    param("day", NUMBER, required=True, minimum=1, maximum=31),
                ),
                weekday,
            ),
        ],
    )
