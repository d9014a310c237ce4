"""Whether an http-request node's answer is a file (an image, a PDF, a download) rather than text, and its name.
Dify makes such an answer a file of the node's `files` output and leaves `body` empty."""

import re
from urllib.parse import unquote, urlsplit

from domain.workflows.http import IncomingResponse

# Types that are text whatever their major type says.
_TEXT_MARKERS = ("json", "xml", "javascript", "ecmascript", "yaml", "x-www-form-urlencoded", "graphql", "csv")
_FILE_MAJORS = ("image", "audio", "video", "font", "model")
_FILENAME = re.compile(r"""filename\*?=(?:UTF-8'[^']*')?"?([^";]+)"?""", flags=re.IGNORECASE)


def _looks_like_text(body: bytes) -> bool:
    sample = body[:4096]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(sample) - 3  # only a character cut at the sample's end
    return True


def answer_file(response: IncomingResponse) -> tuple[str, str] | None:
    """(MIME type, file name or "") when the answer is a file, else None. A file: an attachment (Content-
    Disposition), an image, audio, video or font type, an application type that is not text-like (a PDF, a ZIP,
    an Office file); an octet-stream or untyped answer is a file unless its bytes read as UTF-8 text."""
    headers = {name.lower(): value for name, value in response.headers.items()}
    mime = headers.get("content-type", "").split(";")[0].strip().lower()
    disposition = headers.get("content-disposition", "")
    name = ""
    if match := _FILENAME.search(disposition):
        name = unquote(match.group(1).strip())
    if not name:
        last = unquote(urlsplit(response.url).path.rsplit("/", 1)[-1])
        name = last if "." in last.strip(".") else ""
    name = name.replace("/", "_").replace("\\", "_")
    if not response.body:
        return None
    attachment = "attachment" in disposition.lower() or bool(_FILENAME.search(disposition))
    if mime.startswith("text/") or any(marker in mime for marker in _TEXT_MARKERS):
        return (mime, name) if attachment else None
    if attachment or mime.split("/", 1)[0] in _FILE_MAJORS:
        return mime or "application/octet-stream", name
    if mime in ("", "application/octet-stream", "binary/octet-stream"):
        return None if _looks_like_text(response.body) else ("application/octet-stream", name)
    return (mime, name) if mime.startswith("application/") else None
