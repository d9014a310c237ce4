"""Helpers for a chat app wired to the stub OpenAI-compatible server, as a workspace owner would set it up.

Only plain helpers live here; the `upstream` and `chat_app` fixtures are in tests/api/conftest.py.
"""

from dataclasses import dataclass

from tests.api.helpers import Console, bearer
from tests.integration.openai_stub_server import StubOpenAIServer

MODEL = "stub-model"


@dataclass
class ChatApp:
    console: Console
    app_id: str
    key: str
    upstream: StubOpenAIServer

    @property
    def client(self):
        return self.console.client

    @property
    def headers(self) -> dict:
        return bearer(self.key)

    async def send(self, query: str, user: str = "alice", **body) -> tuple[int, dict]:
        payload = {"query": query, "user": user, "inputs": {}, "response_mode": "blocking", **body}
        response = await self.client.post("/v1/chat-messages", json=payload, headers=self.headers)
        return response.status_code, await response.get_json()


async def configure_provider(console: Console, upstream: StubOpenAIServer, **pricing) -> None:
    model = {"name": MODEL, "context_size": 4096}
    if pricing:
        model["pricing"] = pricing
    response = await console.client.post(
        "/console/api/workspaces/current/model-providers/openai_api_compatible/credentials",
        json={"credentials": {"api_key": "sk-stub-secret-key", "endpoint_url": upstream.base_url, "models": [model]}},
        headers=console.headers,
    )
    assert response.status_code == 200, await response.get_json()


async def make_app(console: Console, upstream: StubOpenAIServer, mode: str = "chat", **config) -> ChatApp:
    app = await console.create_app("Helper", mode)
    body = {
        "model": {"provider": "openai_api_compatible", "name": MODEL, "mode": "chat",
                  "completion_params": {"temperature": 0.2, "max_tokens": 256}},
        "pre_prompt": "You are a helpful assistant for {{company}}.",
        "user_input_form": [{"text-input": {"label": "Company", "variable": "company", "required": False,
                                            "max_length": 48, "default": "Acme"}}],
        "opening_statement": "Hello! Ask me anything.",
        "suggested_questions": ["What can you do?"],
        "suggested_questions_after_answer": {"enabled": True},
        **config,
    }
    response = await console.client.post(f"/console/api/apps/{app['id']}/model-config", json=body, headers=console.headers)
    assert response.status_code == 200, await response.get_json()
    return ChatApp(console=console, app_id=app["id"], key=await console.create_app_key(app["id"]), upstream=upstream)
