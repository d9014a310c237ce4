"""Domain objects as Dify's JSON shapes. Console timestamps are Unix seconds; end users use ISO 8601."""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from uuid import UUID

from domain.apps.entities import ApiToken, App, EndUser, IconType
from domain.apps.model_config import AppModelConfig
from domain.apps.site import Site
from domain.conversations.agent_thoughts import AgentThought
from domain.conversations.entities import Conversation, Feedback, Message, MessageFile
from domain.files.entities import UploadFile, UploadLimits
from domain.models.pricing import decimal_text
from domain.tenancy.entities import Account, Role, Tenant
from entrypoints.http.file_urls import file_link


def epoch(at: datetime | None) -> int | None:
    return int(at.timestamp()) if at else None


def iso(at: datetime | None) -> str | None:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if at else None


def icon_url(icon_type: IconType, icon: str | None) -> str | None:
    """An uploaded icon's signed URL (Dify's `icon_url`: the icon of an `image` app is an upload's id); None for
    an emoji."""
    if icon_type is not IconType.IMAGE or not icon:
        return None
    try:
        return file_link(UUID(icon))
    except ValueError:
        return None


def app_json(app: App) -> dict:
    return {
        "id": str(app.id),
        "name": app.name,
        "description": app.description,
        "mode": app.mode.value,
        "icon_type": app.icon_type.value,
        "icon": app.icon,
        "icon_background": app.icon_background,
        "icon_url": icon_url(app.icon_type, app.icon),
        "enable_site": app.enable_site,
        "enable_api": app.enable_api,
        "model_config": None,
        "workflow": None,
        "tracing": None,
        "use_icon_as_answer_icon": app.use_icon_as_answer_icon,
        "max_active_requests": app.max_active_requests,
        "tags": [],
        "access_mode": "public",
        "has_draft_trigger": False,
        "deleted_tools": [],
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


def conversation_json(c: Conversation) -> dict:
    return {
        "id": str(c.id),
        "name": c.name,
        "inputs": c.inputs,
        "status": c.status,
        "introduction": c.introduction,
        "created_at": epoch(c.created_at),
        "updated_at": epoch(c.updated_at),
    }


def message_file_json(f: MessageFile, signed_url: Callable[[UUID], str]) -> dict:
    """A message's file as /messages shows it; an upload's link is signed now (it expires)."""
    return {
        "id": str(f.id),
        "filename": f.filename,
        "type": f.type,
        "url": signed_url(f.upload_file_id) if f.upload_file_id else f.url,
        "mime_type": f.mime_type,
        "size": f.size,
        "transfer_method": f.transfer_method,
        "belongs_to": f.belongs_to,
        "upload_file_id": str(f.upload_file_id) if f.upload_file_id else None,
    }


def agent_thought_json(t: AgentThought) -> dict:
    """A thought as the agent_thought stream event and a listed message's `agent_thoughts` carry it."""
    return {
        "id": str(t.id),
        "chain_id": None,
        "message_id": str(t.message_id),
        "position": t.position,
        "thought": t.thought,
        "observation": t.observation,
        "tool": t.tool,
        "tool_labels": t.tool_labels,
        "tool_input": t.tool_input,
        "message_files": t.message_files,
        "files": t.message_files,
        "created_at": epoch(t.created_at),
    }


LINEAR_PARENT = "00000000-0000-0000-0000-000000000000"  # Dify's UUID_NIL


def message_json(
    m: Message,
    feedback: Feedback | None,
    thoughts: Sequence[AgentThought] = (),
    signed_url: Callable[[UUID], str] = str,
) -> dict:
    return {
        "id": str(m.id),
        "conversation_id": str(m.conversation_id),
        # weir's chat history is linear: Dify's nil id tells its web (and Dify's own Service API answers) that a
        # message simply follows the one before, so the console threads a conversation as one line.
        "parent_message_id": str(m.parent_message_id) if m.parent_message_id else LINEAR_PARENT,
        "inputs": m.inputs,
        "query": m.query,
        "answer": m.answer,
        "status": m.status.value,
        "error": m.error,
        "message_files": [message_file_json(f, signed_url) for f in m.files],
        "feedback": {"rating": feedback.rating.value} if feedback else None,
        "retriever_resources": m.metadata.get("retriever_resources", []),
        "agent_thoughts": [agent_thought_json(t) for t in thoughts],
        "created_at": epoch(m.created_at),
        "extra_contents": [],
        "message_tokens": m.message_tokens,
        "answer_tokens": m.answer_tokens,
        "total_tokens": m.message_tokens + m.answer_tokens,
        "provider_response_latency": m.provider_response_latency,
        "total_price": decimal_text(m.total_price),
        "currency": m.currency,
    }


def feedback_json(f: Feedback) -> dict:
    return {
        "id": str(f.id),
        "app_id": str(f.app_id),
        "conversation_id": str(f.conversation_id),
        "message_id": str(f.message_id),
        "rating": f.rating.value,
        "content": f.content,
        "from_source": f.from_source,
        "from_end_user_id": str(f.from_end_user_id),
        "from_account_id": None,
        "created_at": iso(f.created_at),
        "updated_at": iso(f.updated_at),
    }


def upload_json(u: UploadFile) -> dict:
    return {
        "id": str(u.id),
        "reference": None,
        "name": u.name,
        "size": u.size,
        "extension": u.extension,
        "mime_type": u.mime_type,
        "created_by": str(u.created_by),
        "created_at": epoch(u.created_at),
        "preview_url": None,
        "source_url": None,
        "original_url": None,
        "user_id": None,
        "tenant_id": str(u.tenant_id),
        "conversation_id": None,
        "file_key": None,
    }


_NO_FILE_UPLOAD = {
    "image": {"enabled": False, "number_limits": 3, "detail": "high", "transfer_methods": ["remote_url", "local_file"]}
}


def parameters_json(config: AppModelConfig | None, limits: UploadLimits) -> dict:
    feature = config.feature if config else (lambda name: {"enabled": False})
    return {
        "opening_statement": config.opening_statement if config else "",
        "suggested_questions": config.suggested_questions if config else [],
        "suggested_questions_after_answer": feature("suggested_questions_after_answer"),
        "speech_to_text": feature("speech_to_text"),
        "text_to_speech": {"voice": "", "language": "", "autoPlay": "disabled", **feature("text_to_speech")},
        "retriever_resource": feature("retriever_resource"),
        "annotation_reply": feature("annotation_reply"),
        "more_like_this": feature("more_like_this"),
        "sensitive_word_avoidance": feature("sensitive_word_avoidance"),
        "user_input_form": config.user_input_form if config else [],
        "file_upload": config.file_upload
        if config and config.file_upload
        else {
            "image": {
                "enabled": False,
                "number_limits": 3,
                "detail": "high",
                "transfer_methods": ["remote_url", "local_file"],
            }
        },
        "system_parameters": {
            "file_size_limit": limits.file_mb,
            "image_file_size_limit": limits.image_mb,
            "audio_file_size_limit": limits.audio_mb,
            "video_file_size_limit": limits.video_mb,
            "workflow_file_upload_limit": 10,
        },
    }


def site_json(site: Site) -> dict:
    """A site as the web app and the Service API's /site read it (Dify's site fields)."""
    return {
        "title": site.title,
        "chat_color_theme": site.chat_color_theme,
        "chat_color_theme_inverted": site.chat_color_theme_inverted,
        "icon_type": site.icon_type.value,
        "icon": site.icon,
        "icon_background": site.icon_background,
        "icon_url": icon_url(site.icon_type, site.icon),
        "description": site.description,
        "copyright": site.copyright,
        "privacy_policy": site.privacy_policy,
        "input_placeholder": site.input_placeholder,
        "custom_disclaimer": site.custom_disclaimer,
        "default_language": site.default_language,
        "prompt_public": site.prompt_public,
        "show_workflow_steps": site.show_workflow_steps,
        "use_icon_as_answer_icon": site.use_icon_as_answer_icon,
    }
