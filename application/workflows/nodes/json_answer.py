"""Finding the JSON object a model wrote, wherever it put it (code fences, prose around it)."""

import json
from typing import Any


def json_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in the text that parses, else None."""
    start = text.find("{")
    while start != -1:
        try:
            value, _ = json.JSONDecoder().raw_decode(text[start:])
        except ValueError:
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict):
            return value
        start = text.find("{", start + 1)
    return None
