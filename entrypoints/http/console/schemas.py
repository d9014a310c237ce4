"""Console request bodies. Field rules beyond shape (lengths, formats) live in the domain."""

from pydantic import BaseModel


class SetupBody(BaseModel):
    email: str
    name: str
    password: str


class LoginBody(BaseModel):
    email: str
    password: str
    remember_me: bool = False


class RefreshBody(BaseModel):
    refresh_token: str


class CreateAppBody(BaseModel):
    name: str
    mode: str
    description: str | None = None
    icon_type: str | None = None
    icon: str | None = None
    icon_background: str | None = None


class UpdateAppBody(BaseModel):
    name: str
    description: str | None = None
    icon_type: str | None = None
    icon: str | None = None
    icon_background: str | None = None
    use_icon_as_answer_icon: bool | None = None


class ApiEnableBody(BaseModel):
    enable_api: bool


class AppListQuery(BaseModel):
    """Besides `page` and `limit`, which entrypoints.http.query reads."""

    mode: str = "all"
    name: str | None = None
