"""Synthetic rows for the housekeeping tests and bench/retention.py, inserted set-wise (generate_series)."""

import psycopg


def seed_app(url: str) -> tuple[str, str, str]:
    """(tenant_id, app_id, conversation_id) of a fresh workspace with one chat app and conversation."""
    with psycopg.connect(url, autocommit=True) as conn:
        tenant = conn.execute("INSERT INTO tenants (name) VALUES ('t') RETURNING id").fetchone()[0]
        app = conn.execute(
            "INSERT INTO apps (tenant_id, name, mode) VALUES (%s, 'a', 'chat') RETURNING id", (tenant,)
        ).fetchone()[0]
        conversation = conn.execute(
            "INSERT INTO conversations (app_id, mode) VALUES (%s, 'chat') RETURNING id", (app,)
        ).fetchone()[0]
    return str(tenant), str(app), str(conversation)


def seed_messages(url: str, app_id: str, conversation_id: str, rows: int, feedback_every: int = 100) -> int:
    """`rows` messages, every other one 60 days old (expired under a 30-day retention), the rest a day
    old, interleaved as real traffic is; one in `feedback_every` has a feedback. Returns the expired count."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            """INSERT INTO messages (app_id, conversation_id, query, answer, created_at, updated_at)
               SELECT %(app)s, %(conversation)s, 'q' || i, 'a' || i, ts, ts
               FROM generate_series(1, %(rows)s) AS i,
                    LATERAL (SELECT now() - CASE WHEN i %% 2 = 0 THEN interval '60 days' ELSE interval '1 day' END
                                 - i * interval '1 millisecond' AS ts) AS t""",
            {"app": app_id, "conversation": conversation_id, "rows": rows},
        )
        conn.execute(
            """INSERT INTO message_feedbacks (app_id, conversation_id, message_id, rating, from_source, created_at)
               SELECT app_id, conversation_id, id, 'like', 'user', created_at FROM messages
               WHERE app_id = %(app)s AND ('x' || substr(id::text, 1, 8))::bit(32)::int %% %(every)s = 0""",
            {"app": app_id, "every": feedback_every},
        )
        conn.execute("ANALYZE messages")
        conn.execute("ANALYZE message_feedbacks")
    return rows // 2
