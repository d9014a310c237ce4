"""An app's web app (Dify's "site"): the public page an app is shared as, at `/{mode}/{code}` of the web app's URL.

Every app has one from its creation. Its code is the secret part of the URL: whoever knows it can use the app (as
an anonymous browser user), so resetting it cuts off every link handed out before; switching the site off
(`App.enable_site`) closes the page without changing the code.
"""

import secrets
import string
from dataclasses import dataclass, fields
from datetime import datetime
from uuid import UUID

from domain.apps.entities import App, IconType
from domain.shared.errors import InvalidParam

CODE_LENGTH = 16
_CODE_ALPHABET = string.ascii_letters + string.digits

# Dify's supported languages (constants/languages.py): what a site's default_language may be.
LANGUAGES = (
    "en-US", "zh-Hans", "zh-Hant", "pt-BR", "es-ES", "fr-FR", "de-DE", "ja-JP", "ko-KR", "ru-RU", "it-IT", "uk-UA",
    "vi-VN", "pl-PL", "ro-RO", "tr-TR", "fa-IR", "hi-IN", "sl-SI", "th-TH", "id-ID", "ar-TN", "nl-NL",
)
TOKEN_STRATEGIES = ("must", "allow", "not_allow")


# The settings stored in String(255) columns (Dify's); description and disclaimer are text.
_SHORT = frozenset({
    "title", "icon_type", "icon", "icon_background", "default_language", "chat_color_theme", "customize_domain",
    "copyright", "privacy_policy", "customize_token_strategy",
})
SHORT_LIMIT = 255


def _check_text(name: str, value: str) -> None:
    if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
        raise InvalidParam(f"{name} must not contain NUL characters or unpaired surrogates.", param=name)
    if name in _SHORT and len(value) > SHORT_LIMIT:
        raise InvalidParam(f"{name} must be at most {SHORT_LIMIT} characters.", param=name)


def new_site_code() -> str:
    """16 letters and digits from the system's CSPRNG (about 95 bits): a code nobody guesses."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


@dataclass
class Site:
    app_id: UUID
    tenant_id: UUID
    code: str
    title: str
    created_at: datetime
    updated_at: datetime
    icon_type: IconType = IconType.EMOJI
    icon: str | None = None
    icon_background: str | None = None
    description: str | None = None
    default_language: str = "en-US"
    chat_color_theme: str | None = None
    chat_color_theme_inverted: bool = False
    customize_domain: str | None = None
    copyright: str | None = None
    privacy_policy: str | None = None
    custom_disclaimer: str = ""
    customize_token_strategy: str = "not_allow"
    prompt_public: bool = False
    show_workflow_steps: bool = True
    use_icon_as_answer_icon: bool = False
    input_placeholder: str | None = None
    created_by: UUID | None = None
    updated_by: UUID | None = None

    @classmethod
    def for_app(cls, app: App, code: str, language: str = "en-US") -> "Site":
        """A new app's site, titled and drawn as the app (Dify copies them at creation; later edits are apart)."""
        return cls(
            app_id=app.id, tenant_id=app.tenant_id, code=code, title=app.name, icon_type=app.icon_type,
            icon=app.icon, icon_background=app.icon_background, description=app.description,
            default_language=language if language in LANGUAGES else "en-US",
            use_icon_as_answer_icon=app.use_icon_as_answer_icon, created_by=app.created_by,
            created_at=app.created_at, updated_by=app.created_by, updated_at=app.created_at,
        )

    def edit(self, changes: "SiteChanges", at: datetime, by: UUID) -> None:
        """Applies what the console sent; a field it left out (None) keeps its value, as in Dify."""
        for name, value in changes.given().items():
            setattr(self, name, IconType(value) if name == "icon_type" else value)
        self.updated_at, self.updated_by = at, by

    def reset_code(self, code: str, at: datetime, by: UUID) -> None:
        self.code = code
        self.updated_at, self.updated_by = at, by


@dataclass(frozen=True, slots=True)
class SiteChanges:
    """The editable settings of a site (Dify's AppSiteUpdatePayload); None = unchanged."""

    title: str | None = None
    icon_type: str | None = None
    icon: str | None = None
    icon_background: str | None = None
    description: str | None = None
    default_language: str | None = None
    chat_color_theme: str | None = None
    chat_color_theme_inverted: bool | None = None
    customize_domain: str | None = None
    copyright: str | None = None
    privacy_policy: str | None = None
    custom_disclaimer: str | None = None
    customize_token_strategy: str | None = None
    prompt_public: bool | None = None
    show_workflow_steps: bool | None = None
    use_icon_as_answer_icon: bool | None = None

    def __post_init__(self) -> None:
        for name, value in self.given().items():
            if isinstance(value, str):
                _check_text(name, value)
        if self.default_language is not None and self.default_language not in LANGUAGES:
            raise InvalidParam(f"{self.default_language} is not a valid language.", param="default_language")
        if self.customize_token_strategy is not None and self.customize_token_strategy not in TOKEN_STRATEGIES:
            raise InvalidParam(
                "customize_token_strategy must be one of must, allow, not_allow.", param="customize_token_strategy"
            )
        if self.icon_type is not None and self.icon_type not in {t.value for t in IconType}:
            raise InvalidParam("icon_type must be emoji or image.", param="icon_type")
        if self.title is not None and not self.title.strip():
            raise InvalidParam("title must not be empty.", param="title")

    def given(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}

