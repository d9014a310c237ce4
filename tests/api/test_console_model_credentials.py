"""Adding a model with its own credentials from the Model Provider page (Dify's web console, cookie session):
the credentials are tried first, as Dify does, so an endpoint that refuses is reported and not stored, and the
models that worked keep working."""


import pytest

from tests.api.console_web import set_up_console, threaded_stub_model
from tests.processes import free_port

MODELS = "/workspaces/current/model-providers/langgenius/openai_api_compatible/openai_api_compatible/models"


@pytest.fixture(scope="module")
def upstream():
    with threaded_stub_model() as server:
        yield server


@pytest.fixture(scope="module")
def browser(database_url, tmp_path_factory):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MODEL_PROVIDER_KEY_CHECK", "true")  # as installed: the suite turns it off elsewhere
        storage = tmp_path_factory.mktemp("credentials") / "storage"
        with set_up_console(database_url, storage, other_workspace=False) as server:
            yield server.signed_in()


def _model(name: str, endpoint: str) -> dict:
    """The Add Model form as the web posts it for an OpenAI-API-compatible model."""
    return {
        "model": name,
        "model_type": "llm",
        "credentials": {
            "__authorization_name__": f"{name} key",
            "api_key": "sk-stub",
            "endpoint_url": endpoint,
            "endpoint_model_name": name,
            "mode": "chat",
            "context_size": "4096",
        },
    }


def test_a_model_whose_endpoint_refuses_is_reported_and_not_added(browser, upstream):
    added = browser.post(f"{MODELS}/credentials", json=_model("stub-model", upstream.base_url))
    assert added.status_code == 201, added.text

    dead = f"http://127.0.0.1:{free_port()}/v1"
    refused = browser.post(f"{MODELS}/credentials", json=_model("dead-model", dead))
    assert refused.status_code == 400, refused.text
    body = refused.json()
    assert body["code"] == "invalid_param" and body["message"].startswith("Credentials validation failed")

    listed = [m["model"] for m in browser.get(MODELS).json()["data"] if m["fetch_from"] == "customizable-model"]
    assert listed == ["stub-model"]
    kept = browser.get(f"{MODELS}/credentials", params={"model": "stub-model", "model_type": "llm"}).json()
    assert kept["credentials"]["endpoint_url"] == upstream.base_url  # the working model's endpoint is intact


def test_adding_a_model_needs_the_csrf_header(browser, upstream):
    response = browser.bare("POST", f"{MODELS}/credentials", json=_model("other-model", upstream.base_url))
    assert response.status_code == 401


DEEPSEEK = "/workspaces/current/model-providers/langgenius/deepseek/deepseek/credentials"


def test_a_provider_key_the_provider_refuses_is_reported_and_not_stored(browser, upstream):
    """The Model Provider page's API-key modal: the key is shown to the provider's model list (free) first."""
    upstream.refused_key = "sk-wrong"
    try:
        refused = browser.post(DEEPSEEK, json={"credentials": {"api_key": "sk-wrong", "endpoint_url": upstream.base_url}})
        assert refused.status_code == 400, refused.text
        assert refused.json()["message"] == "Credentials validation failed: Incorrect API key provided"
        assert browser.get(DEEPSEEK).json()["credentials"] in (None, {})
        saved = browser.post(DEEPSEEK, json={"credentials": {"api_key": "sk-right", "endpoint_url": upstream.base_url}})
        assert saved.status_code == 200, saved.text
        assert browser.get(DEEPSEEK).json()["credentials"]["api_key"] != "sk-right"  # masked, and stored
    finally:
        upstream.refused_key = None
    assert not upstream.requests or all("/models" not in r["line"] for r in upstream.requests)


def test_a_provider_key_is_kept_when_the_endpoint_cannot_say(browser):
    """No model list to ask (an unreachable endpoint): the key is stored, the first call will tell."""
    dead = f"http://127.0.0.1:{free_port()}/v1"
    saved = browser.post(DEEPSEEK, json={"credentials": {"api_key": "sk-later", "endpoint_url": dead}})
    assert saved.status_code == 200, saved.text
