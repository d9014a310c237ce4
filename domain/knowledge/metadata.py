"""Document metadata: a dataset's custom fields (string, number, time), their values on documents, and
Dify's `metadata_filtering_conditions` that narrow retrieval to the documents whose values match."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.shared.errors import InvalidParam, NotFound
from domain.workflows.conditions import all_or_any, compare

MAX_METADATA_NAME = 255
BUILT_IN_FIELDS: tuple[tuple[str, str], ...] = (
    ("document_name", "string"),
    ("uploader", "string"),
    ("upload_date", "time"),
    ("last_update_date", "time"),
    ("source", "string"),
)
BUILT_IN_NAMES = frozenset(name for name, _ in BUILT_IN_FIELDS)
# The `source` built-in field: a document's data_source_type as Dify names it (MetadataDataSource).
_SOURCES = {
    "upload_file": "file_upload",
    "local_file": "file_upload",
    "website_crawl": "website",
    "notion_import": "notion",
    "online_document": "online_document",
}


def built_in_values(
    name: str, uploader: str | None, created_at: datetime, updated_at: datetime, data_source_type: str
) -> dict[str, Any]:
    """A document's built-in field values, once the dataset enabled them: times as Unix seconds, as Dify."""
    return {
        "document_name": name,
        "uploader": uploader or "",
        "upload_date": int(created_at.timestamp()),
        "last_update_date": int(updated_at.timestamp()),
        "source": _SOURCES.get(data_source_type, data_source_type),
    }


LOGICAL_OPERATORS = ("and", "or")


class MetadataType(StrEnum):
    STRING = "string"
    NUMBER = "number"
    TIME = "time"


class MetadataNotFound(NotFound):
    default_message = "Metadata not found."


@dataclass(slots=True)
class MetadataField:
    id: UUID
    tenant_id: UUID
    dataset_id: UUID
    name: str
    type: MetadataType
    created_at: datetime
    created_by: UUID | None = None
    count: int = 0


def check_metadata_name(name: object) -> str:
    """1-255 characters, and not one of the built-in fields' names."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidParam("Metadata name cannot be empty.", param="name")
    name = name.strip()
    if len(name) > MAX_METADATA_NAME:
        raise InvalidParam(f"Metadata name cannot exceed {MAX_METADATA_NAME} characters.", param="name")
    if name in BUILT_IN_NAMES:
        raise InvalidParam("Metadata name already exists in Built-in fields.", param="name")
    return name


def parse_metadata_type(value: object) -> MetadataType:
    if value not in tuple(MetadataType):
        raise InvalidParam("type must be one of string, number, time.", param="type")
    return MetadataType(value)


def coerce_value(field: MetadataField, value: Any) -> str | int | float | None:
    """The value as stored for the field's type: null clears it; a number or a time (Unix seconds) may come
    as a numeric string; anything else is refused."""
    if value is None:
        return None
    if field.type is MetadataType.STRING:
        if isinstance(value, str):
            return value
    elif not isinstance(value, bool):
        number = value
        if isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                number = None
        if isinstance(number, int | float):
            return int(number) if float(number).is_integer() else float(number)
    raise InvalidParam(f"Metadata {field.name} expects a {field.type.value} value.", param="metadata_list")


@dataclass(frozen=True, slots=True)
class MetadataCondition:
    name: str
    comparison_operator: str
    value: Any = None


@dataclass(frozen=True, slots=True)
class MetadataFilter:
    logical_operator: str
    conditions: tuple[MetadataCondition, ...]

    def matches(self, values: Mapping[str, Any] | None) -> bool:
        values = values or {}
        return all_or_any(
            self.logical_operator,
            [compare(c.comparison_operator, values.get(c.name), c.value) for c in self.conditions],
        )


def _refuse(message: str) -> InvalidParam:
    return InvalidParam(message, param="retrieval_model")


def parse_metadata_filter(raw: object) -> MetadataFilter | None:
    """`{logical_operator: and|or, conditions: [{name, comparison_operator, value}]}`; absent or without
    conditions means no filtering."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise _refuse("metadata_filtering_conditions is invalid.")
    logical = raw.get("logical_operator") or "and"
    if logical not in LOGICAL_OPERATORS:
        raise _refuse(f"Invalid logical_operator: {logical}.")
    conditions = raw.get("conditions") or []
    if not isinstance(conditions, Sequence) or isinstance(conditions, str):
        raise _refuse("conditions must be a list.")
    parsed = []
    for item in conditions:
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
            raise _refuse("Each condition needs a name.")
        operator = item.get("comparison_operator")
        if not isinstance(operator, str) or not _known(operator):
            raise _refuse(f"Unknown comparison operator: {operator}.")
        parsed.append(MetadataCondition(item["name"], operator, item.get("value")))
    return MetadataFilter(logical, tuple(parsed)) if parsed else None


def _known(operator: str) -> bool:
    try:
        compare(operator, None, None)
    except InvalidParam:
        return False
    return True
