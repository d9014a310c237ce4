"""Finds the database a process should use: DB_* when set, else the embedded PostgreSQL."""

from dataclasses import dataclass

from adapters.persistence.embedded_postgres import start_embedded_postgres, stop_embedded_postgres
from adapters.persistence.migrator import upgrade
from entrypoints.settings import Settings


@dataclass(frozen=True, slots=True)
class Database:
    url: str
    embedded: bool


def open_database(settings: Settings, migrate: bool) -> Database:
    external = settings.external_database_url
    database = Database(url=external, embedded=False) if external else Database(
        url=start_embedded_postgres(settings.STORAGE_PATH), embedded=True
    )
    if migrate:
        upgrade(database.url)
    return database


def close_database(settings: Settings, database: Database) -> None:
    if database.embedded:
        stop_embedded_postgres(settings.STORAGE_PATH)
