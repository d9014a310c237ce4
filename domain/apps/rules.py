"""What a valid app definition looks like (Dify's console validation)."""

from domain.apps.entities import AppMode, IconType
from domain.shared.errors import InvalidParam

MAX_APP_NAME = 255
MAX_DESCRIPTION = 400


def parse_mode(mode: str | None) -> AppMode:
    try:
        return AppMode(mode or "")
    except ValueError:
        allowed = ", ".join(m.value for m in AppMode)
        raise InvalidParam(f"invalid mode value, must be one of: {allowed}", param="mode") from None


def check_app_name(name: str | None) -> str:
    candidate = (name or "").strip()
    if not candidate:
        raise InvalidParam("Name is required.", param="name")
    if len(candidate) > MAX_APP_NAME:
        raise InvalidParam(f"Name must be at most {MAX_APP_NAME} characters.", param="name")
    return candidate


def check_description(description: str | None) -> str:
    text = description or ""
    if len(text) > MAX_DESCRIPTION:
        raise InvalidParam(f"Description cannot exceed {MAX_DESCRIPTION} characters.", param="description")
    return text


def parse_icon_type(icon_type: str | None) -> IconType:
    try:
        return IconType(icon_type or IconType.EMOJI)
    except ValueError:
        raise InvalidParam("icon_type must be 'emoji' or 'image'.", param="icon_type") from None
