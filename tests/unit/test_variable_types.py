"""Which values fit a conversation variable's declared type."""

from hypothesis import given
from hypothesis import strategies as st

from domain.conversations.variable_types import fits, kind_of

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(),
    st.dictionaries(st.text(), st.integers()),
)


@given(st.lists(st.text()))
def test_a_list_of_strings_fits_array_string_and_array_any(values):
    assert fits("array[string]", values) and fits("array[any]", values)


@given(SCALARS)
def test_a_value_fits_exactly_the_types_of_its_kind(value):
    kind = kind_of(value)
    assert fits("string", value) == (kind == "string")
    assert fits("number", value) == (kind == "number")
    assert fits("boolean", value) == (kind == "boolean")
    assert fits("object", value) == (kind == "object")
    assert not fits("array[number]", value)


def test_booleans_are_not_numbers_and_mixed_arrays_do_not_fit():
    assert not fits("number", True)
    assert not fits("array[number]", [1, "2"])
    assert fits("array[number]", [1, 2.5])
    assert not fits("no-such-type", "x")
