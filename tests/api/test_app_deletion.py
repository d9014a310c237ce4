"""DELETE /console/api/apps/{id}: gone at once for every reader, its data removed by the app_deletion task."""

import asyncio

import psycopg

from entrypoints.worker import tasks
from tests.api.helpers import bearer
from tests.integration.maintenance_seed import seed_messages


def _count(url: str, sql: str, *params) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchone()[0]


async def test_deleting_an_app_answers_at_once_and_the_queue_removes_its_data(console, clean_database):
    app = await console.create_app("Doomed")
    kept = await console.create_app("Kept")
    key = await console.create_app_key(app["id"])
    with psycopg.connect(clean_database, autocommit=True) as conn:
        conversation = conn.execute(
            "INSERT INTO conversations (app_id, mode) VALUES (%s, 'chat') RETURNING id", (app["id"],)
        ).fetchone()[0]
    seed_messages(clean_database, app["id"], str(conversation), 2500, feedback_every=5)

    response = await console.client.delete(f"/console/api/apps/{app['id']}", headers=console.headers)
    assert response.status_code == 204
    listing = await (await console.client.get("/console/api/apps", headers=console.headers)).get_json()
    assert [a["name"] for a in listing["data"]] == ["Kept"] and listing["total"] == 1
    assert (await console.client.get(f"/console/api/apps/{app['id']}", headers=console.headers)).status_code == 404
    assert (await console.client.get("/v1/info", headers=bearer(key))).status_code == 401
    again = await console.client.delete(f"/console/api/apps/{app['id']}", headers=console.headers)
    assert again.status_code == 404

    await asyncio.wait_for(tasks.broker.wait_all(), timeout=30)  # the in-process broker ran the purge
    assert _count(clean_database, "SELECT count(*) FROM apps WHERE id = %s", app["id"]) == 0
    assert _count(clean_database, "SELECT count(*) FROM messages") == 0
    assert _count(clean_database, "SELECT count(*) FROM message_feedbacks") == 0
    assert _count(clean_database, "SELECT count(*) FROM apps WHERE id = %s", kept["id"]) == 1
