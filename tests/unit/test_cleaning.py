"""Dify's pre-processing rules."""

import re

from hypothesis import given
from hypothesis import strategies as st

from domain.knowledge.cleaning import clean, default_clean, remove_extra_spaces, remove_urls_emails

messy = st.lists(
    st.one_of(st.sampled_from([" ", "  ", "\t", "\n", "\n\n\n", "\r\n", "\u3000", "word", "x.y", "。"]), st.text(max_size=4)),
    max_size=30,
).map("".join)


def test_extra_spaces_collapse_to_one_space_and_blank_lines_to_one():
    text = "Title\n\n\n\n\nBody  with\t\tgaps and\u3000\u3000wide space.\nNext line\n\nkept"
    assert remove_extra_spaces(text) == "Title\n\nBody with gaps and wide space.\nNext line\n\nkept"


def test_a_single_space_or_tab_is_left_alone():
    assert remove_extra_spaces("a b\tc\n\nd") == "a b\tc\n\nd"


def test_urls_and_emails_go_but_a_markdown_image_keeps_its_url():
    text = "Mail ops@example.com or see https://example.com/help?x=1 (or http://a.b/c).\n![chart](https://cdn.example.com/c.png)"
    assert remove_urls_emails(text) == "Mail  or see  (or ).\n![chart](https://cdn.example.com/c.png)"


def test_the_default_clean_drops_control_characters_and_model_markers_but_keeps_accents():
    assert default_clean("na\u00efve <|endoftext|> caf\u00e9\x00\x07\ufffe ok\r\nnext") == "na\u00efve <endoftext> caf\u00e9 ok\nnext"


def test_rules_apply_only_when_enabled():
    text = "a  b https://x.io"
    assert clean(text, extra_spaces=False, urls_emails=False) == text
    assert clean(text, extra_spaces=True, urls_emails=False) == "a b https://x.io"
    assert clean(text, extra_spaces=True, urls_emails=True) == "a b "


@given(messy)
def test_removing_extra_spaces_is_idempotent_and_keeps_every_visible_character(text):
    once = remove_extra_spaces(default_clean(text))
    assert remove_extra_spaces(once) == once
    assert "\n\n\n" not in once
    assert not re.search("[ \t\u3000]{2,}", once)
    assert re.sub("[\\s\u180e]", "", once) == re.sub("[\\s\u180e]", "", default_clean(text))
