"""Files a run produced (tool files) shown with a signed preview URL, as Dify shows them: each file mapping
with `transfer_method: tool_file` in outputs gets its `url`."""

from typing import Any
from uuid import UUID

from quart import has_request_context, request

from entrypoints.http.deps import container
from entrypoints.http.file_preview import signed_file_url


def _base() -> str:
    configured = container().config.files_url()
    if configured:
        return configured
    return request.host_url if has_request_context() else ""


def with_file_urls(value: Any) -> Any:
    """`value` with every tool file mapping in it (at any depth) given a signed URL; the rest as it is."""
    if isinstance(value, list):
        return [with_file_urls(item) for item in value]
    if not isinstance(value, dict):
        return value
    if value.get("transfer_method") == "tool_file" and value.get("related_id") and not value.get("url"):
        try:
            file_id = UUID(str(value["related_id"]))
        except ValueError:
            return value
        return {**value, "url": signed_file_url(_base(), file_id, container().config.secret_key())}
    return {key: with_file_urls(item) for key, item in value.items()}


def file_link(file_id: UUID) -> str:
    """A signed preview URL of a stored file, on FILES_URL or where the request came in."""
    return signed_file_url(_base(), file_id, container().config.secret_key())
