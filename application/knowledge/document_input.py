"""What create-by-text/-file and update-by-text/-file share: checking the upload and storing it."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from application.knowledge.guards import Actor
from domain.knowledge.document import DocForm
from domain.knowledge.errors import FileTooLarge, NoFileUploaded, UnsupportedFileType
from domain.knowledge.process_rule import ProcessMode, ProcessRule, parse_process_rule
from domain.knowledge.repositories import UploadedFile
from domain.knowledge.services import FileStore, TextExtractor
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator

MAX_UPLOAD_BYTES = 15 * 1024 * 1024  # Dify's UPLOAD_FILE_SIZE_LIMIT default


@dataclass(frozen=True, slots=True)
class Upload:
    """The content of a document: a file, or the text of create-by-text (stored as `<name>.txt`)."""

    file_name: str
    data: bytes
    mime_type: str | None = None

    @classmethod
    def of_text(cls, name: str, text: object) -> "Upload":
        if not isinstance(text, str) or not text.strip():
            raise InvalidParam("text is required.", param="text")
        return cls(file_name=f"{name}.txt", data=text.encode(), mime_type="text/plain")

    @property
    def extension(self) -> str:
        stem, dot, extension = self.file_name.rpartition(".")
        return extension.lower() if dot and stem else ""


def check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidParam("name is required.", param="name")
    if len(name) > 255:
        raise InvalidParam("name must be at most 255 characters.", param="name")
    return name.strip()


def parse_doc_form(value: object) -> DocForm:
    if value is None or value == "":
        return DocForm.TEXT
    if value not in tuple(DocForm):
        raise InvalidParam("Invalid doc_form.", param="doc_form")
    return DocForm(value)


def rule_for(doc_form: DocForm, raw: Any) -> ProcessRule:
    rule = parse_process_rule(raw)
    if doc_form is DocForm.HIERARCHICAL and rule.mode is not ProcessMode.HIERARCHICAL:
        raise InvalidParam("A hierarchical_model document needs a hierarchical process rule.", param="process_rule")
    if doc_form is DocForm.TEXT and rule.mode is ProcessMode.HIERARCHICAL:
        raise InvalidParam("A hierarchical process rule needs doc_form hierarchical_model.", param="doc_form")
    return rule


def check_upload(upload: Upload | None, extractor: TextExtractor) -> Upload:
    if upload is None or not upload.file_name:
        raise NoFileUploaded()
    if not extractor.supports(upload.extension):
        raise UnsupportedFileType()
    if len(upload.data) > MAX_UPLOAD_BYTES:
        raise FileTooLarge(f"File size exceeded. {len(upload.data)} > {MAX_UPLOAD_BYTES}")
    return upload


async def store_upload(files: FileStore, ids: IdGenerator, actor: Actor, upload: Upload, now: datetime) -> UploadedFile:
    upload_id = ids.new_id()
    key = f"upload_files/{actor.tenant_id}/{upload_id}.{upload.extension}"
    await files.save(key, upload.data)
    return UploadedFile(
        id=upload_id, tenant_id=actor.tenant_id, name=upload.file_name, key=key, size=len(upload.data),
        extension=upload.extension, mime_type=upload.mime_type, created_by=actor.account_id, created_at=now,
    )


def new_batch(now: datetime, ids: IdGenerator) -> str:
    return f"{now:%Y%m%d%H%M%S}{ids.new_id().int % 1_000_000:06d}"


def source_info(upload: UploadedFile) -> dict[str, Any]:
    return {"upload_file_id": str(upload.id)}
