from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from domain.apps.entities import AppMode
from domain.apps.model_config import ModelSettings
from domain.apps.starting_config import starting_model_config

MODEL = ModelSettings("langgenius/openai_api_compatible/openai_api_compatible", "stub-model")


@given(st.sampled_from(list(AppMode)), st.sampled_from([MODEL, None]))
def test_only_easy_ui_apps_with_a_default_model_start_with_a_config(mode, model):
    config = starting_model_config(uuid4(), uuid4(), mode, model)
    easy_ui = mode in (AppMode.CHAT, AppMode.AGENT_CHAT, AppMode.COMPLETION)
    assert (config is not None) == (easy_ui and model is not None)
    if config is not None:
        assert config.model == model
        assert ("{{query}}" in config.pre_prompt) == (mode is AppMode.COMPLETION)
        assert [f["paragraph"]["variable"] for f in config.user_input_form] == (["query"] if mode is AppMode.COMPLETION else [])
