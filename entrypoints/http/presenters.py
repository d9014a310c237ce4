"""Domain objects as Dify's JSON shapes. Console timestamps are Unix seconds; end users use ISO 8601."""

from datetime import UTC, datetime

from domain.apps.entities import ApiToken, App, EndUser
from domain.tenancy.entities import Account, Role, Tenant


def epoch(at: datetime | None) -> int | None:
    return int(at.timestamp()) if at else None


def iso(at: datetime | None) -> str | None:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if at else None


def app_json(app: App) -> dict:
    return {
        "id": str(app.id),
        "name": app.name,
        "description": app.description,
        "mode": app.mode.value,
        "icon_type": app.icon_type.value,
        "icon": app.icon,
        "icon_background": app.icon_background,
        "icon_url": None,
        "enable_site": app.enable_site,
        "enable_api": app.enable_api,
        "model_config": None,
        "workflow": None,
        "tracing": None,
        "use_icon_as_answer_icon": app.use_icon_as_answer_icon,
        "max_active_requests": app.max_active_requests,
        "tags": [],
        "created_by": str(app.created_by),
        "created_at": epoch(app.created_at),
        "updated_by": str(app.updated_by) if app.updated_by else None,
        "updated_at": epoch(app.updated_at),
    }


def api_key_json(key: ApiToken) -> dict:
    return {
        "id": str(key.id),
        "type": key.type.value,
        "token": key.token,
        "last_used_at": epoch(key.last_used_at),
        "created_at": epoch(key.created_at),
    }


def account_json(account: Account) -> dict:
    return {
        "id": str(account.id),
        "name": account.name,
        "avatar": None,
        "avatar_url": None,
        "email": account.email,
        "is_password_set": bool(account.password_hash),
        "interface_language": account.interface_language,
        "interface_theme": "light",
        "timezone": account.timezone,
        "last_login_at": epoch(account.last_login_at),
        "last_login_ip": account.last_login_ip,
        "created_at": epoch(account.created_at),
    }


def workspace_json(tenant: Tenant, role: Role) -> dict:
    return {
        "id": str(tenant.id),
        "name": tenant.name,
        "plan": tenant.plan,
        "status": tenant.status.value,
        "created_at": epoch(tenant.created_at),
        "role": role.value,
        "in_trial": None,
        "trial_end_reason": None,
        "custom_config": None,
    }


def end_user_json(end_user: EndUser) -> dict:
    return {
        "id": str(end_user.id),
        "tenant_id": str(end_user.tenant_id),
        "app_id": str(end_user.app_id),
        "type": end_user.type.value,
        "external_user_id": end_user.external_user_id,
        "name": end_user.name,
        "is_anonymous": end_user.is_anonymous,
        "session_id": end_user.session_id,
        "created_at": iso(end_user.created_at),
        "updated_at": iso(end_user.updated_at),
    }
