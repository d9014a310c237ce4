"""Broken JSON made usable, as Dify makes http-request JSON bodies usable: the json_repair library (a missing
comma, an unquoted value, a trailing comma, an unclosed brace)."""

from typing import Any

from json_repair import repair_json


def repair_json_text(text: str) -> Any:
    """The value json_repair makes of `text`: an object or array, or "" when nothing could be made of it."""
    return repair_json(text, return_objects=True)
