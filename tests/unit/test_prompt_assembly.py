"""The prompt of a chat message: system prompt from pre_prompt, history trimmed to the budget, query."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.conversations.prompt import Turn, assemble_chat_prompt, render_template
from domain.models.entities import ChatMessage, Role
from domain.models.errors import PromptTooLong


def count_words(messages):
    """A stand-in tokenizer: a word a token, 3 a message, 3 for the reply, like OpenAI's overhead."""
    return 3 + sum(3 + len(message.content.split()) for message in messages)


def assemble(history=(), query="hi", pre_prompt="", inputs=None, **kwargs):
    return assemble_chat_prompt(
        pre_prompt=pre_prompt,
        inputs=inputs or {},
        history=list(history),
        query=query,
        count_tokens=count_words,
        **kwargs,
    )


def pairs(messages):
    """The (query, answer) turns a prompt carries between its system message and the query."""
    body = [m for m in messages if m.role is not Role.SYSTEM][:-1]
    return [(body[i].content, body[i + 1].content) for i in range(0, len(body), 2)]


def test_variables_are_replaced_and_unknown_ones_become_empty():
    rendered = render_template("You help {{name}} in {{lang}}; {{missing}}.", {"name": "Ann", "lang": None})

    assert rendered == "You help Ann in ; ."


def test_values_are_written_as_text_and_cannot_expand_other_variables():
    rendered = render_template("{{n}} / {{q}}", {"n": 3, "q": "{{n}}", "secret": "x"})

    assert rendered == "3 / {n}"


def test_special_tokens_and_non_variables_are_left_out_or_alone():
    assert render_template("a<|endoftext|>b {{ not a var }} {{#context#}}", {}) == "ab {{ not a var }} {{#context#}}"


def test_the_prompt_is_system_then_history_then_query():
    messages = assemble(
        [Turn("q1", "a1"), Turn("q2", "a2")], query="q3", pre_prompt="Be {{tone}}.", inputs={"tone": "brief"}
    )

    assert messages == [
        ChatMessage.system("Be brief."),
        ChatMessage.user("q1"),
        ChatMessage.assistant("a1"),
        ChatMessage.user("q2"),
        ChatMessage.assistant("a2"),
        ChatMessage.user("q3"),
    ]


def test_an_empty_pre_prompt_sends_no_system_message():
    assert assemble(query="hello") == [ChatMessage.user("hello")]


def test_turns_without_an_answer_are_left_out():
    messages = assemble([Turn("q1", "a1"), Turn("failed", ""), Turn("q3", "a3")])

    assert pairs(messages) == [("q1", "a1"), ("q3", "a3")]


def test_the_memory_window_keeps_the_newest_turns():
    history = [Turn(f"q{i}", f"a{i}") for i in range(5)]

    assert pairs(assemble(history, window=2)) == [("q3", "a3"), ("q4", "a4")]
    assert pairs(assemble(history, window=0)) == []


def test_the_oldest_turns_go_first_when_the_budget_is_short():
    history = [Turn(f"q{i}", f"a{i}") for i in range(5)]
    # query alone: 3 + (3 + 1) = 7 tokens; each turn adds 8.
    messages = assemble(history, query="hi", context_size=7 + 2 * 8 + 5, max_tokens=5)

    assert pairs(messages) == [("q3", "a3"), ("q4", "a4")]


def test_a_prompt_too_long_without_history_is_refused():
    with pytest.raises(PromptTooLong):
        assemble([Turn("q", "a")], query="one two three", pre_prompt="system words here", context_size=19, max_tokens=5)


def test_without_a_context_size_nothing_is_trimmed():
    history = [Turn("many words " * 50, "answer " * 50)] * 10

    assert len(pairs(assemble(history))) == 10


words = st.text(alphabet="abc ", min_size=0, max_size=30)
turns = st.lists(st.builds(Turn, words, words.filter(str.strip)), max_size=12)


@given(turns, words, words, st.integers(0, 300), st.integers(0, 100))
def test_a_trimmed_prompt_fits_keeps_the_newest_turns_in_order(history, pre_prompt, query, context_size, max_tokens):
    budget = context_size - max_tokens
    fixed = count_words(assemble([], query=query, pre_prompt=pre_prompt))
    if fixed > budget:
        with pytest.raises(PromptTooLong):
            assemble(history, query=query, pre_prompt=pre_prompt, context_size=context_size, max_tokens=max_tokens)
        return

    messages = assemble(history, query=query, pre_prompt=pre_prompt, context_size=context_size, max_tokens=max_tokens)

    assert count_words(messages) <= budget
    kept = pairs(messages)
    everything = [(turn.query, turn.answer) for turn in history]
    assert kept == everything[len(everything) - len(kept) :]  # a suffix: the newest, never reordered
    if len(kept) < len(everything):  # and as many as fit: one more older turn would not
        one_more = history[len(history) - len(kept) - 1 :]
        assert count_words(assemble(one_more, query=query, pre_prompt=pre_prompt)) > budget
    assert messages[-1] == ChatMessage.user(query)
