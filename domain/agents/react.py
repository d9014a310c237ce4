"""The ReAct text protocol (Dify's "CoT" agent): the model writes `Thought:` then an `Action:` holding one
JSON blob `{"action": <tool name or "Final Answer">, "action_input": ...}`; weir runs the tool and writes
the `Observation:` back, until the action is "Final Answer".

The parser is lenient on purpose, as models are: the blob may sit in a ``` fence (with or without a
language), bare, after `Action:` or not; `action_input` may be an object, a string holding JSON, or plain
text; a plain `Final Answer: ...` line counts; text with no action at all is the answer itself."""

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.models.entities import ToolDefinition

FINAL_ANSWER = "Final Answer"
STOP_WORDS = ("Observation:",)

_FENCE = re.compile(r"```(?:[a-zA-Z]*)\s*(.*?)```", re.DOTALL)
_FINAL_LINE = re.compile(r"final\s*answer\s*:\s*(.*)", re.IGNORECASE | re.DOTALL)
_THOUGHT = re.compile(r"^\s*thought\s*:\s*", re.IGNORECASE)
_ACTION_TAIL = re.compile(r"\baction\s*:\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ReactStep:
    """What one model turn says: its thought, and either a tool to call (`action`, `action_input`) or the
    final answer (`action` is None, `answer` holds it)."""

    thought: str
    action: str | None = None
    action_input: dict[str, Any] = field(default_factory=dict)
    answer: str = ""

    @property
    def is_final(self) -> bool:
        return self.action is None


def system_prompt(instruction: str, tools: Sequence[ToolDefinition]) -> str:
    listed = "\n".join(
        json.dumps({"name": t.name, "description": t.description, "parameters": dict(t.parameters)}, ensure_ascii=False)
        for t in tools
    )
    names = ", ".join(json.dumps(t.name) for t in tools) or "(none)"
    return (
        "Answer the user as helpfully and accurately as you can.\n\n"
        f"{instruction.strip()}\n\n"
        f"These tools are available:\n{listed or '(no tools)'}\n\n"
        "To use one, write a JSON object with an `action` key (the tool's name) and an `action_input` key "
        "(its arguments as an object). Exactly one action per turn.\n"
        f'The action is "{FINAL_ANSWER}" or one of: {names}.\n\n'
        "Use this format:\n\n"
        "Question: the question to answer\n"
        "Thought: what to do next and why\n"
        'Action:\n```\n{"action": "<tool name>", "action_input": {...}}\n```\n'
        "Observation: the tool's result (written for you)\n"
        "... (Thought / Action / Observation as often as needed)\n"
        "Thought: I can answer now\n"
        'Action:\n```\n{"action": "Final Answer", "action_input": "the answer for the user"}\n```\n\n'
        "Begin. Always answer with one valid JSON action blob after `Action:`."
    ).replace("\n\n\n", "\n\n")


def scratchpad_entry(step: ReactStep, observation: str) -> str:
    """What the model wrote and what its tool answered, as the next prompt shows it."""
    blob = json.dumps({"action": step.action, "action_input": step.action_input}, ensure_ascii=False)
    return f"Thought: {step.thought}\nAction:\n```\n{blob}\n```\nObservation: {observation}\n"


def parse(text: str) -> ReactStep:
    blob, before = _find_blob(text)
    if blob is not None:
        action = blob.get("action")
        if isinstance(action, str) and action.strip():
            thought = _thought(before)
            raw = blob.get("action_input")
            if action.strip().lower().replace("_", " ") == FINAL_ANSWER.lower():
                answer = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)
                return ReactStep(thought=thought, answer=answer or "")
            return ReactStep(thought=thought, action=action.strip(), action_input=_arguments(raw))
    final = _FINAL_LINE.search(text)
    if final:
        return ReactStep(thought=_thought(text[: final.start()]), answer=final.group(1).strip())
    return ReactStep(thought="", answer=text.strip())


def _find_blob(text: str) -> tuple[dict[str, Any] | None, str]:
    """The first JSON object with an `action` key, and the text before it."""
    for match in _FENCE.finditer(text):
        parsed = _first_object(match.group(1))
        if parsed is not None:
            return parsed, text[: match.start()]
    start = text.find("{")
    while start != -1:
        parsed, _ = _object_at(text, start)
        if parsed is not None and "action" in parsed:
            return parsed, text[:start]
        start = text.find("{", start + 1)
    return None, text


def _first_object(text: str) -> dict[str, Any] | None:
    start = text.find("{")
    while start != -1:
        parsed, _ = _object_at(text, start)
        if parsed is not None and "action" in parsed:
            return parsed
        start = text.find("{", start + 1)
    return None


def _object_at(text: str, start: int) -> tuple[dict[str, Any] | None, int]:
    try:
        value, end = json.JSONDecoder().raw_decode(text, start)
    except ValueError:
        return None, start
    return (value, end) if isinstance(value, dict) else (None, start)


def _thought(text: str) -> str:
    without_action = _ACTION_TAIL.sub("", text.strip())
    return _THOUGHT.sub("", without_action).strip()


def _arguments(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        try:
            parsed = json.loads(raw)
        except ValueError:
            return {"input": raw} if raw.strip() else {}
        return parsed if isinstance(parsed, dict) else {"input": parsed}
    if raw is None:
        return {}
    return {"input": raw}
