"""The monitoring and logs pages of an app in Dify's web console over real HTTP with a cookie session: each
daily chart computed from the stored messages (debugger chats left out), the window the page asks for, the
tracing settings that stay off, and the conversation log with its summaries, tallies, filters and pages."""

from uuid import uuid4

import psycopg
import pytest

from tests.api.console_web import ADMIN, serve_console
from tests.databases import truncate_all

DAY1, DAY2 = "2026-11-20", "2026-11-21"
WEEK = {"start": "2026-11-15 00:00", "end": "2026-11-22 23:59"}


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    truncate_all(database_url)
    with pytest.MonkeyPatch.context() as env:
        for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY"):
            env.delenv(name, raising=False)
        with serve_console(database_url, tmp_path_factory.mktemp("monitoring") / "storage") as server:
            assert server.browser().post("/setup", json=ADMIN).status_code == 201
            server.add_workspace("other@example.com", "other-pass-123")
            yield server
    truncate_all(database_url)


@pytest.fixture(scope="module")
def browser(web):
    return web.signed_in()


def _conversation(conn, app_id: str, created_at: str, user=None, name="") -> str:
    cid = str(uuid4())
    conn.execute(
        "INSERT INTO conversations (id, app_id, mode, name, from_end_user_id, model_provider, model_id, created_at,"
        " updated_at) VALUES (%s, %s, 'chat', %s, %s, 'openai', 'gpt-4o-mini', %s, %s)",
        (cid, app_id, name, user, created_at, created_at),
    )
    return cid


def _message(
    conn, app_id, cid, user, created_at, *, tokens=(10, 20), price="0.0030", latency=2.0, source="service-api", q="q"
):
    mid = str(uuid4())
    conn.execute(
        "INSERT INTO messages (id, app_id, conversation_id, query, answer, message_tokens, answer_tokens,"
        " total_price, provider_response_latency, invoke_from, from_end_user_id, created_at, updated_at)"
        " VALUES (%s, %s, %s, %s, 'an answer', %s, %s, %s, %s, %s, %s, %s, %s)",
        (mid, app_id, cid, q, tokens[0], tokens[1], price, latency, source, user, created_at, created_at),
    )
    return mid


@pytest.fixture(scope="module")
def app_id(web, browser) -> str:
    made = browser.post("/apps", json={"name": "Monitored", "mode": "chat", "icon": "🤖", "icon_type": "emoji"})
    assert made.status_code == 201, made.text
    aid = made.json()["id"]
    alice, bob = str(uuid4()), str(uuid4())
    with psycopg.connect(web.database_url, autocommit=True) as conn:
        for user, session in ((alice, "alice-session"), (bob, "bob-session")):
            conn.execute(
                "INSERT INTO end_users (id, tenant_id, app_id, type, session_id)"
                " SELECT %s, tenant_id, id, 'service_api', %s FROM apps WHERE id = %s",
                (user, session, aid),
            )
        first = _conversation(conn, aid, f"{DAY1} 09:00+00", alice, "Weather talk")
        liked = _message(conn, aid, first, alice, f"{DAY1} 09:00+00", q="Will it rain?")
        _message(conn, aid, first, alice, f"{DAY1} 09:05+00", tokens=(5, 15), price="0.0010", latency=1.0)
        second = _conversation(conn, aid, f"{DAY2} 10:00+00", bob, "Recipes")
        _message(conn, aid, second, bob, f"{DAY2} 10:00+00", tokens=(1, 2), price="0.0001", latency=0.5)
        # A debug chat in the console is not the app's traffic.
        debug = _conversation(conn, aid, f"{DAY1} 11:00+00")
        _message(conn, aid, debug, None, f"{DAY1} 11:00+00", source="debugger")
        conn.execute(
            "INSERT INTO message_feedbacks (app_id, conversation_id, message_id, rating, from_source)"
            " VALUES (%s, %s, %s, 'like', 'user'), (%s, %s, %s, 'dislike', 'admin')",
            (aid, first, liked, aid, first, liked),
        )
    return aid


def _chart(browser, app_id, metric, window=WEEK) -> list[dict]:
    response = browser.get(f"/apps/{app_id}/statistics/{metric}", params=window)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_the_daily_counts_are_those_of_the_stored_messages(browser, app_id):
    assert _chart(browser, app_id, "daily-messages") == [
        {"date": DAY1, "message_count": 2},
        {"date": DAY2, "message_count": 1},
    ]
    assert _chart(browser, app_id, "daily-conversations") == [
        {"date": DAY1, "conversation_count": 1},
        {"date": DAY2, "conversation_count": 1},
    ]
    assert _chart(browser, app_id, "daily-end-users") == [
        {"date": DAY1, "terminal_count": 1},
        {"date": DAY2, "terminal_count": 1},
    ]
    assert _chart(browser, app_id, "average-session-interactions") == [
        {"date": DAY1, "interactions": 2.0},
        {"date": DAY2, "interactions": 1.0},
    ]


def test_tokens_costs_speed_and_satisfaction(browser, app_id):
    costs = _chart(browser, app_id, "token-costs")
    assert [(c["date"], c["token_count"], float(c["total_price"]), c["currency"]) for c in costs] == [
        (DAY1, 50, 0.004, "USD"),
        (DAY2, 3, 0.0001, "USD"),
    ]
    # One like among the day's two messages: 500 per thousand.
    assert _chart(browser, app_id, "user-satisfaction-rate") == [
        {"date": DAY1, "rate": 500.0},
        {"date": DAY2, "rate": 0.0},
    ]
    assert _chart(browser, app_id, "average-response-time") == [
        {"date": DAY1, "latency": 1500.0},
        {"date": DAY2, "latency": 500.0},
    ]
    assert _chart(browser, app_id, "tokens-per-second") == [
        {"date": DAY1, "tps": round(35 / 3, 4)},
        {"date": DAY2, "tps": 4.0},
    ]


def test_the_window_bounds_the_days(browser, app_id):
    assert _chart(browser, app_id, "daily-messages", {"start": f"{DAY2} 00:00", "end": f"{DAY2} 23:59"}) == [
        {"date": DAY2, "message_count": 1}
    ]
    assert _chart(browser, app_id, "daily-messages", {"start": "2026-12-01 00:00", "end": "2026-12-02 23:59"}) == []
    assert len(_chart(browser, app_id, "daily-messages", {})) == 2


def test_a_malformed_window_or_another_workspace_is_refused(web, browser, app_id):
    bad = browser.get(f"/apps/{app_id}/statistics/daily-messages", params={"start": "yesterday"})
    assert bad.status_code == 400
    assert set(bad.json()) >= {"code", "message", "status"}
    other = web.signed_in_as("other@example.com", "other-pass-123")
    assert other.get(f"/apps/{app_id}/statistics/daily-messages", params=WEEK).status_code == 404
    assert other.get(f"/apps/{app_id}/trace").status_code == 404


def test_tracing_stays_off_and_no_annotations(browser, app_id):
    assert browser.get(f"/apps/{app_id}/trace").json() == {"enabled": False, "tracing_provider": None}
    assert browser.post(f"/apps/{app_id}/trace", json={"enabled": False, "tracing_provider": None}).status_code == 200
    switched = browser.post(f"/apps/{app_id}/trace", json={"enabled": True, "tracing_provider": "langfuse"})
    assert switched.status_code == 400
    assert browser.get(f"/apps/{app_id}/trace").json()["enabled"] is False
    assert browser.get(f"/apps/{app_id}/annotations/count").json() == {"count": 0}


def test_the_log_lists_conversations_newest_first_with_their_summaries(browser, app_id):
    response = browser.get(f"/apps/{app_id}/chat-conversations", params={"page": 1, "limit": 10, **WEEK})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["page"], body["limit"], body["total"], body["has_more"]) == (1, 10, 3, False)
    names = [row["name"] for row in body["data"]]
    assert names == ["Recipes", "", "Weather talk"]
    weather = body["data"][2]
    assert weather["summary"] == "Will it rain?"
    assert weather["message_count"] == 2
    assert weather["from_end_user_session_id"] == "alice-session"
    assert weather["user_feedback_stats"] == {"like": 1, "dislike": 0}
    assert weather["admin_feedback_stats"] == {"like": 0, "dislike": 1}
    assert weather["annotated"] is False
    assert weather["model_config"]["model"]["name"] == "gpt-4o-mini"
    assert isinstance(weather["created_at"], int)


def test_the_log_pages_filters_and_sorts(browser, app_id):
    first = browser.get(f"/apps/{app_id}/chat-conversations", params={"page": 1, "limit": 2}).json()
    second = browser.get(f"/apps/{app_id}/chat-conversations", params={"page": 2, "limit": 2}).json()
    assert (first["has_more"], second["has_more"]) == (True, False)
    assert len(first["data"]) == 2 and len(second["data"]) == 1
    oldest = browser.get(f"/apps/{app_id}/chat-conversations", params={"sort_by": "created_at"}).json()
    assert oldest["data"][0]["name"] == "Weather talk"
    rain = browser.get(f"/apps/{app_id}/chat-conversations", params={"keyword": "rain"}).json()
    assert [row["name"] for row in rain["data"]] == ["Weather talk"]
    day2 = browser.get(
        f"/apps/{app_id}/chat-conversations", params={"start": f"{DAY2} 00:00", "end": f"{DAY2} 23:59"}
    ).json()
    assert [row["name"] for row in day2["data"]] == ["Recipes"]
    assert browser.get(f"/apps/{app_id}/chat-conversations", params={"sort_by": "name"}).status_code == 400


def test_one_conversation_of_the_log(web, browser, app_id):
    listed = browser.get(f"/apps/{app_id}/chat-conversations", params={"keyword": "rain"}).json()["data"][0]
    detail = browser.get(f"/apps/{app_id}/chat-conversations/{listed['id']}")
    assert detail.status_code == 200, detail.text
    assert detail.json()["message_count"] == 2
    assert detail.json()["user_feedback_stats"] == {"like": 1, "dislike": 0}
    completion = browser.get(f"/apps/{app_id}/completion-conversations/{listed['id']}").json()
    assert completion["message"]["query"] == "Will it rain?"
    assert browser.get(f"/apps/{app_id}/chat-conversations/{uuid4()}").status_code == 404
    other = web.signed_in_as("other@example.com", "other-pass-123")
    assert other.get(f"/apps/{app_id}/chat-conversations/{listed['id']}").status_code == 404
    assert other.get(f"/apps/{app_id}/chat-conversations").status_code == 404


def test_a_logged_conversation_s_messages_carry_every_feedback(web, browser, app_id):
    listed = browser.get(f"/apps/{app_id}/chat-conversations", params={"keyword": "rain"}).json()["data"][0]
    response = browser.get(f"/apps/{app_id}/chat-messages", params={"conversation_id": listed["id"], "limit": 10})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["has_more"] is False
    assert [m["query"] for m in body["data"]] == ["Will it rain?", "q"]  # oldest first, as the chat shows them
    first = body["data"][0]
    assert sorted((f["from_source"], f["rating"]) for f in first["feedbacks"]) == [
        ("admin", "dislike"),
        ("user", "like"),
    ]
    assert first["agent_thoughts"] == [] and first["answer"] == "an answer"
    assert first["message"] == [{"role": "user", "text": "Will it rain?", "files": []}]
    assert body["data"][1]["feedbacks"] == []
    paged = browser.get(f"/apps/{app_id}/chat-messages", params={"conversation_id": listed["id"], "limit": 1}).json()
    assert paged["has_more"] is True and [m["query"] for m in paged["data"]] == ["q"]
    assert browser.get(f"/apps/{app_id}/chat-messages", params={"conversation_id": "nope"}).status_code == 400
    assert browser.get(f"/apps/{app_id}/chat-messages", params={"conversation_id": str(uuid4())}).status_code == 404
    other = web.signed_in_as("other@example.com", "other-pass-123")
    assert other.get(f"/apps/{app_id}/chat-messages", params={"conversation_id": listed["id"]}).status_code == 404


def test_the_console_likes_a_logged_message_beside_the_end_user(web, browser, app_id):
    listed = browser.get(f"/apps/{app_id}/chat-conversations", params={"keyword": "Recipes"}).json()["data"][0]
    params = {"conversation_id": listed["id"]}
    message = browser.get(f"/apps/{app_id}/chat-messages", params=params).json()["data"][0]
    liked = browser.post(f"/apps/{app_id}/feedbacks", json={"message_id": message["id"], "rating": "like"})
    assert liked.status_code == 200, liked.text
    shown = browser.get(f"/apps/{app_id}/chat-messages", params=params).json()["data"][0]["feedbacks"]
    assert [(f["from_source"], f["rating"], f["from_account"]["email"]) for f in shown] == [
        ("admin", "like", ADMIN["email"])
    ]
    summary = browser.get(f"/apps/{app_id}/chat-conversations/{listed['id']}").json()
    assert summary["admin_feedback_stats"] == {"like": 1, "dislike": 0}
    assert (
        browser.post(f"/apps/{app_id}/feedbacks", json={"message_id": message["id"], "rating": None}).status_code == 200
    )
    assert browser.get(f"/apps/{app_id}/chat-messages", params=params).json()["data"][0]["feedbacks"] == []
    again = browser.post(f"/apps/{app_id}/feedbacks", json={"message_id": message["id"], "rating": None})
    assert again.status_code == 400
    assert (
        browser.post(f"/apps/{app_id}/feedbacks", json={"message_id": message["id"], "rating": "meh"}).status_code
        == 400
    )
    other = web.signed_in_as("other@example.com", "other-pass-123")
    assert (
        other.post(f"/apps/{app_id}/feedbacks", json={"message_id": message["id"], "rating": "like"}).status_code == 404
    )
