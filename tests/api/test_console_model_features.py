"""A customizable model's features from its form, over real HTTP with a cookie session: the orchestrate page of a
chat app offers its Vision (image upload) settings only for a model listed with the `vision` feature, and agent
tools by function calling only for `tool-call`; the OpenAI-API-compatible form asks for both, as Dify's does."""

import pytest

from tests.api.console_web import set_up_console, threaded_stub_model

PROVIDER = "langgenius/openai_api_compatible/openai_api_compatible"
MODELS = f"/workspaces/current/model-providers/{PROVIDER}/models/credentials"


@pytest.fixture(scope="module")
def upstream():
    with threaded_stub_model() as server:
        yield server


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    with set_up_console(database_url, tmp_path_factory.mktemp("features") / "storage") as server:
        yield server


@pytest.fixture(scope="module")
def browser(web):
    return web.signed_in()


def _add(browser, upstream, name: str, **form) -> None:
    credentials = {"endpoint_url": upstream.base_url, "endpoint_model_name": "stub", "context_size": "4096", **form}
    added = browser.post(MODELS, json={"model": name, "model_type": "llm", "credentials": credentials})
    assert added.status_code == 201, added.text


def _features(browser) -> dict:
    listed = browser.get("/workspaces/current/models/model-types/llm").json()["data"]
    provider = next(p for p in listed if p["provider"] == PROVIDER)
    return {m["model"]: m["features"] for m in provider["models"]}


def test_the_form_asks_whether_the_model_sees_images(browser):
    providers = browser.get("/workspaces/current/model-providers").json()["data"]
    form = next(p for p in providers if p["provider"] == PROVIDER)["model_credential_schema"]["credential_form_schemas"]
    vision = next(f for f in form if f["variable"] == "vision_support")
    assert [o["value"] for o in vision["options"]] == ["support", "no_support"] and vision["default"] == "no_support"


def test_a_model_added_with_vision_and_tool_calls_lists_those_features(browser, upstream):
    _add(browser, upstream, "stub-vision", vision_support="support", function_calling_type="tool_call")
    _add(browser, upstream, "stub-plain", vision_support="no_support", function_calling_type="no_call")
    features = _features(browser)
    assert set(features["stub-vision"]) == {"vision", "tool-call", "multi-tool-call", "stream-tool-call"}
    assert features["stub-plain"] is None
    # Added again without vision: the model's features follow its form.
    _add(browser, upstream, "stub-vision", vision_support="no_support", function_calling_type="function_call")
    assert _features(browser)["stub-vision"] == ["tool-call"]
