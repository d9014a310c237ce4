"""Splitting documents into chunks per Dify's process rules."""

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.knowledge.chunking import clean_for, split_into_chunks, split_into_parents
from domain.knowledge.process_rule import (
    AUTOMATIC_RULE,
    ParentMode,
    ProcessMode,
    ProcessRule,
    Segmentation,
    parse_process_rule,
)
from domain.knowledge.text_splitter import RecursiveSplitter
from domain.shared.errors import InvalidParam


def words(text: str) -> int:
    return len(text.split())


counters = st.sampled_from([len, words])
documents = st.lists(
    st.one_of(
        st.sampled_from(["alpha ", "beta", "gamma.", " ", "  ", "\n", "\n\n", "\n\n\n", ". ", "。", "***", "\t"]),
        st.text(alphabet="abcxyz .\n。", max_size=12),
        st.text(max_size=3),
    ),
    max_size=40,
).map("".join)


def visible(text: str) -> str:
    return re.sub(r"\s", "", text)


def covers_in_order(source: str, pieces: list[str]) -> bool:
    """Whether the pieces, placed in order, can overlap but leave no gap, spell out the source's visible text."""
    target = visible(source)
    states = {(0, 0)}  # (start of the previous piece, end of what is covered so far)
    for piece in pieces:
        part = visible(piece)
        states = {
            (at, max(end, at + len(part)))
            for previous, end in states
            for at in range(previous, end + 1)
            if target.startswith(part, at)
        }
        if not states:
            return False
    return any(end == len(target) for _, end in states)


def custom(separator: str, max_tokens: int, overlap: int = 0, **options) -> ProcessRule:
    return ProcessRule(
        mode=ProcessMode.CUSTOM,
        remove_extra_spaces=options.get("extra_spaces", False),
        remove_urls_emails=False,
        segmentation=Segmentation(separator, max_tokens, overlap),
    )


@st.composite
def splitter_settings(draw):
    max_tokens = draw(st.integers(1, 30))
    return draw(counters), max_tokens, draw(st.integers(0, max_tokens - 1))


# --- the recursive splitter --------------------------------------------------------------------------


@settings(max_examples=300)
@given(documents, splitter_settings())
def test_spans_cover_the_text_in_order_within_max_tokens_and_overlap(text, config):
    count, max_tokens, overlap = config
    spans = RecursiveSplitter(count, max_tokens, overlap).split(text)
    if not text:
        assert spans == []
        return
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    for (start, end), (next_start, next_end) in itertools.pairwise(spans):
        assert start < next_start <= end < next_end  # in order, no gap, always advancing
        assert count(text[next_start:end]) <= overlap
    for start, end in spans:
        assert count(text[start:end]) <= max_tokens or end - start == 1


def test_overlap_carries_the_end_of_one_chunk_into_the_next():
    text = "one two three four five six seven eight nine ten"
    spans = RecursiveSplitter(words, 4, 1).split(text)
    chunks = [text[a:b].strip() for a, b in spans]
    assert chunks == ["one two three four", "four five six seven", "seven eight nine ten"]


# --- modes ---------------------------------------------------------------------------------------------


@settings(max_examples=200)
@given(documents, counters, st.integers(5, 40), st.sampled_from(["\n", "\n\n", "\\n", "***", ". "]), st.data())
def test_custom_chunks_lose_no_text_respect_max_tokens_and_count_positions(text, count, max_tokens, separator, data):
    overlap = data.draw(st.integers(0, max_tokens - 1))
    rule = custom(separator, max_tokens, overlap, extra_spaces=data.draw(st.booleans()))
    chunks = split_into_chunks(text, rule, count)
    cleaned = clean_for(rule, text)
    source = "".join(cleaned.split(rule.segmentation.delimiter))  # the separator itself is dropped
    assert covers_in_order(source, [c.content for c in chunks])
    assert [c.position for c in chunks] == list(range(len(chunks)))
    for chunk in chunks:
        assert chunk.content == chunk.content.strip() and chunk.content
        assert chunk.tokens == count(chunk.content) <= max_tokens
        assert chunk.word_count == len(chunk.content)


@settings(max_examples=100)
@given(documents)
def test_automatic_chunks_lose_no_text_and_stay_within_dify_defaults(text):
    chunks = split_into_chunks(text * 20, AUTOMATIC_RULE, len)
    assert covers_in_order(clean_for(AUTOMATIC_RULE, text * 20), [c.content for c in chunks])
    assert all(c.tokens <= 500 for c in chunks)
    assert [c.position for c in chunks] == list(range(len(chunks)))


def test_custom_mode_makes_one_chunk_per_separated_piece_and_drops_the_separator():
    text = "First section.***Second section, a little longer.******Third."
    chunks = split_into_chunks(text, custom("***", 100), len)
    assert [c.content for c in chunks] == ["First section.", "Second section, a little longer.", "Third."]


def test_an_escaped_separator_means_the_character():
    chunks = split_into_chunks("line one\nline two", custom("\\n", 100), len)
    assert [c.content for c in chunks] == ["line one", "line two"]


def test_a_long_piece_is_split_at_sentences_before_words():
    text = "Refunds take five days. Returns need a receipt. Exchanges are free."
    chunks = split_into_chunks(text, custom("\n\n", 50), len)
    assert [c.content for c in chunks] == ["Refunds take five days. Returns need a receipt.", "Exchanges are free."]


def test_automatic_mode_merges_short_paragraphs_up_to_500_tokens():
    paragraphs = [f"Paragraph {i} says something." for i in range(40)]
    chunks = split_into_chunks("\n\n\n\n".join(paragraphs), AUTOMATIC_RULE, len)
    assert len(chunks) > 1 and all(c.tokens <= 500 for c in chunks)
    assert chunks[0].content.startswith("Paragraph 0 says something.\n\nParagraph 1")  # extra blank lines cleaned


def test_blank_text_has_no_chunks():
    assert split_into_chunks(" \n\n\t ", AUTOMATIC_RULE, len) == []
    assert split_into_parents(" \n ", parse_process_rule(hierarchical(ParentMode.FULL_DOC)), len) == []


# --- hierarchical ----------------------------------------------------------------------------------------


def hierarchical(parent_mode: ParentMode, parent_tokens: int = 500, child_tokens: int = 50, overlap: int = 0) -> dict:
    return {
        "mode": "hierarchical",
        "rules": {
            "pre_processing_rules": [{"id": "remove_extra_spaces", "enabled": True}],
            "parent_mode": parent_mode.value,
            "segmentation": {"separator": "\\n\\n", "max_tokens": parent_tokens},
            "subchunk_segmentation": {"separator": "\\n", "max_tokens": child_tokens, "chunk_overlap": overlap},
        },
    }


def small_hierarchical(parent_mode: ParentMode, parent_tokens: int, child_tokens: int, overlap: int) -> ProcessRule:
    return ProcessRule(
        mode=ProcessMode.HIERARCHICAL,
        remove_extra_spaces=True,
        remove_urls_emails=False,
        segmentation=Segmentation("\\n\\n", parent_tokens),
        parent_mode=parent_mode,
        subchunk_segmentation=Segmentation("\\n", child_tokens, overlap),
    )


@settings(max_examples=200)
@given(documents, st.sampled_from(list(ParentMode)), st.integers(10, 60), st.integers(3, 9), st.data())
def test_children_cover_their_parent_and_parents_cover_the_document(text, parent_mode, parent_tokens, child_tokens, data):
    rule = small_hierarchical(parent_mode, parent_tokens, child_tokens, data.draw(st.integers(0, child_tokens - 1)))
    parents = split_into_parents(text, rule, len)
    cleaned = clean_for(rule, text)
    assert covers_in_order(cleaned, [p.content for p in parents])
    assert [p.position for p in parents] == list(range(len(parents)))
    for parent in parents:
        if parent_mode is ParentMode.PARAGRAPH:
            assert parent.tokens <= parent_tokens
        assert parent.children and covers_in_order(parent.content, [c.content for c in parent.children])
        assert [c.position for c in parent.children] == list(range(len(parent.children)))
        assert all(c.tokens <= child_tokens for c in parent.children)


def test_paragraph_parents_hold_their_lines_as_children():
    text = "Shipping\nWe ship worldwide.\n\nReturns\nWithin 30 days."
    parents = split_into_parents(text, parse_process_rule(hierarchical(ParentMode.PARAGRAPH)), len)
    assert [p.content for p in parents] == ["Shipping\nWe ship worldwide.", "Returns\nWithin 30 days."]
    assert [[c.content for c in p.children] for p in parents] == [["Shipping", "We ship worldwide."], ["Returns", "Within 30 days."]]


def test_full_doc_makes_the_whole_text_one_parent():
    text = "Shipping\nWe ship worldwide.\n\nReturns\nWithin 30 days."
    (parent,) = split_into_parents(text, parse_process_rule(hierarchical(ParentMode.FULL_DOC)), len)
    assert parent.content == text
    assert [c.content for c in parent.children] == ["Shipping", "We ship worldwide.", "Returns", "Within 30 days."]


def test_parents_need_a_hierarchical_rule():
    with pytest.raises(InvalidParam):
        split_into_parents("text", AUTOMATIC_RULE, len)


# --- process rule validation ------------------------------------------------------------------------------


def custom_rule(**segmentation) -> dict:
    return {
        "mode": "custom",
        "rules": {
            "pre_processing_rules": [{"id": "remove_extra_spaces", "enabled": True}, {"id": "remove_urls_emails", "enabled": False}],
            "segmentation": {"separator": "\n", "max_tokens": 500, **segmentation},
        },
    }


def test_automatic_is_difys_default_rule():
    rule = parse_process_rule({"mode": "automatic", "rules": {"segmentation": {"max_tokens": 9}}})
    assert rule == parse_process_rule(None) == AUTOMATIC_RULE
    assert rule.to_dict()["rules"] == {
        "pre_processing_rules": [{"id": "remove_extra_spaces", "enabled": True}, {"id": "remove_urls_emails", "enabled": False}],
        "segmentation": {"separator": "\n", "max_tokens": 500, "chunk_overlap": 50},
    }


def test_a_custom_rule_round_trips_to_difys_shape():
    raw = custom_rule(chunk_overlap=20)
    assert parse_process_rule(raw).to_dict() == {**raw, "rules": {**raw["rules"], "segmentation": {"separator": "\n", "max_tokens": 500, "chunk_overlap": 20}}}


@given(st.integers(-100, 5000))
def test_max_tokens_must_lie_between_50_and_4000(max_tokens):
    try:
        parse_process_rule(custom_rule(max_tokens=max_tokens, chunk_overlap=0))
        accepted = True
    except InvalidParam as error:
        accepted = False
        assert error.param == "process_rule"
        assert error.message in ("Custom segment length should be between 50 and 4000.", "Process rule segmentation max_tokens is required")
    assert accepted == (50 <= max_tokens <= 4000)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("custom", "Process rule is invalid"),
        ({}, "Process rule mode is required"),
        ({"mode": "smart"}, "Process rule mode is invalid"),
        ({"mode": "custom"}, "Process rule rules is required"),
        ({"mode": "custom", "rules": {"segmentation": {}}}, "Process rule pre_processing_rules is required"),
        ({"mode": "custom", "rules": {"pre_processing_rules": [{"id": "shout", "enabled": True}]}}, "Process rule pre_processing_rules id is invalid"),
        ({"mode": "custom", "rules": {"pre_processing_rules": [{"id": "remove_urls_emails", "enabled": "yes"}]}}, "Process rule pre_processing_rules enabled is invalid"),
        ({"mode": "custom", "rules": {"pre_processing_rules": []}}, "Process rule segmentation is required"),
        (custom_rule(separator=""), "Process rule segmentation separator is required"),
        (custom_rule(max_tokens=None), "Process rule segmentation max_tokens is required"),
        (custom_rule(max_tokens="500"), "Process rule segmentation max_tokens is invalid"),
        (custom_rule(max_tokens=4001), "Custom segment length should be between 50 and 4000."),
        (custom_rule(chunk_overlap=500), "Chunk overlap (500) should be smaller than the segment length (500)."),
        (custom_rule(chunk_overlap=-1), "Process rule segmentation chunk_overlap is invalid"),
        ({**hierarchical(ParentMode.PARAGRAPH), "rules": {**hierarchical(ParentMode.PARAGRAPH)["rules"], "parent_mode": "book"}}, "Process rule parent_mode is invalid"),
        ({**custom_rule(), "mode": "hierarchical"}, "Process rule subchunk_segmentation is required"),
    ],
)
def test_a_bad_process_rule_is_refused_with_difys_message(raw, message):
    with pytest.raises(InvalidParam) as error:
        parse_process_rule(raw)
    assert error.value.message == message


def test_full_doc_parents_need_no_max_tokens():
    raw = hierarchical(ParentMode.FULL_DOC)
    del raw["rules"]["segmentation"]["max_tokens"]
    rule = parse_process_rule(raw)
    assert rule.parent_mode is ParentMode.FULL_DOC
    assert rule.subchunk_segmentation == Segmentation("\\n", 50, 0)
