"""Files as workflows and chat messages carry them, in Dify's shape.

A request names a file with a mapping: `{type, transfer_method, upload_file_id | url | tool_file_id}`. Once
resolved, a run's variables hold the file as the dict Dify's `File.to_dict()` gives (what code nodes receive
and run outputs show): `dify_model_identity`, `id`, `tenant_id`, `type`, `transfer_method`, `remote_url`,
`related_id`, `filename`, `extension` (with its dot), `mime_type`, `size` (-1 when unknown) and `url`.
"""

import mimetypes
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from domain.files.file_types import FileType, TransferMethod, detect_type
from domain.shared.errors import InvalidParam

FILE_IDENTITY = "__dify__file__"


def is_file(value: Any) -> bool:
    """A resolved file (a dict of the shape above), as opposed to a request's mapping or any other value."""
    return isinstance(value, Mapping) and value.get("dify_model_identity") == FILE_IDENTITY


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


# The keys Dify's file conditions (if-else sub-variables, list-operator filters) name, where they differ
# from the file dict's own.
_CONDITION_KEYS = {"name": "filename", "url": "remote_url"}


def file_attribute(item: Mapping[str, Any], key: str) -> Any:
    """A file's attribute as a condition names it (`name`, `type`, `extension`, `mime_type`, `size`,
    `transfer_method`, `url`); any other mapping's own key."""
    if not is_file(item):
        return item.get(key)
    value = item.get(_CONDITION_KEYS.get(key, key))
    return value if value is not None or key != "url" else item.get("url")
