"""Runs the alembic migrations programmatically (the API at start-up, `weir db upgrade`, the tests)."""

from pathlib import Path

from alembic import command
from alembic.config import Config

_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
_SCRIPTS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config(str(_INI)) if _INI.exists() else Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)
