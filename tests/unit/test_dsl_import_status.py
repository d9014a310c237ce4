"""Dify's rule for which DSL versions import at once, with warnings, or only once the user confirms."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.shared.errors import InvalidParam
from domain.workflows.dsl import CURRENT_VERSION, ImportStatus, dsl_version, import_status

part = st.integers(min_value=0, max_value=30)
versions = st.tuples(part, part, part)


def _text(v: tuple[int, int, int]) -> str:
    return ".".join(map(str, v))


@given(versions, versions)
def test_the_status_of_every_version_pair(imported, current):
    status = import_status(_text(imported), _text(current))
    if imported > current or imported[0] < current[0]:
        assert status == ImportStatus.PENDING
    elif imported[1] < current[1]:
        assert status == ImportStatus.WITH_WARNINGS
    else:
        assert status == ImportStatus.COMPLETED


def test_examples_against_weir_s_version():
    assert CURRENT_VERSION == "0.6.0"
    assert import_status("0.6.0") == ImportStatus.COMPLETED
    assert import_status("0.6.3") == ImportStatus.PENDING  # newer patch: Dify asks too
    assert import_status("0.7") == ImportStatus.PENDING
    assert import_status("0.3.1") == ImportStatus.WITH_WARNINGS
    assert import_status("0.5.9") == ImportStatus.WITH_WARNINGS
    assert import_status("1.0.0", "2.1.0") == ImportStatus.PENDING  # an older major
    assert dsl_version({}) == "0.1.0"


@pytest.mark.parametrize("text", ["", "abc", "1.x", "0.6.0.1", "-1.0", "٣.1"])
def test_a_version_that_is_not_major_minor_patch_is_refused(text):
    with pytest.raises(InvalidParam):
        import_status(text)


def test_a_version_that_is_not_text_is_refused():
    with pytest.raises(InvalidParam):
        dsl_version({"version": 0.1})
