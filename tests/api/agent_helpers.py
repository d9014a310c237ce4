"""What the agent API tests share: OpenAI tool-call replies for the scripted upstream, ReAct-format text
replies, and the SSE reader."""

import json
from typing import Any

from tests.integration.openai_stub_server import Reply


def tool_calls_reply(*calls: tuple[str, dict[str, Any]], text: str = "") -> Reply:
    """One upstream answer asking for these (name, arguments) calls, the model's native way."""
    deltas = [
        {
            "index": i,
            "id": f"call_{i}_{name}",
            "type": "function",
            "function": {"name": name, "arguments": json.dumps(arguments)},
        }
        for i, (name, arguments) in enumerate(calls)
    ]
    return Reply(deltas=(text,) if text else (), tool_calls=tuple(deltas), finish_reason="tool_calls")


def react_reply(thought: str, action: str, action_input: Any) -> Reply:
    blob = json.dumps({"action": action, "action_input": action_input})
    return Reply(deltas=(f"Thought: {thought}\nAction:\n```json\n", blob, "\n```"))


def sse_events(body: bytes) -> list[dict[str, Any]]:
    return [json.loads(block[6:]) for block in body.decode().strip().split("\n\n") if block.startswith("data: ")]
