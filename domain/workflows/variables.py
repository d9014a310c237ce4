"""The variable pool of a run: every node's outputs, system, environment and conversation variables.

A selector is a path: ["<node_id>", "<name>", ...nested keys]. Reserved roots: `sys`, `env`,
`conversation`. Templates reference values as `{{#node_id.name#}}` (Dify's syntax).
"""

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from domain.files.workflow_files import file_markdown, is_file

SYSTEM, ENVIRONMENT, CONVERSATION = "sys", "env", "conversation"
# Dify's reference syntax: a node id of 1-50 word characters, then 1-10 dotted names.
REFERENCE = re.compile(r"\{\{#([a-zA-Z0-9_]{1,50}(?:\.[a-zA-Z_][a-zA-Z0-9_]{0,29}){1,10})#\}\}")


class VariablePool:
    def __init__(
        self,
        system: Mapping[str, Any] | None = None,
        environment: Mapping[str, Any] | None = None,
        conversation: Mapping[str, Any] | None = None,
    ) -> None:
        self._values: dict[str, dict[str, Any]] = {
            SYSTEM: dict(system or {}),
            ENVIRONMENT: dict(environment or {}),
            CONVERSATION: dict(conversation or {}),
        }

    def add(self, node_id: str, name: str, value: Any) -> None:
        self._values.setdefault(node_id, {})[name] = value

    def add_outputs(self, node_id: str, outputs: Mapping[str, Any]) -> None:
        self._values.setdefault(node_id, {}).update(outputs)

    def has(self, selector: Sequence[str]) -> bool:
        return self._lookup(selector)[0]

    def get(self, selector: Sequence[str], default: Any = None) -> Any:
        found, value = self._lookup(selector)
        return value if found else default

    def node_outputs(self, node_id: str) -> dict[str, Any]:
        return dict(self._values.get(node_id, {}))

    def system_variables(self) -> dict[str, Any]:
        return dict(self._values[SYSTEM])

    def conversation_variables(self) -> dict[str, Any]:
        return dict(self._values[CONVERSATION])

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """Every value, by owner (JSON values: what a paused run stores)."""
        return {key: dict(values) for key, values in self._values.items()}

    @classmethod
    def restored(cls, snapshot: Mapping[str, Mapping[str, Any]]) -> "VariablePool":
        pool = cls()
        pool._values.update({key: dict(values) for key, values in snapshot.items()})
        return pool

    def copy(self) -> "VariablePool":
        """A pool for a container's round (iteration item, loop round): sees everything, writes apart."""
        clone = VariablePool()
        clone._values = {key: dict(values) for key, values in self._values.items()}
        return clone

    def render(self, template: str) -> str:
        """Replaces each `{{#selector#}}` by its value as text; a missing value renders as empty."""
        return REFERENCE.sub(lambda m: as_text(self.get(m.group(1).split("."))), template)

    def _lookup(self, selector: Sequence[str]) -> tuple[bool, Any]:
        if len(selector) < 2 or selector[0] not in self._values:
            return False, None
        current: Any = self._values[selector[0]]
        for key in selector[1:]:
            if isinstance(current, Mapping) and key in current:
                current = current[key]
            elif isinstance(current, list) and key.isdigit() and int(key) < len(current):
                current = current[int(key)]
            else:
                return False, None
        return True, current


def as_text(value: Any) -> str:
    """How a value appears inside text: strings as they are, None as empty, files (and lists of files) as
    Dify's markdown links, other structures as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if is_file(value):
        return file_markdown(value)
    if isinstance(value, list) and value and all(is_file(item) for item in value):
        return "\n".join(file_markdown(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def references(template: str) -> list[list[str]]:
    """The selectors a template mentions, in order."""
    return [match.group(1).split(".") for match in REFERENCE.finditer(template)]
