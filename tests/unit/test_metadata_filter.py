"""Dify's metadata filtering conditions and metadata values, as pure rules."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.knowledge.metadata import MetadataField, MetadataType, coerce_value, parse_metadata_filter
from domain.shared.errors import InvalidParam


def _field(kind: MetadataType) -> MetadataField:
    return MetadataField(id=uuid4(), tenant_id=uuid4(), dataset_id=uuid4(), name="f", type=kind,
                         created_at=datetime.now(UTC))


def test_and_needs_every_condition_and_or_any():
    conditions = [{"name": "author", "comparison_operator": "is", "value": "Ada"},
                  {"name": "year", "comparison_operator": "≥", "value": 2020}]
    both = parse_metadata_filter({"logical_operator": "and", "conditions": conditions})
    either = parse_metadata_filter({"logical_operator": "or", "conditions": conditions})
    assert both.matches({"author": "Ada", "year": 2024}) and not both.matches({"author": "Ada", "year": 2019})
    assert either.matches({"author": "Bob", "year": 2024}) and not either.matches(None)


def test_no_conditions_means_no_filter_and_bad_ones_are_refused():
    assert parse_metadata_filter(None) is None
    assert parse_metadata_filter({"logical_operator": "and", "conditions": []}) is None
    for raw in ({"logical_operator": "xor"}, {"conditions": [{"name": "a", "comparison_operator": "~"}]}, "x"):
        with pytest.raises(InvalidParam):
            parse_metadata_filter(raw)


def test_values_are_coerced_to_their_fields_type():
    assert coerce_value(_field(MetadataType.NUMBER), "2019") == 2019
    assert coerce_value(_field(MetadataType.TIME), 1.7e9) == 1700000000
    assert coerce_value(_field(MetadataType.STRING), None) is None
    for kind, value in ((MetadataType.NUMBER, "soon"), (MetadataType.NUMBER, True), (MetadataType.STRING, 3)):
        with pytest.raises(InvalidParam):
            coerce_value(_field(kind), value)
