"""Names of vector collections, and the identifiers every vector store accepts."""

import re
from uuid import UUID

_COLLECTION = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,52}")
_META_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def collection_for_dataset(dataset_id: UUID) -> str:
    """Dify's name: `Vector_index_<dataset id with underscores>_Node`."""
    return f"Vector_index_{str(dataset_id).replace('-', '_')}_Node"


def check_collection_name(name: str) -> str:
    """The name, if every store can use it as an identifier (PostgreSQL allows 63 bytes with `embedding_`)."""
    if not _COLLECTION.fullmatch(name):
        raise ValueError(f"invalid vector collection name: {name!r}")
    return name


def check_metadata_key(key: str) -> str:
    if not _META_KEY.fullmatch(key):
        raise ValueError(f"invalid metadata key: {key!r}")
    return key
