"""The human-input node's form (Dify 1.13): what a paused run asks a person, and the rules of an answer.

A node's config holds `form_content` (markdown; `{{#node.var#}}` references are filled in when the form is
created, `{{#$output.name#}}` placeholders when it is answered), `inputs` (paragraph, select, file,
file-list fields, each named by `output_variable_name`), `user_actions` (buttons: `id`, `title`,
`button_style`) and a timeout (`timeout` in `timeout_unit` hour or day, 36 hours by default).

An answer picks an action: the node's outgoing edge whose source handle is that action's id is taken, and
the submitted values become the node's outputs beside `__action_id`, `__action_value` (the action's title)
and `__rendered_content`. A form nobody answers in time takes the `__timeout` handle.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.shared.errors import DomainError, InvalidParam, NotFound
from domain.workflows.variables import VariablePool

NODE_TYPE = "human-input"
TIMEOUT_HANDLE = "__timeout"
_OUTPUT_PLACEHOLDER = re.compile(r"\{\{#\$output\.([a-zA-Z_][a-zA-Z0-9_]{0,29})#\}\}")
_ACTION_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
INPUT_TYPES = frozenset({"paragraph", "select", "file", "file-list"})


class FormStatus(StrEnum):
    WAITING = "waiting"
    SUBMITTED = "submitted"
    TIMEOUT = "timeout"


class FormNotFound(NotFound):
    default_message = "Form not found"


class FormAlreadySubmitted(DomainError):
    def __init__(self, form_id: UUID) -> None:
        super().__init__(f"This form has already been submitted by another user, form_id={form_id}")


class FormExpired(DomainError):
    def __init__(self, form_id: UUID) -> None:
        super().__init__(f"This form has expired, form_id={form_id}")


class InvalidFormData(DomainError):
    """A submission that does not fit the form (Dify's `invalid_form_data`)."""


class InvalidHumanInputNode(InvalidParam):
    """A human-input node whose config cannot make a form."""


@dataclass(frozen=True, slots=True)
class FormSpec:
    """A node's form as configured (the parts that do not depend on the run)."""

    title: str
    form_content: str
    inputs: tuple[dict[str, Any], ...]
    actions: tuple[dict[str, Any], ...]
    timeout: timedelta

    @classmethod
    def of(cls, title: str, data: Mapping[str, Any]) -> "FormSpec":
        inputs = tuple(dict(i) for i in data.get("inputs") or [])
        names = [i.get("output_variable_name") for i in inputs]
        if any(not isinstance(n, str) or not n for n in names) or len(set(names)) != len(names):
            raise InvalidHumanInputNode("A human-input node's inputs need distinct output_variable_name values.")
        actions = tuple(
            {"id": a.get("id"), "title": a.get("title") or "", "button_style": a.get("button_style") or "default"}
            for a in data.get("user_actions") or []
        )
        ids = [a["id"] for a in actions]
        valid = all(isinstance(i, str) and _ACTION_ID.match(i) and len(i) <= 20 for i in ids)
        if not valid or len(set(ids)) != len(ids):
            raise InvalidHumanInputNode("A human-input node's user_actions need distinct identifier ids.")
        amount = int(data.get("timeout") or 36)
        unit = data.get("timeout_unit") or "hour"
        timeout = timedelta(days=amount) if unit == "day" else timedelta(hours=amount)
        return cls(title, str(data.get("form_content") or ""), inputs, actions, timeout)

    def render(self, pool: VariablePool) -> str:
        """The content with the run's variables filled in; the `$output` placeholders stay for the answer."""
        return pool.render(self.form_content)

    def resolved_defaults(self, pool: VariablePool) -> dict[str, Any]:
        """Paragraph defaults read from a variable, as the run holds them now (constants are left to `default`)."""
        values: dict[str, Any] = {}
        for field_ in self.inputs:
            default = field_.get("default") or {}
            if field_.get("type") == "paragraph" and default.get("type") == "variable":
                selector = list(default.get("selector") or [])
                if len(selector) >= 2 and pool.has(selector):
                    values[field_["output_variable_name"]] = pool.get(selector)
        return values

    def action_title(self, action_id: str) -> str:
        return next((a["title"] for a in self.actions if a["id"] == action_id), action_id)


@dataclass
class HumanInputForm:
    """One form a paused run waits on; its token is the only key a client needs (Service API)."""

    id: UUID
    token: str
    tenant_id: UUID
    app_id: UUID
    run_id: UUID
    node_id: str
    node_title: str
    definition: dict[str, Any]  # inputs, user_actions, form_content (rendered), resolved_default_values
    created_at: datetime
    expires_at: datetime
    status: FormStatus = FormStatus.WAITING
    submitted_data: dict[str, Any] | None = None
    action_id: str | None = None
    submitted_by: UUID | None = None
    resolved_at: datetime | None = None

    @property
    def inputs(self) -> list[dict[str, Any]]:
        return list(self.definition.get("inputs") or [])

    @property
    def actions(self) -> list[dict[str, Any]]:
        return list(self.definition.get("user_actions") or [])

    @property
    def content(self) -> str:
        return str(self.definition.get("form_content") or "")

    @property
    def resolved_defaults(self) -> dict[str, Any]:
        return dict(self.definition.get("resolved_default_values") or {})

    def ensure_open(self, now: datetime) -> None:
        """Raises FormAlreadySubmitted or FormExpired unless the form still takes an answer."""
        if self.status is FormStatus.SUBMITTED:
            raise FormAlreadySubmitted(self.id)
        if self.status is FormStatus.TIMEOUT or self.expires_at <= now:
            raise FormExpired(self.id)

    def check_submission(self, action_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values kept from a submission (only the form's fields); InvalidFormData when it does not fit."""
        if action_id not in {a["id"] for a in self.actions}:
            raise InvalidFormData(f"Invalid action: {action_id}")
        missing = [f["output_variable_name"] for f in self.inputs if f["output_variable_name"] not in values]
        if missing:
            raise InvalidFormData(f"Missing required inputs: {', '.join(missing)}")
        kept: dict[str, Any] = {}
        for field_ in self.inputs:
            name = field_["output_variable_name"]
            kept[name] = _checked_value(field_, values[name])
        return kept

    def submitted_outputs(self) -> dict[str, Any]:
        """The node's outputs once answered: the values, the action and the content with the values in it."""
        data = dict(self.submitted_data or {})
        action = self.action_id or ""
        title = next((a["title"] for a in self.actions if a["id"] == action), action)
        return data | {"__action_id": action, "__action_value": title, "__rendered_content": self.rendered_answer()}

    def timeout_outputs(self) -> dict[str, Any]:
        return {"__action_id": "", "__action_value": "", "__rendered_content": self.content}

    def rendered_answer(self) -> str:
        data = self.submitted_data or {}
        kinds = {f["output_variable_name"]: f.get("type") for f in self.inputs}
        return _OUTPUT_PLACEHOLDER.sub(
            lambda m: _placeholder_text(kinds.get(m.group(1)), data.get(m.group(1))), self.content
        )


def _checked_value(field_: Mapping[str, Any], value: Any) -> Any:
    name, kind = field_["output_variable_name"], field_.get("type")
    if kind in ("paragraph", "select") and not isinstance(value, str):
        raise InvalidFormData(f"Invalid value for {kind} input '{name}': expected string")
    if kind == "select":
        source = field_.get("option_source") or {}
        if source.get("type", "constant") == "constant" and value not in (source.get("value") or []):
            raise InvalidFormData(f"Invalid value for select input '{name}': {value}")
    if kind == "file" and not isinstance(value, Mapping):
        raise InvalidFormData(f"Invalid value for file input '{name}': expected a file mapping")
    if kind == "file-list":
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise InvalidFormData(f"Invalid value for file-list input '{name}': expected a list of file mappings")
        limit = int(field_.get("number_limits") or 0)
        if limit and len(value) > limit:
            raise InvalidFormData(f"Too many files for input '{name}': at most {limit}")
    return value


def _placeholder_text(kind: str | None, value: Any) -> str:
    if value is None:
        return ""
    if kind == "file":
        return "[file]"
    if kind == "file-list":
        return f"[{len(value) if isinstance(value, list) else 0} files]"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass(frozen=True, slots=True)
class FormAnswer:
    """How a paused human-input node ends: the edge it takes, its outputs and inputs (what the person sent)."""

    handle: str
    outputs: dict[str, Any]
    inputs: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, form: HumanInputForm) -> "FormAnswer | None":
        if form.status is FormStatus.SUBMITTED:
            return cls(form.action_id or "", form.submitted_outputs(), dict(form.submitted_data or {}))
        if form.status is FormStatus.TIMEOUT:
            return cls(TIMEOUT_HANDLE, form.timeout_outputs())
        return None
