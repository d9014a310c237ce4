"""An app's user_input_form checked against a request's inputs, worded as Dify words it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.apps.input_form import parse_input_form, validate_inputs
from domain.shared.errors import InvalidParam

FORM = [
    {"text-input": {"label": "Name", "variable": "name", "required": True, "max_length": 10, "default": ""}},
    {"paragraph": {"label": "Bio", "variable": "bio", "required": False}},
    {"select": {"label": "Tone", "variable": "tone", "required": False, "options": ["warm", "dry"], "default": "warm"}},
    {"number": {"label": "Age", "variable": "age", "required": False}},
    {"checkbox": {"label": "Terms", "variable": "terms", "required": False}},
    {"json_object": {"label": "Meta", "variable": "meta", "required": False}},
]


def refusal(inputs, form=FORM):
    with pytest.raises(InvalidParam) as caught:
        validate_inputs(form, inputs)
    return caught.value.message, caught.value.param


def test_clean_inputs_fill_defaults_convert_numbers_and_drop_unknown_keys():
    cleaned = validate_inputs(FORM, {"name": "Ann", "age": "42", "terms": "yes", "extra": "dropped"})

    assert cleaned == {"name": "Ann", "bio": None, "tone": "warm", "age": 42, "terms": True, "meta": None}


def test_a_missing_or_empty_required_field_is_refused():
    assert refusal({}) == ("name is required in input form", "name")
    assert refusal({"name": ""}) == ("name is required in input form", "name")
    assert refusal({"name": None}) == ("name is required in input form", "name")


def test_text_longer_than_max_length_is_refused():
    assert refusal({"name": "x" * 11}) == ("name in input form must be less than 10 characters", "name")
    assert validate_inputs(FORM, {"name": "x" * 10})["name"] == "x" * 10


def test_a_choice_outside_the_options_is_refused():
    message, param = refusal({"name": "Ann", "tone": "angry"})

    assert message == "tone in input form must be one of the following: ['warm', 'dry']"
    assert param == "tone"


def test_text_fields_take_strings_only():
    assert refusal({"name": 5}) == ("(type 'text-input') name in input form must be a string", "name")


@pytest.mark.parametrize("value", ["abc", "1.2.3", [1], {"n": 1}, "nan", True])
def test_a_number_that_is_not_numeric_is_refused(value):
    assert refusal({"name": "Ann", "age": value}) == ("age in input form must be a valid number", "age")


@pytest.mark.parametrize(("given", "expected"), [("7", 7), (" -3 ", -3), ("2.5", 2.5), (4, 4), (1.5, 1.5), ("", None)])
def test_numbers_are_converted(given, expected):
    assert validate_inputs(FORM, {"name": "Ann", "age": given})["age"] == expected


def test_a_json_object_must_be_an_object():
    assert refusal({"name": "Ann", "meta": "[]"}) == ("meta in input form must be a dict", "meta")
    assert validate_inputs(FORM, {"name": "Ann", "meta": {"a": 1}})["meta"] == {"a": 1}


def test_an_optional_empty_text_stays_empty_and_nul_characters_are_removed():
    cleaned = validate_inputs(FORM, {"name": "A\x00nn", "bio": ""})

    assert cleaned["name"] == "Ann"
    assert cleaned["bio"] == ""


def test_file_controls_and_unknown_kinds_pass_through_and_malformed_entries_are_skipped():
    form = [{"file": {"variable": "doc", "required": False}}, {"future-kind": {"variable": "x"}}, {"no": 1}, "junk"]
    form += [{"external_data_tool": {"variable": "weather"}}, {"a": {}, "b": {}}]

    assert [field.variable for field in parse_input_form(form)] == ["doc", "x"]
    assert validate_inputs(form, {"doc": {"id": 1}, "x": [1]}) == {"doc": {"id": 1}, "x": [1]}


def test_no_form_means_no_inputs():
    assert validate_inputs(None, {"anything": 1}) == {}


names = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
texts = st.text(max_size=20)


@given(
    st.dictionaries(names, st.tuples(st.booleans(), st.integers(1, 15)), min_size=1, max_size=5),
    st.dictionaries(names, texts, max_size=8),
)
def test_text_inputs_are_accepted_exactly_when_present_and_short_enough(specs, inputs):
    form = [
        {"text-input": {"variable": name, "required": required, "max_length": limit}}
        for name, (required, limit) in specs.items()
    ]
    problems = set()
    for name, (required, limit) in specs.items():
        value = inputs.get(name)
        if (required and not value) or (value and len(value.replace("\x00", "")) > limit):
            problems.add(name)
    try:
        cleaned = validate_inputs(form, inputs)
    except InvalidParam as error:
        assert error.param in problems
        return
    assert not problems
    assert set(cleaned) == set(specs)
    assert all(cleaned[name] == (inputs[name].replace("\x00", "") if name in inputs else None) for name in specs)


@given(st.one_of(st.integers(-(10**9), 10**9), st.floats(allow_nan=False, allow_infinity=False, width=32)))
def test_any_finite_number_survives_as_itself_or_as_its_text(number):
    form = [{"number": {"variable": "n", "required": True}}]

    assert validate_inputs(form, {"n": number})["n"] == number
    assert validate_inputs(form, {"n": repr(number)})["n"] == number
