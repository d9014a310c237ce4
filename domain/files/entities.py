"""Uploaded files and the limits they must respect (Dify's per-category size limits and blacklist)."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.shared.errors import DomainError, InvalidParam

MB = 1024 * 1024
IMAGE = frozenset({"jpg", "jpeg", "png", "webp", "gif", "svg"})
VIDEO = frozenset({"mp4", "mov", "mpeg", "webm"})
AUDIO = frozenset({"mp3", "m4a", "wav", "amr", "mpga"})


@dataclass(frozen=True, slots=True)
class UploadLimits:
    file_mb: int = 15
    image_mb: int = 10
    video_mb: int = 100
    audio_mb: int = 50
    blacklist: frozenset[str] = frozenset()

    def max_bytes(self, extension: str) -> int:
        if extension in IMAGE:
            return self.image_mb * MB
        if extension in VIDEO:
            return self.video_mb * MB
        if extension in AUDIO:
            return self.audio_mb * MB
        return self.file_mb * MB


class NoFileUploaded(DomainError):
    default_message = "Please upload your file."


class TooManyFiles(DomainError):
    default_message = "Only one file is allowed."


class FileTooLarge(DomainError):
    default_message = "File size exceeded."


class UnsupportedFileType(DomainError):
    default_message = "File type not allowed."


class FileNotFound(DomainError):
    default_message = "The requested file was not found."


class FileAccessDenied(DomainError):
    default_message = "Access to the requested file is denied."


def check_upload(name: str, size: int, mime_type: str | None, limits: UploadLimits) -> str:
    """The file's extension, once its name, type and size pass Dify's checks."""
    if not name or "/" in name or "\\" in name:
        raise InvalidParam("Filename must not contain '/' or '\\'.", param="file")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in limits.blacklist:
        raise InvalidParam(f"File extension '.{extension}' is not allowed.", param="file")
    if not mime_type:
        raise UnsupportedFileType()
    if size > limits.max_bytes(extension):
        raise FileTooLarge(f"File size exceeded. {size / MB:.2f} MB > {limits.max_bytes(extension) // MB} MB")
    return extension


@dataclass(frozen=True, slots=True)
class FileReader:
    """Who reads uploaded files: a run or message of `app_id` (owned by the account `app_owner`) for its
    end user or account (`role` is an upload's created_by_role: "end_user" or "account")."""

    tenant_id: UUID
    app_owner: UUID
    role: str
    user_id: UUID


@dataclass(frozen=True, slots=True)
class UploadFile:
    id: UUID
    tenant_id: UUID
    key: str
    name: str
    size: int
    extension: str
    mime_type: str
    created_by: UUID
    created_by_role: str
    created_at: datetime
    hash: str

    def readable_by(self, reader: FileReader) -> bool:
        """Stricter than Dify, which checks the workspace only: a file is read only by whoever uploaded it
        (an end user belongs to one app, so that is the same app and the same end user) or, for the app's own
        files, when its owner uploaded it in the console. Another app or end user of the workspace gets
        nothing, as if the file did not exist."""
        if self.tenant_id != reader.tenant_id:
            return False
        if (self.created_by_role, self.created_by) == (reader.role, reader.user_id):
            return True
        return self.created_by_role == "account" and self.created_by == reader.app_owner
