"""The Knowledge (dataset) Service API under /v1, authenticated with `dataset-…` keys."""

from quart import Blueprint

from domain.knowledge import errors as knowledge

bp = Blueprint("dataset_api", __name__)

# Dify's error codes of the knowledge routes, by domain error class (merged into http/errors.py).
KNOWLEDGE_ERROR_CODES: dict[type[Exception], tuple[str, int]] = {
    knowledge.DatasetNameDuplicate: ("dataset_name_duplicate", 409),
    knowledge.DatasetNotInitialized: ("dataset_not_initialized", 400),
    knowledge.ArchivedDocumentImmutable: ("archived_document_immutable", 403),
    knowledge.DocumentIndexing: ("document_indexing", 400),
    knowledge.DocumentAlreadyFinished: ("document_already_finished", 400),
    knowledge.InvalidAction: ("invalid_action", 400),
    knowledge.InvalidStatusTransition: ("invalid_action", 400),
    knowledge.NoFileUploaded: ("no_file_uploaded", 400),
    knowledge.UnsupportedFileType: ("unsupported_file_type", 415),
    knowledge.FileTooLarge: ("file_too_large", 413),
    knowledge.ExtractionFailed: ("invalid_param", 400),
    knowledge.VectorStoreUnavailable: ("service_unavailable", 503),
    knowledge.EmbeddingUnavailable: ("service_unavailable", 503),
}

from entrypoints.http.dataset_api import (  # noqa: E402, F401
    datasets,
    documents,
    metadata,
    processing,
    retrieval,
    segments,
    tags,
)
