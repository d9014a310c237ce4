"""What a file input or an app's file upload feature accepts (Dify's FileUploadConfig) and its count limits."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.files.file_types import FileType, TransferMethod, detect_type
from domain.shared.errors import InvalidParam


@dataclass(frozen=True, slots=True)
class FileUploadConfig:
    """What a `file` / `file-list` start variable or an app's `file_upload` feature accepts (Dify's
    FileUploadConfig). Empty tuples accept anything; `number_limits` 0 is no limit. Images follow the image
    settings (`image_methods`, `image_limit`) when the config has them (a chat app's `file_upload.image`)."""

    allowed_file_types: tuple[str, ...] = ()
    allowed_file_extensions: tuple[str, ...] = ()
    allowed_file_upload_methods: tuple[str, ...] = ()
    number_limits: int = 0
    image_methods: tuple[str, ...] = ()
    image_limit: int | None = None
    image_detail: str = "high"

    def accepts(self, declared_type: str, extension: str, method: str, mime_type: str = "") -> bool:
        """Dify's rule, where `declared_type` is the type the request named ("custom" when none): a named type
        must be allowed; images answer to the image transfer methods when there are any, other files (and images
        otherwise) to the upload methods. A
        custom file passes with an allowed extension; Dify refuses it otherwise, weir lets it pass when its
        extension or MIME type shows an allowed type (image, document …), so a client that omits `type` still
        works; a file of no known type needs an allowed extension (unless the config restricts nothing)."""
        if method == TransferMethod.TOOL_FILE:
            return True
        allowed_types = self.allowed_file_types
        if declared_type == FileType.CUSTOM:
            extensions = {e.lower() if e.startswith(".") else f".{e.lower()}" for e in self.allowed_file_extensions}
            detected = detect_type(extension, mime_type)
            if extension.lower() not in extensions:
                if detected == FileType.CUSTOM and (allowed_types or extensions):
                    return False
                if allowed_types and detected not in allowed_types:
                    return False
            declared_type = detected.value
        elif allowed_types and declared_type not in allowed_types:
            return False
        methods = self.image_methods if declared_type == FileType.IMAGE and self.image_methods else None
        methods = methods or self.allowed_file_upload_methods
        return not methods or method in methods

    def check_count(self, files: Sequence[Mapping[str, Any]]) -> None:
        images = sum(1 for f in files if f.get("type") == FileType.IMAGE)
        if self.image_limit is not None and images > self.image_limit:
            raise InvalidParam(f"Number of image files exceeds the maximum limit {self.image_limit}", param="files")
        if self.number_limits and len(files) > self.number_limits:
            raise InvalidParam(f"Number of files exceeds the maximum limit {self.number_limits}", param="files")


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()


def variable_upload_config(spec: Mapping[str, Any]) -> FileUploadConfig:
    """The config of a `file` or `file-list` start variable (its allowed_file_* keys)."""
    return FileUploadConfig(
        allowed_file_types=_strings(spec.get("allowed_file_types")),
        allowed_file_extensions=_strings(spec.get("allowed_file_extensions")),
        allowed_file_upload_methods=_strings(spec.get("allowed_file_upload_methods")),
    )


def app_upload_config(file_upload: Mapping[str, Any] | None) -> FileUploadConfig | None:
    """An app's `file_upload` feature; None when it is off (then a request's `files` are ignored, as in Dify).

    Two shapes exist: the current one (`enabled`, `allowed_file_types`, `allowed_file_extensions`,
    `allowed_file_upload_methods`, `number_limits`, `image.detail`) and the older image-only one
    (`image: {enabled, number_limits, detail, transfer_methods}`)."""
    if not isinstance(file_upload, Mapping):
        return None
    image = file_upload.get("image") if isinstance(file_upload.get("image"), Mapping) else {}
    detail = str(image.get("detail") or "high")
    if file_upload.get("enabled"):
        methods = _strings(file_upload.get("allowed_file_upload_methods"))
        limit = _int(file_upload.get("number_limits"), 1)
        return FileUploadConfig(
            allowed_file_types=_strings(file_upload.get("allowed_file_types")),
            allowed_file_extensions=_strings(file_upload.get("allowed_file_extensions")),
            allowed_file_upload_methods=methods,
            number_limits=limit,
            image_methods=methods,
            image_limit=limit,
            image_detail=detail,
        )
    if image.get("enabled"):
        return FileUploadConfig(
            allowed_file_types=(FileType.IMAGE.value,),
            image_methods=_strings(image.get("transfer_methods")),
            image_limit=_int(image.get("number_limits"), 3),
            image_detail=detail,
        )
    return None


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default
