"""document-extractor: the text of uploaded files (a file variable or a list of them), for later nodes."""

from typing import Any
from uuid import UUID

from domain.files.entities import FileReader
from domain.files.ports import FileStorage
from domain.knowledge.services import TextExtractor
from domain.shared.errors import DomainError
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeFailed, NodeResult


def _file_id(value: Any) -> UUID | None:
    """A file variable as Dify passes it: an object with upload_file_id / related_id / id, or a bare id."""
    raw = (
        value.get("upload_file_id") or value.get("related_id") or value.get("id") if isinstance(value, dict) else value
    )
    try:
        return UUID(str(raw)) if raw else None
    except ValueError:
        return None


class DocumentExtractorExecutor:
    """Rules: a file is read only if the run may read it (UploadFile.readable_by: uploaded by the run's own
    end user, or by the app's owner; stricter than Dify, which checks the workspace only), any other file is
    "not found"; a single file gives `text` as a string, a list of files a list of strings (Dify); an unknown
    or unreadable file fails the node with its name."""

    def __init__(self, uow: UnitOfWorkFactory, storage: FileStorage, extractor: TextExtractor) -> None:
        self._uow = uow
        self._storage = storage
        self._extractor = extractor

    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        value = context.pool.get(list(node.data.get("variable_selector") or []))
        files = [item for item in (value if isinstance(value, list) else [value]) if item is not None]
        reader = await self._reader(context) if files else None
        texts = [await self._text(reader, item) for item in files]
        text: Any = texts if isinstance(value, list) else (texts[0] if texts else "")
        return NodeResult(outputs={"text": text}, inputs={"variable_selector": node.data.get("variable_selector")})

    async def _reader(self, context: NodeContext) -> FileReader | None:
        """Who the run reads for: its creator (the end user, or the account of a console run) and its app."""
        async with self._uow() as uow:
            run = await uow.workflow_runs.get(context.run.run_id)
            app = await uow.apps.get(context.run.app_id)
        if run is None or app is None or app.tenant_id != context.run.tenant_id:
            return None
        return FileReader(app.tenant_id, app.created_by, run.created_by_role, run.created_by)

    async def _text(self, reader: FileReader | None, value: Any) -> str:
        file_id = _file_id(value)
        if file_id is None:
            raise NodeFailed("document-extractor needs a file (an uploaded file's id).")
        async with self._uow() as uow:
            upload = await uow.uploads.get(file_id)
        if upload is None or reader is None or not upload.readable_by(reader):
            raise NodeFailed(f"File {file_id} not found.")
        try:
            return await self._extractor.extract(await self._storage.load(upload.key), upload.extension)
        except (DomainError, FileNotFoundError) as error:
            raise NodeFailed(f"Could not extract text from {upload.name}: {error}") from error
