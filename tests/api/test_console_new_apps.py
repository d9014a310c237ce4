"""A new chat, agent or text-generator app opens on the workspace's default LLM (as Dify's app templates do), over
real HTTP with a cookie session: the orchestrate page reads the model from the app's model_config, and with an
empty one shows "No model provider configured" even though the workspace has a default model."""

import httpx
import pytest

from tests.api.console_web import set_up_console, threaded_stub_model, with_stub_model

PROVIDER = "langgenius/openai_api_compatible/openai_api_compatible"


@pytest.fixture(scope="module")
def upstream():
    with threaded_stub_model() as server:
        yield server


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    with set_up_console(database_url, tmp_path_factory.mktemp("new-apps") / "storage") as server:
        yield server


@pytest.fixture(scope="module")
def browser(web, upstream):
    return with_stub_model(web.signed_in(), upstream)


def _new(browser, mode: str) -> dict:
    made = browser.post("/apps", json={"name": f"New {mode}", "mode": mode, "icon_type": "emoji", "icon": "🤖"})
    assert made.status_code == 201, made.text
    detail = browser.get(f"/apps/{made.json()['id']}")
    assert detail.status_code == 200
    return detail.json()


def test_without_a_default_model_a_new_app_has_no_model_yet(browser):
    assert _new(browser, "chat")["model_config"]["model"]["provider"] == ""


def test_a_new_app_starts_on_the_default_llm(browser):
    settings = [{"model_type": "llm", "provider": PROVIDER, "model": "stub-model"}, {"model_type": "text-embedding"}]
    assert browser.post("/workspaces/current/default-model", json={"model_settings": settings}).status_code == 200

    for mode in ("chat", "agent-chat", "completion"):
        model = _new(browser, mode)["model_config"]["model"]
        assert (model["provider"], model["name"], model["mode"]) == (PROVIDER, "stub-model", "chat"), mode
    completion = _new(browser, "completion")["model_config"]
    assert completion["pre_prompt"] == "{{query}}"
    assert completion["user_input_form"] == [
        {"paragraph": {"label": "Query", "variable": "query", "required": True, "default": ""}}
    ]
    assert _new(browser, "chat")["model_config"]["pre_prompt"] == ""
    assert _new(browser, "workflow")["model_config"] is None


def test_the_service_api_of_a_new_app_answers_with_its_starting_model(web, browser, upstream):
    app = _new(browser, "chat")
    key = browser.post(f"/apps/{app['id']}/api-keys")
    assert key.status_code == 201, key.text
    answer = httpx.post(
        web.base_url + "/v1/chat-messages",
        headers={"Authorization": f"Bearer {key.json()['token']}"},
        json={"query": "Hi", "inputs": {}, "user": "u1", "response_mode": "blocking"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["answer"] == "Hello world"
    assert upstream.requests[-1]["json"]["model"] == "stub-model"
