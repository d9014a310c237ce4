import asyncio
from collections.abc import Callable

from adapters.extraction.formats import decode, read_csv, read_docx, read_html, read_json, read_pdf
from domain.knowledge.errors import ExtractionFailed, UnsupportedFileType

_READERS: dict[str, Callable[[bytes], str]] = {
    "txt": decode, "text": decode, "md": decode, "markdown": decode, "mdx": decode,
    "html": read_html, "htm": read_html, "pdf": read_pdf, "docx": read_docx, "csv": read_csv, "json": read_json,
}


class FileTextExtractor:
    """Reads by extension, off the event loop (PDF and DOCX parsing is CPU work)."""

    def supports(self, extension: str) -> bool:
        return extension.lower() in _READERS

    def extensions(self) -> tuple[str, ...]:
        return tuple(_READERS)

    async def extract(self, data: bytes, extension: str) -> str:
        reader = _READERS.get(extension.lower())
        if reader is None:
            raise UnsupportedFileType()
        try:
            return await asyncio.to_thread(reader, data)
        except Exception as error:  # every library has its own errors for a corrupt or encrypted file
            raise ExtractionFailed(f"Could not read the {extension} file: {error}") from error
