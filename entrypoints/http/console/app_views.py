"""An app as the console's studio reads it (Dify's app detail): the Service API's app fields plus who made it,
its tags, where its Service API answers and its web app."""

from quart import request

from domain.apps.entities import App, AppMode
from domain.apps.model_config import AppModelConfig
from domain.apps.site import Site
from domain.knowledge.tags import Tag
from entrypoints.http.auth import console_session
from entrypoints.http.deps import container
from entrypoints.http.presenters import app_json, epoch, site_json

_NO_FILES = {"image": {"enabled": False, "number_limits": 3, "detail": "high", "transfer_methods": ["local_file"]}}


def model_config_json(config: AppModelConfig | None) -> dict:
    """Dify's model_config of an app detail. Before the first save: an empty config (no model chosen yet), as the
    orchestrate page expects of a new app."""
    if config is None:
        model = {"provider": "", "name": "", "mode": "chat", "completion_params": {}}
        body: dict = {
            "model": model,
            "pre_prompt": "",
            "user_input_form": [],
            "opening_statement": "",
            "suggested_questions": [],
            "dataset_configs": {"retrieval_model": "multiple", "datasets": {"datasets": []}},
            "file_upload": _NO_FILES,
        }
        features: dict = {}
    else:
        model = {
            "provider": config.model.provider,
            "name": config.model.name,
            "mode": config.model.mode,
            "completion_params": config.model.completion_params,
        }
        body = {
            "model": model,
            "pre_prompt": config.pre_prompt,
            "user_input_form": config.user_input_form,
            "opening_statement": config.opening_statement,
            "suggested_questions": config.suggested_questions,
            "dataset_configs": config.dataset_configs or {"retrieval_model": "multiple", "datasets": {"datasets": []}},
            "file_upload": config.file_upload or _NO_FILES,
        }
        features = config.features
    off = {"enabled": False}
    return {
        **body,
        "suggested_questions_after_answer": features.get("suggested_questions_after_answer", off),
        "speech_to_text": features.get("speech_to_text", off),
        "text_to_speech": features.get("text_to_speech", off),
        "retriever_resource": features.get("retriever_resource", off),
        "annotation_reply": features.get("annotation_reply", off),
        "more_like_this": features.get("more_like_this", off),
        "sensitive_word_avoidance": features.get("sensitive_word_avoidance", off),
        "external_data_tools": [],
        "dataset_query_variable": "",
        "agent_mode": {"enabled": False, "strategy": None, "tools": [], "prompt": None},
        "prompt_type": "simple",
        "chat_prompt_config": {},
        "completion_prompt_config": {},
        "created_by": str(config.created_by) if config and config.created_by else None,
        "created_at": epoch(config.created_at) if config else None,
        "updated_by": str(config.created_by) if config and config.created_by else None,  # a version is never edited
        "updated_at": epoch(config.updated_at or config.created_at) if config else None,
    }


def console_site_json(site: Site) -> dict:
    """A site as the console reads it (Dify's site fields): its code is the web app's access token, its pages are
    at `app_base_url` (APP_WEB_URL, else where the console's call came in, as Dify)."""
    return {
        **site_json(site),
        "app_id": str(site.app_id),
        "access_token": site.code,
        "code": site.code,
        "app_base_url": container().config.console.app_web_url() or request.host_url.rstrip("/"),
        "customize_domain": site.customize_domain,
        "customize_token_strategy": site.customize_token_strategy,
        "created_by": str(site.created_by) if site.created_by else None,
        "created_at": epoch(site.created_at),
        "updated_by": str(site.updated_by) if site.updated_by else None,
        "updated_at": epoch(site.updated_at),
    }


def console_app_json(
    app: App,
    tags: list[Tag] | None = None,
    config: AppModelConfig | None = None,
    site: Site | None = None,
    authors: dict | None = None,
) -> dict:
    """`authors`: the workspace members' names by account id, for apps the signed-in account did not create."""
    account = console_session().account
    author = account.name if app.created_by == account.id else (authors or {}).get(app.created_by)
    return {
        **app_json(app),
        "tags": [{"id": str(t.id), "name": t.name, "type": t.type} for t in tags or []],
        "author_name": author,
        "create_user_name": author,
        "api_base_url": request.host_url.rstrip("/") + "/v1",
        # Lists carry no site (Dify's app list has none); a detail carries the app's web app.
        "site": console_site_json(site) if site is not None else None,
        "model_config": None if app.mode in (AppMode.WORKFLOW, AppMode.ADVANCED_CHAT) else model_config_json(config),
    }
