"""Console request bodies. Field rules beyond shape live in the domain; a length here is the column's, for the
fields no use case bounds (entrypoints.http.columns)."""

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from entrypoints.http.columns import ACCOUNT_EMAIL, ACCOUNT_NAME, APP_ICON, APP_ICON_BACKGROUND, APP_ICON_TYPE

IconType = Annotated[str | None, Field(max_length=APP_ICON_TYPE)]
Icon = Annotated[str | None, Field(max_length=APP_ICON)]
IconBackground = Annotated[str | None, Field(max_length=APP_ICON_BACKGROUND)]


class SetupBody(BaseModel):
    email: Annotated[str, Field(max_length=ACCOUNT_EMAIL)]
    name: Annotated[str, Field(max_length=ACCOUNT_NAME)]
    password: str


class LoginBody(BaseModel):
    email: str
    password: str
    remember_me: bool = False
    invite_token: str | None = None  # sent by the sign-in page an invitation link leads to


class InviteBody(BaseModel):
    emails: list[str]
    role: str = "normal"
    language: str | None = None


class RoleBody(BaseModel):
    role: str


class SwitchBody(BaseModel):
    tenant_id: UUID


class ActivateBody(BaseModel):
    token: str
    name: str
    interface_language: str = "en-US"
    timezone: str = "UTC"
    workspace_id: str | None = None
    email: str | None = None


class CreateAppBody(BaseModel):
    name: str
    mode: str
    description: str | None = None
    icon_type: IconType = None
    icon: Icon = None
    icon_background: IconBackground = None


class UpdateAppBody(BaseModel):
    name: str
    description: str | None = None
    icon_type: IconType = None
    icon: Icon = None
    icon_background: IconBackground = None
    use_icon_as_answer_icon: bool | None = None


class ApiEnableBody(BaseModel):
    enable_api: bool


class AppListQuery(BaseModel):
    """Besides `page` and `limit`, which entrypoints.http.query reads."""

    mode: str = "all"
    name: str | None = None
    is_created_by_me: bool | None = None
