"""The edge's checks of request strings and JSON documents (entrypoints/http/input_checks.py)."""

import pytest

from domain.shared.errors import InvalidParam
from entrypoints.http.input_checks import MAX_JSON_DEPTH, check_json, storable


@pytest.mark.parametrize("text, ok", [
    ("plain", True), ("émoji 🎉", True), ("\ud83c\udf89", False), ("nul\x00", False), ("\udfff", False), ("", True),
])
def test_storable_text_has_no_nul_and_no_unpaired_surrogate(text, ok):
    assert storable(text) is ok


@pytest.mark.parametrize("document, param", [
    ({"inputs": {"name": "a\x00"}}, "inputs.name"),
    ({"segments": [{"content": "ok"}, {"content": "\ud800"}]}, "segments[1].content"),
    ({"inputs": {"bad\x00key": 1}}, "inputs"),
    ({"n": float("nan")}, "n"),
    ({"n": float("inf")}, "n"),
    ({"n": 2**63}, "n"),
    ({"n": -(2**63) - 1}, "n"),
])
def test_check_json_refuses_the_first_offence_by_its_path(document, param):
    with pytest.raises(InvalidParam) as refused:
        check_json(document)
    assert refused.value.param == param


def test_check_json_accepts_what_any_column_holds_and_bounds_depth():
    check_json({"n": 2**63 - 1, "m": -(2**63), "f": 1.5, "b": True, "z": None, "s": "x" * 10_000, "l": [[[]]]})
    deep: object = "leaf"
    for _ in range(MAX_JSON_DEPTH):
        deep = [deep]
    check_json({"a": deep[0]})  # 64 levels
    with pytest.raises(InvalidParam) as refused:
        check_json({"a": deep})
    assert refused.value.param == "a"
    with pytest.raises(InvalidParam) as refused:
        check_json({"name": "\x00"}, root="data")
    assert refused.value.param == "data.name"
