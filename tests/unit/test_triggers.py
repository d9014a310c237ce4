"""The pure rules of trigger apps: the cron a schedule's settings mean, what a webhook call must carry and what
its node outputs, the graph's trigger roots."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.shared.errors import InvalidParam
from domain.workflows.graph import InvalidGraph, parse_graph
from domain.workflows.triggers import (
    SentFile,
    WebhookCall,
    WebhookRefused,
    schedule_cron,
    webhook_answer,
    webhook_data,
    webhook_outputs,
)


@given(st.integers(1, 12), st.integers(0, 59), st.sampled_from(["AM", "PM", "am", "pm"]))
def test_a_daily_time_is_read_on_a_24_hour_clock(hour, minute, period):
    cron, zone = schedule_cron({"frequency": "daily", "visual_config": {"time": f"{hour}:{minute:02d} {period}"}})
    expected = hour % 12 + (12 if period.upper() == "PM" else 0)
    assert cron == f"{minute} {expected} * * *" and zone == "UTC"


@given(st.sets(st.sampled_from(["sun", "mon", "tue", "wed", "thu", "fri", "sat"]), min_size=1))
def test_weekly_days_become_sorted_weekday_numbers(days):
    cron, _ = schedule_cron({"frequency": "weekly", "visual_config": {"time": "9:05 AM", "weekdays": sorted(days)}})
    numbers = cron.split()[4].split(",")
    assert numbers == sorted(numbers) and len(numbers) == len(days) and cron.startswith("5 9 * * ")


def test_monthly_days_with_the_last_one_and_hourly_and_cron_mode():
    monthly = {"frequency": "monthly", "visual_config": {"time": "12:00 AM", "monthly_days": [15, 1, "last"]}}
    assert schedule_cron(monthly) == ("0 0 1,15,L * *", "UTC")
    assert schedule_cron({"frequency": "hourly", "visual_config": {"on_minute": 7}, "timezone": "Asia/Tokyo"}) == (
        "7 * * * *", "Asia/Tokyo",
    )
    assert schedule_cron({"mode": "cron", "cron_expression": " */10 * * * 1-5 "}) == ("*/10 * * * 1-5", "UTC")
    assert schedule_cron({})[0] == "0 0 * * *"  # Dify's default: daily at 12:00 AM
    assert schedule_cron({"cron_expression": "0 9 * * 1", "timezone": "UTC"}) == ("0 9 * * 1", "UTC")


@pytest.mark.parametrize(
    "data",
    [
        {"frequency": "fortnightly"},
        {"frequency": "daily", "visual_config": {"time": "25:00 PM"}},
        {"frequency": "daily", "visual_config": {"time": "14:00"}},
        {"frequency": "weekly", "visual_config": {"time": "1:00 AM", "weekdays": []}},
        {"frequency": "weekly", "visual_config": {"time": "1:00 AM", "weekdays": ["funday"]}},
        {"frequency": "monthly", "visual_config": {"time": "1:00 AM", "monthly_days": [0]}},
        {"frequency": "hourly", "visual_config": {"on_minute": 60}},
        {"mode": "cron", "cron_expression": ""},
        {"mode": "cron", "cron_expression": "* * *"},
    ],
)
def test_settings_that_mean_no_schedule_are_refused(data):
    with pytest.raises(InvalidParam, match="Invalid schedule"):
        schedule_cron(data)


NODE = {
    "method": "POST", "content_type": "application/x-www-form-urlencoded",
    "params": [{"name": "n", "type": "number"}, {"name": "flag", "type": "boolean"}],
    "body": [{"name": "qty", "type": "number", "required": True}],
    "headers": [{"name": "X-Api-Key", "required": True}],
}


def call(**changes) -> WebhookCall:
    base = dict(
        method="post", headers={"x-api-key": "k"}, query={"n": "2.5", "flag": "yes", "other": "x"},
        content_type="application/x-www-form-urlencoded", body={"qty": "3", "free": "text"},
    )
    return WebhookCall(**{**base, **changes})


def test_form_and_query_values_are_converted_to_their_declared_types():
    data = webhook_data(NODE, call())
    assert data["query_params"] == {"n": 2.5, "flag": True, "other": "x"}
    assert data["body"] == {"qty": 3, "free": "text"} and data["method"] == "POST"
    outputs = webhook_outputs(NODE, {"webhook_data": data})
    assert outputs["X_Api_Key"] == "k" and outputs["qty"] == 3 and outputs["n"] == 2.5
    assert outputs["_webhook_raw"] == data


@given(st.text(min_size=1).filter(lambda s: s.lower() not in ("true", "false", "1", "0", "yes", "no", "on", "off")))
def test_a_boolean_that_is_not_one_is_refused(text):
    with pytest.raises(WebhookRefused, match="flag"):
        webhook_data(NODE, call(query={"flag": text}))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"method": "PUT"}, "Expected POST, got PUT"),
        ({"headers": {}}, "Required header missing: X-Api-Key"),
        ({"body": {}}, "Required body parameter missing: qty"),
        ({"body": {"qty": "many"}}, "cannot convert 'many' to number"),
        ({"content_type": "application/json"}, "Content-type mismatch"),
    ],
)
def test_a_call_that_does_not_match_the_node_is_refused(changes, message):
    with pytest.raises(WebhookRefused, match=message):
        webhook_data(NODE, call(**changes))


def test_the_caller_gets_the_configured_body_and_status():
    assert webhook_answer({"status_code": 201, "response_body": '{"ok": 1}'}) == ({"ok": 1}, 201)
    assert webhook_answer({"response_body": "thanks"}) == ({"message": "thanks"}, 200)
    assert webhook_answer({"response_body": "{broken"}) == ({"message": "{broken"}, 200)
    assert webhook_answer({})[0] == {"status": "success", "message": "Webhook processed successfully"}


def _graph(*types: str, edges=()) -> dict:
    nodes = [{"id": f"n{i}", "data": {"type": t}} for i, t in enumerate(types)]
    return {"nodes": nodes, "edges": [{"source": s, "target": t} for s, t in edges]}


def test_triggers_are_roots_and_a_run_walks_only_what_its_trigger_reaches():
    graph = parse_graph(
        _graph("trigger-webhook", "trigger-schedule", "code", "end", edges=[("n0", "n2"), ("n1", "n3"), ("n2", "n3")])
    )
    assert graph.roots == ("n0", "n1") and graph.root_id == "n0"
    assert set(graph.rooted_at("n1").nodes) == {"n1", "n3"}
    assert set(graph.rooted_at("n0").nodes) == {"n0", "n2", "n3"}
    with pytest.raises(InvalidGraph):
        graph.rooted_at("n2")


@given(st.sampled_from(["trigger-webhook", "trigger-schedule", "trigger-plugin"]))
def test_a_start_node_and_a_trigger_cannot_share_a_graph(trigger):
    with pytest.raises(InvalidGraph, match="cannot be in the same workflow"):
        parse_graph(_graph("start", trigger, "end", edges=[("n0", "n2"), ("n1", "n2")]))


def test_a_graph_needs_a_start_or_a_trigger():
    with pytest.raises(InvalidGraph, match="exactly one start node"):
        parse_graph(_graph("code", "end", edges=[("n0", "n1")]))


def test_a_binary_body_is_the_file_and_a_required_one_must_be_sent():
    node = {"method": "POST", "content_type": "application/octet-stream", "body": [{"name": "blob", "required": True}]}
    empty = WebhookCall("POST", {}, {}, "application/octet-stream", {})
    with pytest.raises(WebhookRefused, match="Required body content missing"):
        webhook_data(node, empty)
    sent = WebhookCall("POST", {}, {}, "application/octet-stream", {}, {"raw": SentFile("b.bin", "x/y", b"1")})
    data = webhook_data(node, sent) | {"files": {"raw": {"filename": "b.bin"}}}
    assert webhook_outputs(node, {"webhook_data": data})["blob"] == {"filename": "b.bin"}
