"""A provider's several credentials: switching and removing never lose or duplicate a key."""

from dataclasses import replace
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.models.provider_keys import key_names, next_name, switched, without_key
from domain.models.providers import ModelEntry, ProviderCredentials, SpareKey
from domain.shared.errors import NotFound

TENANT = UUID(int=1)


def _credentials(count: int) -> ProviderCredentials:
    spares = tuple(SpareKey(f"k{i}", f"key {i}", f"https://e{i}.example", f"sk-{i}") for i in range(1, count))
    return ProviderCredentials(TENANT, "deepseek", "https://e0.example", "sk-0", models=(ModelEntry("m"),),
                               name="key 0", key_id="k0", spares=spares)


def _keys(credentials: ProviderCredentials) -> set[tuple[str, str | None]]:
    return {(credentials.key_id, credentials.api_key)} | {(s.id, s.api_key) for s in credentials.spares}


@given(count=st.integers(1, 5), data=st.data())
def test_a_switch_puts_the_chosen_key_in_use_and_keeps_every_other(count, data):
    before = _credentials(count)
    chosen = data.draw(st.sampled_from([key for key, _ in key_names(before)]))
    after = switched(before, chosen)
    assert after.credential_id == chosen and _keys(after) == _keys(before)
    assert after.api_key == f"sk-{chosen[1:]}" and after.models == before.models


@given(count=st.integers(1, 5), data=st.data())
def test_removing_a_key_drops_that_one_only(count, data):
    before = _credentials(count)
    gone = data.draw(st.sampled_from([key for key, _ in key_names(before)]))
    after = without_key(before, gone)
    if count == 1:
        assert after is None
    else:
        assert _keys(after) == {k for k in _keys(before) if k[0] != gone} and after.models == before.models


def test_an_unknown_id_is_not_found():
    with pytest.raises(NotFound):
        switched(_credentials(2), "nope")
    with pytest.raises(NotFound):
        without_key(_credentials(2), "nope")


def test_an_unnamed_key_is_numbered_above_the_highest_taken():
    unnamed = ProviderCredentials(TENANT, "deepseek", "https://e.example", "sk")
    assert next_name(unnamed) == "API KEY 2"
    named = replace(unnamed, spares=(SpareKey("x", "API KEY 7", "https://e.example"),))
    assert next_name(named) == "API KEY 8"
