from domain.shared.errors import DomainError, StoreUnavailable


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
