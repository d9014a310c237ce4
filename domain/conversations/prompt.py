"""The prompt of a chat app's message (Dify's simple prompt): system prompt, trimmed history, query."""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from domain.models.entities import ChatMessage
from domain.models.errors import PromptTooLong

# The variable names Dify's prompt templates accept: an identifier of at most 30 characters.
_VARIABLE = re.compile(r"\{\{([a-zA-Z_][a-zA-Z0-9_]{0,29})\}\}")
# Model special tokens such as <|endoftext|> never reach the model from a template.
_SPECIAL_TOKEN = re.compile(r"<\|.*?\|>")

CountTokens = Callable[[Sequence[ChatMessage]], int]


@dataclass(frozen=True, slots=True)
class Turn:
    """One past exchange of the conversation."""

    query: str
    answer: str


def render_template(template: str, inputs: Mapping[str, object]) -> str:
    """Replaces each `{{variable}}` with its input; a missing or None input becomes the empty string.

    Substitution is one pass: a value that itself contains `{{name}}` is inserted with single braces,
    so user input can never expand another variable.
    """

    def value_of(match: re.Match[str]) -> str:
        value = inputs.get(match.group(1))
        text = "" if value is None else str(value)
        return _VARIABLE.sub(r"{\1}", text)

    return _SPECIAL_TOKEN.sub("", _VARIABLE.sub(value_of, template))


def _messages(system: str, turns: Sequence[Turn], query: str) -> list[ChatMessage]:
    messages = [ChatMessage.system(system)] if system else []
    for turn in turns:
        messages += [ChatMessage.user(turn.query), ChatMessage.assistant(turn.answer)]
    messages.append(ChatMessage.user(query))
    return messages


def assemble_chat_prompt(
    *,
    pre_prompt: str,
    inputs: Mapping[str, object],
    history: Sequence[Turn],
    query: str,
    count_tokens: CountTokens,
    context_size: int | None = None,
    max_tokens: int = 0,
    window: int | None = None,
) -> list[ChatMessage]:
    """The messages to send: the rendered system prompt (none when empty), past turns, then the query.

    `history` is oldest first. Turns with an empty answer (failed or stopped messages) are left out.
    `window` keeps at most that many newest turns. With a `context_size`, the oldest turns are dropped
    until the whole prompt counts at most `context_size - max_tokens` tokens; the kept turns are the
    newest ones, in their order. Raises `PromptTooLong` when even the prompt without history is over.
    """
    system = render_template(pre_prompt, inputs)
    turns = [turn for turn in history if turn.answer]
    if window is not None:
        turns = turns[len(turns) - max(window, 0) :]
    if context_size is None:
        return _messages(system, turns, query)
    budget = context_size - max(max_tokens, 0)
    if count_tokens(_messages(system, [], query)) > budget:
        raise PromptTooLong()
    # More turns never count fewer tokens, so the longest newest suffix that fits is found by bisection.
    fits, over = 0, len(turns) + 1
    while over - fits > 1:
        middle = (fits + over) // 2
        if count_tokens(_messages(system, turns[len(turns) - middle :], query)) <= budget:
            fits = middle
        else:
            over = middle
    return _messages(system, turns[len(turns) - fits :], query)
