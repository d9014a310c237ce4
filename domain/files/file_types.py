"""A file's type and transfer method, as Dify names them, and how a file's type is told from its name."""

from enum import StrEnum


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
