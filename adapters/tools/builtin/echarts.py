"""The `echarts` builtin (Dify's plugin `langgenius/echarts`): bar, line and pie charts as an ECharts option in
an ```echarts block, which Dify's chat renders as a chart. Values arrive as ";"-separated text."""

import json
from collections.abc import Mapping
from typing import Any

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from domain.tools.entities import Tool, ToolInvocation, ToolMessage, ToolProviderInfo
from domain.tools.errors import ToolInvokeError


def _items(text: Any) -> list[str]:
    """ "a;b；c" (ASCII or full-width semicolons), or a JSON list, as a list of strings."""
    if isinstance(text, list):
        return [str(item).strip() for item in text]
    raw = str(text or "").strip()
    if raw.startswith("["):
        try:
            return [str(item).strip() for item in json.loads(raw)]
        except ValueError:
            pass
    return [part.strip() for part in raw.replace("；", ";").split(";") if part.strip()]


def _numbers(text: Any) -> list[float | int]:
    values: list[float | int] = []
    for item in _items(text):
        try:
            number = float(item.replace(",", ""))
        except ValueError:
            raise ToolInvokeError(f"data must be numbers separated by ';', got {item!r}") from None
        values.append(int(number) if number.is_integer() else number)
    if not values:
        raise ToolInvokeError("data is required: numbers separated by ';', like 1;2;3")
    return values


def chart_block(option: Mapping[str, Any]) -> str:
    return f"```echarts\n{json.dumps(option, ensure_ascii=False, indent=2)}\n```"


def axis_chart(kind: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    data, axis = _numbers(parameters.get("data")), _items(parameters.get("x_axis"))
    if axis and len(axis) != len(data):
        raise ToolInvokeError(f"x_axis has {len(axis)} labels for {len(data)} values")
    return {
        "title": {"text": str(parameters.get("title") or "")},
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "xAxis": {"type": "category", "data": axis or [str(i + 1) for i in range(len(data))]},
        "yAxis": {"type": "value"},
        "series": [{"type": kind, "data": data}],
    }


def pie_chart(parameters: Mapping[str, Any]) -> dict[str, Any]:
    data, names = _numbers(parameters.get("data")), _items(parameters.get("categories"))
    if len(names) != len(data):
        raise ToolInvokeError(f"categories has {len(names)} names for {len(data)} values")
    return {
        "title": {"text": str(parameters.get("title") or ""), "left": "center"},
        "tooltip": {"trigger": "item"},
        "legend": {"orient": "vertical", "left": "left"},
        "series": [{"type": "pie", "data": [{"name": n, "value": v} for n, v in zip(names, data, strict=True)]}],
    }


def echarts_provider() -> BuiltinProvider:
    def handler(build):
        async def run(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
            return [ToolMessage.of_text(chart_block(build(parameters)))]

        return run

    title = param("title", required=True, description="The chart's title")
    data = param("data", required=True, description='Numbers separated by ";", like "1;2;3"')
    x_axis = param("x_axis", required=True, description='Labels separated by ";", one per number')
    categories = param("categories", required=True, description='Names separated by ";", one per number')
    return BuiltinProvider(
        ToolProviderInfo(
            id="echarts",
            type="builtin",
            name="echarts",
            label="ECharts",
            plugin_id="langgenius/echarts",
            description="Charts rendered by ECharts in the chat.",
        ),
        [
            BuiltinTool(Tool("bar_chart", "Bar Chart", "Generate a bar chart from the data", (title, data, x_axis)),
                        handler(lambda p: axis_chart("bar", p))),
            BuiltinTool(Tool("line_chart", "Line Chart", "Generate a line chart from the data",
                             (title, data, x_axis)), handler(lambda p: axis_chart("line", p))),
            BuiltinTool(Tool("pie_chart", "Pie Chart", "Generate a pie chart from the data",
                             (title, data, categories)), handler(pie_chart)),
        ],
    )
