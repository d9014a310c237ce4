"""Property tests for the pure rules."""

import re
import string

from hypothesis import given
from hypothesis import strategies as st

from domain.shared.errors import InvalidParam
from domain.tenancy.rules import check_password, normalize_email

letters = st.sampled_from(string.ascii_letters)
digits = st.sampled_from(string.digits)


@given(st.text(min_size=0, max_size=40))
def test_a_password_passes_exactly_when_long_enough_with_letters_and_digits(password):
    expected = len(password) >= 8 and re.search(r"[a-zA-Z]", password) and re.search(r"[0-9]", password)
    try:
        check_password(password)
        accepted = True
    except InvalidParam:
        accepted = False
    assert accepted == bool(expected)


@given(st.lists(st.sampled_from(string.ascii_letters + string.digits + "._-"), min_size=1, max_size=20), st.booleans())
def test_emails_normalize_to_one_lowercase_form(local_chars, shout):
    local = "".join(local_chars).strip(".") or "a"
    email = f"{local}@Example.com"
    raw = f"  {email.upper() if shout else email} "
    try:
        normalized = normalize_email(raw)
    except InvalidParam:
        return
    assert normalized == email.lower()
    assert normalize_email(normalized) == normalized
