"""The stairway: every migration goes up, down and up again on a real PostgreSQL."""

import psycopg
from alembic.script import ScriptDirectory

from adapters.persistence.migrator import alembic_config, downgrade, upgrade
from adapters.persistence.schema import metadata
from tests.databases import create_database


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {r[0] for r in rows} - {"alembic_version"}


def test_every_revision_goes_up_down_and_up(postgres_root):
    url = create_database(postgres_root[0], "weir_stairway")
    revisions = list(reversed(list(ScriptDirectory.from_config(alembic_config(url)).walk_revisions())))
    for revision in revisions:
        upgrade(url, revision.revision)
        downgrade(url, revision.down_revision or "base")
        upgrade(url, revision.revision)
    assert _tables(url) == {t.name for t in metadata.sorted_tables}


def test_first_migration_enables_pgvector_and_trigram_search(database_url):
    with psycopg.connect(database_url) as conn:
        extensions = {r[0] for r in conn.execute("SELECT extname FROM pg_extension").fetchall()}
    assert {"vector", "pg_trgm"} <= extensions
