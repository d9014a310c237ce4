"""Names of vector collections, and the identifiers every vector store accepts."""

import re
from uuid import UUID

_COLLECTION = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,52}")
_META_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def collection_for_dataset(dataset_id: UUID) -> str:
    """`Vector_index_<dataset id as 32 hex digits>_Node`: Dify's shape, but Dify's dashes-as-underscores
    form is 54 characters, one too many for pgvector's `embedding_<name>` table (63 bytes)."""
    return f"Vector_index_{dataset_id.hex}_Node"


def check_collection_name(name: str) -> str:
    """The name, if every store can use it as an identifier (PostgreSQL allows 63 bytes with `embedding_`)."""
    if not _COLLECTION.fullmatch(name):
        raise ValueError(f"invalid vector collection name: {name!r}")
    return name


def check_metadata_key(key: str) -> str:
    if not _META_KEY.fullmatch(key):
        raise ValueError(f"invalid metadata key: {key!r}")
    return key
