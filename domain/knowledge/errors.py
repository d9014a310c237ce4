from domain.shared.errors import DomainError, Forbidden, NotFound, StoreUnavailable


class VectorStoreUnavailable(StoreUnavailable):
    """The vector store could not be reached or failed; nothing was written or read."""

    default_message = "The vector store is unavailable."


class VectorDimensionMismatch(DomainError):
    """A vector's length differs from the dimension of its collection."""

    def __init__(self, collection: str, expected: int, got: int) -> None:
        super().__init__(f"Collection {collection} holds vectors of dimension {expected}, got {got}.")
        self.collection = collection
        self.expected = expected
        self.got = got


class VectorCollectionNotFound(DomainError):
    def __init__(self, collection: str) -> None:
        super().__init__(f"Vector collection {collection} does not exist.")
        self.collection = collection


class EmbeddingUnavailable(StoreUnavailable):
    """The embedding model could not be run or reached; no vector was produced."""

    default_message = "The embedding model is unavailable."


class DatasetNotFound(NotFound):
    default_message = "Dataset not found."


class DatasetApiDisabled(Forbidden):
    default_message = "Dataset api access is not enabled."


class DatasetNameDuplicate(DomainError):
    default_message = "The dataset name already exists. Please modify your dataset name."


class DatasetNotInitialized(DomainError):
    default_message = "The dataset is still being initialized or indexing. Please wait a moment."


class DocumentNotFound(NotFound):
    default_message = "Document not found."


class SegmentNotFound(NotFound):
    default_message = "Segment not found."


class ChildChunkNotFound(NotFound):
    default_message = "Child chunk not found."


class ArchivedDocumentImmutable(Forbidden):
    default_message = "The archived document is not editable."


class DocumentIndexing(DomainError):
    default_message = "The document is being processed and cannot be edited."


class SegmentImportNotFound(NotFound):
    default_message = "The job does not exist."


class DocumentNotCompleted(NotFound):
    default_message = "Document is not completed."


class DocumentDisabled(NotFound):
    default_message = "Document is disabled."


class InvalidAction(DomainError):
    def __init__(self, action: str) -> None:
        super().__init__(f"Unknown action: {action}.")


class InvalidStatusTransition(DomainError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"A document cannot go from {current} to {target}.")


class DocumentAlreadyFinished(DomainError):
    default_message = "The document has been processed. Please refresh the page or go to the document details."


class NoFileUploaded(DomainError):
    default_message = "Please upload your file."


class UnsupportedFileType(DomainError):
    default_message = "File type not allowed."


class FileTooLarge(DomainError):
    default_message = "File size exceeded."


class ExtractionFailed(DomainError):
    """The file could not be read as text (corrupt or encrypted); the document ends in error."""


class NoWebsiteCrawler(DomainError):
    default_message = (
        "No website crawler is configured: weir has no Firecrawl, WaterCrawl or Jina Reader provider, so a site "
        "cannot be crawled. Upload the pages as files instead."
    )

