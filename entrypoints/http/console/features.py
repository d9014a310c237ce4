"""What the console asks before anything else: which features this instance has. weir is a self-hosted
install without billing, marketplace, plugins, SSO or mail: every flag says so, in Dify's shapes, so the pages
that depend on them render their self-hosted variant."""

from quart import Blueprint, request

from domain.workflows.dsl import CURRENT_VERSION
from entrypoints.http.auth import console_login_required
from entrypoints.settings import SERVER_VERSION

bp = Blueprint("console_features", __name__)

APP_DSL_VERSION = CURRENT_VERSION  # the DSL version of the Dify release whose shapes weir follows


def _limit(size: int = 0, limit: int = 0) -> dict:
    return {"size": size, "limit": limit}


def system_features() -> dict:
    return {
        "app_dsl_version": APP_DSL_VERSION,
        "sso_enforced_for_signin": False,
        "sso_enforced_for_signin_protocol": "",
        "enable_marketplace": False,
        "max_plugin_package_size": 0,
        "enable_email_code_login": False,
        "enable_email_password_login": True,
        "enable_social_oauth_login": False,
        "enable_collaboration_mode": False,
        "is_allow_register": False,
        "is_allow_create_workspace": False,
        "is_email_setup": False,
        "license": {"status": "none", "expired_at": "", "workspaces": {"enabled": False, **_limit()}},
        "branding": {
            "enabled": False,
            "application_title": "",
            "login_page_logo": "",
            "workspace_logo": "",
            "favicon": "",
        },
        "webapp_auth": {
            "enabled": False,
            "allow_sso": False,
            "sso_config": {"protocol": ""},
            "allow_email_code_login": False,
            "allow_email_password_login": False,
        },
        "plugin_installation_permission": {"plugin_installation_scope": "none", "restrict_to_marketplace_only": False},
        "enable_change_email": False,
        "plugin_manager": {"enabled": False},
        "trial_models": [],
        "enable_creators_platform": False,
        "enable_trial_app": False,
        "enable_explore_banner": False,
    }


def workspace_features() -> dict:
    # Self-hosted: billing off, so the limits below are not enforced (Dify's defaults for the shape).
    return {
        "billing": {"enabled": False, "subscription": {"plan": "sandbox", "interval": ""}},
        "education": {"enabled": False, "activated": False},
        "members": _limit(0, 1),
        "apps": _limit(0, 10),
        "vector_space": _limit(0, 5),
        "knowledge_rate_limit": 10,
        "annotation_quota_limit": _limit(0, 10),
        "documents_upload_quota": _limit(0, 50),
        "docs_processing": "standard",
        "can_replace_logo": False,
        "model_load_balancing_enabled": False,
        "dataset_operator_enabled": False,
        "webapp_copyright_enabled": False,
        "workspace_members": {"enabled": False, **_limit()},
        "is_allow_transfer_workspace": False,
        "trigger_event": {"usage": 0, "limit": 3000, "reset_date": 0},
        "api_rate_limit": {"usage": 0, "limit": 5000, "reset_date": 0},
        "human_input_email_delivery_enabled": False,
        "knowledge_pipeline": {"publish_enabled": False},
        "next_credit_reset_date": 0,
    }


@bp.get("/system-features")
async def get_system_features() -> dict:
    return system_features()


@bp.get("/features")
@console_login_required
async def get_features() -> dict:
    return workspace_features()


@bp.get("/version")
async def version() -> dict:
    # No update check: weir never calls out to a release server. The version is the one weir serves.
    return {
        "version": request.args.get("current_version") or SERVER_VERSION,
        "release_date": "",
        "release_notes": "",
        "can_auto_update": False,
        "features": {"can_replace_logo": False, "model_load_balancing_enabled": False},
    }


@bp.get("/init")
async def init_status() -> dict:
    # Dify's INIT_PASSWORD gate: weir has none, so the instance is always past it.
    return {"status": "finished"}


@bp.post("/init")
async def init_validate() -> tuple[dict, int]:
    return {"result": "success"}, 201


@bp.get("/ping")
async def ping() -> dict:
    return {"result": "pong"}
