"""Files as workflows and chat messages carry them, in Dify's shape.

A request names a file with a mapping: `{type, transfer_method, upload_file_id | url | tool_file_id}`. Once
resolved, a run's variables hold the file as the dict Dify's `File.to_dict()` gives (what code nodes receive
and run outputs show): `dify_model_identity`, `id`, `tenant_id`, `type`, `transfer_method`, `remote_url`,
`related_id`, `filename`, `extension` (with its dot), `mime_type`, `size` (-1 when unknown) and `url`.
"""

import mimetypes
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import unquote, urlsplit

from domain.shared.errors import InvalidParam

FILE_IDENTITY = "__dify__file__"


class FileType(StrEnum):
    IMAGE = "image"
    DOCUMENT = "document"
    AUDIO = "audio"
    VIDEO = "video"
    CUSTOM = "custom"


class TransferMethod(StrEnum):
    LOCAL_FILE = "local_file"
    REMOTE_URL = "remote_url"
    TOOL_FILE = "tool_file"


# Dify's extension lists (api/constants), which decide a file's type when the request says "custom".
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "webp", "gif", "svg"})
VIDEO_EXTENSIONS = frozenset({"mp4", "mov", "mpeg", "webm"})
AUDIO_EXTENSIONS = frozenset({"mp3", "m4a", "wav", "amr", "mpga"})
DOCUMENT_EXTENSIONS = frozenset(
    {
        "txt",
        "markdown",
        "md",
        "mdx",
        "pdf",
        "html",
        "htm",
        "xlsx",
        "xls",
        "vtt",
        "properties",
        "doc",
        "docx",
        "csv",
        "eml",
        "msg",
        "pptx",
        "xml",
        "epub",
        "ppt",
    }
)


def detect_type(extension: str, mime_type: str) -> FileType:
    """The type a file's extension (else its MIME type) says it is."""
    ext = extension.lstrip(".").lower()
    for kind, known in (
        (FileType.IMAGE, IMAGE_EXTENSIONS),
        (FileType.VIDEO, VIDEO_EXTENSIONS),
        (FileType.AUDIO, AUDIO_EXTENSIONS),
        (FileType.DOCUMENT, DOCUMENT_EXTENSIONS),
    ):
        if ext in known:
            return kind
    for marker, kind in (("image", FileType.IMAGE), ("video", FileType.VIDEO), ("audio", FileType.AUDIO)):
        if marker in mime_type:
            return kind
    return FileType.DOCUMENT if "text" in mime_type or "pdf" in mime_type else FileType.CUSTOM


def is_file(value: Any) -> bool:
    """A resolved file (a dict of the shape above), as opposed to a request's mapping or any other value."""
    return isinstance(value, Mapping) and value.get("dify_model_identity") == FILE_IDENTITY


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


@dataclass(frozen=True, slots=True)
class FileMapping:
    """A request's description of one file, checked for shape only (no lookup yet)."""

    declared_type: str
    method: TransferMethod
    mapping_id: str | None = None
    upload_file_id: str | None = None
    url: str | None = None

    @classmethod
    def parse(cls, raw: Any, param: str) -> "FileMapping":
        if not isinstance(raw, Mapping):
            raise InvalidParam(f"{param} in input form must be a file", param=param)
        method = raw.get("transfer_method")
        if not method:
            raise InvalidParam("transfer_method is required in file mapping", param=param)
        try:
            transfer = TransferMethod(str(method))
        except ValueError:
            raise InvalidParam(f"Invalid file transfer method: {method}", param=param) from None
        declared = str(raw.get("type") or FileType.CUSTOM)
        if declared not in FileType.__members__.values():
            raise InvalidParam(f"Invalid file type: {declared}", param=param)
        upload = raw.get("upload_file_id") or raw.get("related_id") or raw.get("tool_file_id")
        url = raw.get("url") or raw.get("remote_url")
        return cls(declared, transfer, _text(raw.get("id")), _text(upload), _text(url))


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def remote_file_info(url: str) -> tuple[str, str, str]:
    """(filename, extension with its dot, MIME type) a URL's path suggests, without fetching it; the bytes
    are fetched only when a node needs them."""
    name = posixpath.basename(unquote(urlsplit(url).path)) or "unknown_file"
    mime = mimetypes.guess_type(name)[0] or ""
    extension = posixpath.splitext(name)[1].lower() or (mimetypes.guess_extension(mime) or "" if mime else "")
    return name, extension or ".bin", mime


def resolved_type(declared: str, extension: str, mime_type: str) -> str:
    return declared if declared != FileType.CUSTOM else detect_type(extension, mime_type).value


def file_dict(
    *,
    tenant_id: str,
    declared_type: str,
    method: TransferMethod,
    filename: str,
    extension: str,
    mime_type: str,
    size: int,
    url: str | None,
    remote_url: str | None = None,
    related_id: str | None = None,
    mapping_id: str | None = None,
) -> dict[str, Any]:
    return {
        "dify_model_identity": FILE_IDENTITY,
        "id": mapping_id,
        "tenant_id": tenant_id,
        "type": resolved_type(declared_type, extension, mime_type),
        "transfer_method": method.value,
        "remote_url": remote_url,
        "related_id": related_id,
        "filename": filename,
        "extension": extension,
        "mime_type": mime_type,
        "size": size,
        "url": url,
    }


def file_markdown(file: Mapping[str, Any]) -> str:
    """How a file reads inside text (Dify's File.markdown): an image link for images, a link otherwise."""
    url, name = str(file.get("url") or file.get("remote_url") or ""), str(file.get("filename") or "")
    return f"![{name}]({url})" if file.get("type") == FileType.IMAGE else f"[{name or url}]({url})"


def files_in(outputs: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The files among a node's or a run's output values (each value a file or a list of files), in order:
    Dify's `files` of node_finished and workflow_finished events."""
    found: list[dict[str, Any]] = []
    for value in outputs.values():
        for item in value if isinstance(value, list) else [value]:
            if is_file(item):
                found.append(dict(item))
    return found
