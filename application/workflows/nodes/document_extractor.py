"""document-extractor: the text of files (a file variable or a list of them), for later nodes."""

from typing import Any

from application.files.file_content import FileUnavailable, LoadFileContent
from application.workflows.nodes.file_reader import run_file_reader
from domain.files.entities import FileReader
from domain.knowledge.services import TextExtractor
from domain.shared.errors import DomainError
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeFailed, NodeResult


def _name(value: Any) -> str:
    return str(value.get("filename") or value.get("remote_url") or "") if isinstance(value, dict) else str(value)


class DocumentExtractorExecutor:
    """Rules: a local file is read only if the run may read it (UploadFile.readable_by: uploaded by the run's
    own end user, or by the app's owner; stricter than Dify, which checks the workspace only), any other file
    is "not found"; a remote file is fetched now, through the SSRF guard; a single file gives `text` as a
    string, a list of files a list of strings (Dify); an unknown, unreadable or unfetchable file fails the
    node with its name."""

    def __init__(self, uow: UnitOfWorkFactory, files: LoadFileContent, extractor: TextExtractor) -> None:
        self._uow = uow
        self._files = files
        self._extractor = extractor

    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        value = context.pool.get(list(node.data.get("variable_selector") or []))
        files = [item for item in (value if isinstance(value, list) else [value]) if item is not None]
        reader = await run_file_reader(self._uow, context.run) if files else None
        texts = [await self._text(reader, item) for item in files]
        text: Any = texts if isinstance(value, list) else (texts[0] if texts else "")
        return NodeResult(outputs={"text": text}, inputs={"variable_selector": node.data.get("variable_selector")})

    async def _text(self, reader: FileReader | None, value: Any) -> str:
        try:
            data, extension, _ = await self._files.load(value, reader)
        except FileUnavailable as error:
            raise NodeFailed(error.message) from None
        try:
            return await self._extractor.extract(data, extension)
        except DomainError as error:
            raise NodeFailed(f"Could not extract text from {_name(value)}: {error}") from error
