"""What every request string and number must be before a use case sees it (a leaf: it imports the domain only).

PostgreSQL refuses NUL (U+0000) in text and UTF-8 cannot encode an unpaired surrogate (U+D800..U+DFFF, which a
JSON `\\ud800` escape produces): either reaching the database was a 500. They are refused here as Dify's 400
`invalid_param` naming the field, in JSON bodies, form fields, file names, query strings and path segments. A JSON
body is also bounded: nesting depth, integers within a signed 64-bit range, finite numbers only.
"""

import math
import re
from collections.abc import Iterable, Mapping

from domain.shared.errors import InvalidParam

MAX_JSON_DEPTH = 64  # Dify's deepest documents (workflow graphs) nest about 10 levels
MAX_INTEGER = 2**63 - 1  # a bigint: whatever column or counter the number reaches, it fits

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> bool:
    """Whether `text` can be stored in PostgreSQL and encoded as UTF-8: no NUL, no unpaired surrogate."""
    return _UNSTORABLE.search(text) is None


def check_text(value: str, field: str) -> str:
    if not storable(value):
        raise InvalidParam(f"{field} must not contain NUL characters or unpaired surrogates.", param=field)
    return value


def check_length(value: str, field: str, maximum: int, label: str | None = None) -> str:
    """`value` fits a column of `maximum` characters (String(n) in adapters/persistence/schema)."""
    if len(value) > maximum:
        raise InvalidParam(f"{label or field} must be at most {maximum} characters.", param=field)
    return value


def check_pairs(pairs: Iterable[tuple[str, object]], what: str) -> None:
    """Names and string values of a query string, form or path: each storable."""
    for name, value in pairs:
        if not storable(name):
            raise InvalidParam(f"A {what} name must not contain NUL characters or unpaired surrogates.")
        if isinstance(value, str):
            check_text(value, name)


def _child(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def check_json(document: object, root: str = "", max_depth: int = MAX_JSON_DEPTH) -> None:
    """Walks a parsed JSON document without recursion: every key and string storable, every number finite and
    within a bigint, no deeper than `max_depth`. The first offence is refused, named by its path (`inputs.name`,
    `segments[0].content`)."""
    stack: list[tuple[object, str, int]] = [(document, root, 0)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, str):
            check_text(node, path or "body")
        elif isinstance(node, bool) or node is None:
            continue
        elif isinstance(node, int):
            if not -MAX_INTEGER - 1 <= node <= MAX_INTEGER:
                raise InvalidParam(f"{path or 'body'} must be an integer between -2^63 and 2^63-1.", param=path or None)
        elif isinstance(node, float):
            if not math.isfinite(node):
                raise InvalidParam(f"{path or 'body'} must be a finite number.", param=path or None)
        elif isinstance(node, (Mapping, list)):
            if depth >= max_depth:
                field = re.split(r"[.\[]", path, maxsplit=1)[0] if path else None  # the top-level field
                raise InvalidParam(f"The JSON body is nested deeper than {max_depth} levels.", param=field)
            items = node.items() if isinstance(node, Mapping) else enumerate(node)
            for key, value in items:
                if isinstance(key, str) and not storable(key):
                    where = path or "body"
                    raise InvalidParam(
                        f"A key of {where} must not contain NUL characters or unpaired surrogates.", param=path or None
                    )
                stack.append((value, _child(path, key), depth + 1))
