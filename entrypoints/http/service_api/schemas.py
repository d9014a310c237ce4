"""Service API request bodies (shapes only; business rules live in the use cases)."""

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, field_validator


def optional_uuid(value: Any) -> Any:
    return None if value in ("", None) else value


class ChatBody(BaseModel):
    query: str
    inputs: dict[str, Any] = Field(default_factory=dict)
    response_mode: Literal["blocking", "streaming"] | None = None
    conversation_id: UUID | None = None
    user: str | None = None  # required of Service API callers by `app_api`; a web app call has its passport
    files: list[dict[str, Any]] | None = None  # Dify's SDK sends null
    auto_generate_name: bool = True

    _blank_conversation = field_validator("conversation_id", mode="before")(optional_uuid)


class CompletionBody(BaseModel):
    query: str = ""
    inputs: dict[str, Any] = Field(default_factory=dict)
    response_mode: Literal["blocking", "streaming"] | None = None
    user: str | None = None  # required of Service API callers by `app_api`; a web app call has its passport
    files: list[dict[str, Any]] | None = None


class UserBody(BaseModel):
    user: str | None = None  # required of Service API callers by `app_api`; a web app call has its passport


class AnnotationReplyBody(BaseModel):
    """Dify validates all three even for `disable`."""

    score_threshold: float = Field(ge=0, le=1)
    embedding_provider_name: str = Field(min_length=1)
    embedding_model_name: str = Field(min_length=1)
