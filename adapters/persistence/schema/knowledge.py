"""Datasets, documents, segments, child chunks and the embedding cache (Dify's knowledge tables)."""

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from adapters.persistence.schema.base import at_column, id_column, metadata


def _uuid(name: str, *args, **kwargs) -> Column:
    return Column(name, UUID(as_uuid=True), *args, **kwargs)


datasets = Table(
    "datasets",
    metadata,
    id_column(),
    _uuid("tenant_id", ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("provider", String(255), nullable=False, server_default="vendor"),
    Column("permission", String(255), nullable=False, server_default="only_me"),
    Column("data_source_type", String(255)),
    Column("indexing_technique", String(255)),
    Column("index_struct", Text),
    _uuid("created_by"),
    at_column("created_at"),
    _uuid("updated_by"),
    at_column("updated_at"),
    Column("embedding_model", String(255)),
    Column("embedding_model_provider", String(255)),
    Column("keyword_number", Integer, nullable=False, server_default="10"),
    Column("retrieval_model", JSONB),
    Column("doc_form", String(255)),
    Column("built_in_field_enabled", Boolean, nullable=False, server_default=text("false")),
    Column("enable_api", Boolean, nullable=False, server_default=text("true")),
    Column("is_multimodal", Boolean, nullable=False, server_default=text("false")),
    UniqueConstraint("tenant_id", "name"),
    Index(None, "tenant_id", "created_at"),
)

dataset_process_rules = Table(
    "dataset_process_rules",
    metadata,
    id_column(),
    _uuid("dataset_id", ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
    Column("mode", String(255), nullable=False, server_default="automatic"),
    Column("rules", JSONB),
    _uuid("created_by"),
    at_column("created_at"),
    Index(None, "dataset_id"),
)

documents = Table(
    "documents",
    metadata,
    id_column(),
    _uuid("tenant_id", nullable=False),
    _uuid("dataset_id", ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("data_source_type", String(255), nullable=False),
    Column("data_source_info", JSONB),
    _uuid("dataset_process_rule_id"),
    Column("batch", String(255), nullable=False),
    Column("name", String(255), nullable=False),
    Column("created_from", String(255), nullable=False),
    _uuid("created_by"),
    at_column("created_at"),
    at_column("updated_at"),
    at_column("processing_started_at", nullable=True),
    at_column("parsing_completed_at", nullable=True),
    at_column("cleaning_completed_at", nullable=True),
    at_column("splitting_completed_at", nullable=True),
    at_column("completed_at", nullable=True),
    Column("word_count", Integer, nullable=False, server_default="0"),
    Column("tokens", Integer, nullable=False, server_default="0"),
    Column("indexing_latency", Float),
    Column("is_paused", Boolean, nullable=False, server_default=text("false")),
    at_column("paused_at", nullable=True),
    Column("error", Text),
    at_column("stopped_at", nullable=True),
    Column("indexing_status", String(255), nullable=False, server_default="waiting"),
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    at_column("disabled_at", nullable=True),
    _uuid("disabled_by"),
    Column("archived", Boolean, nullable=False, server_default=text("false")),
    at_column("archived_at", nullable=True),
    _uuid("archived_by"),
    Column("hit_count", Integer, nullable=False, server_default="0"),
    Column("doc_form", String(255), nullable=False, server_default="text_model"),
    Column("doc_language", String(255)),
    Column("doc_metadata", JSONB),
    Index(None, "dataset_id", "position"),
    Index(None, "dataset_id", "batch"),
    Index(None, "indexing_status", "updated_at"),
)

document_segments = Table(
    "document_segments",
    metadata,
    id_column(),
    _uuid("tenant_id", nullable=False),
    _uuid("dataset_id", nullable=False),
    _uuid("document_id", ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("content", Text, nullable=False),
    Column("answer", Text),
    Column("word_count", Integer, nullable=False),
    Column("tokens", Integer, nullable=False),
    Column("keywords", JSONB),
    Column("index_node_id", String(255)),
    Column("index_node_hash", String(255)),
    Column("hit_count", Integer, nullable=False, server_default="0"),
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    at_column("disabled_at", nullable=True),
    _uuid("disabled_by"),
    Column("status", String(255), nullable=False, server_default="waiting"),
    _uuid("created_by"),
    at_column("created_at"),
    _uuid("updated_by"),
    at_column("updated_at"),
    at_column("indexing_at", nullable=True),
    at_column("completed_at", nullable=True),
    Column("error", Text),
    at_column("stopped_at", nullable=True),
    Index(None, "document_id", "position"),
    Index(None, "dataset_id"),
)

child_chunks = Table(
    "child_chunks",
    metadata,
    id_column(),
    _uuid("tenant_id", nullable=False),
    _uuid("dataset_id", nullable=False),
    _uuid("document_id", nullable=False),
    _uuid("segment_id", ForeignKey("document_segments.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("content", Text, nullable=False),
    Column("word_count", Integer, nullable=False),
    Column("index_node_id", String(255)),
    Column("index_node_hash", String(255)),
    Column("type", String(255), nullable=False, server_default="automatic"),
    _uuid("created_by"),
    at_column("created_at"),
    _uuid("updated_by"),
    at_column("updated_at"),
    at_column("indexing_at", nullable=True),
    at_column("completed_at", nullable=True),
    Column("error", Text),
    Index(None, "segment_id", "position"),
    Index(None, "dataset_id"),
)

embeddings = Table(
    "embeddings",
    metadata,
    id_column(),
    Column("model_name", String(255), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("embedding", LargeBinary, nullable=False),
    Column("provider_name", String(255), nullable=False, server_default=""),
    at_column("created_at"),
    UniqueConstraint("model_name", "hash", "provider_name"),
)

dataset_metadatas = Table(
    "dataset_metadatas",
    metadata,
    id_column(),
    _uuid("tenant_id", nullable=False),
    _uuid("dataset_id", ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(255), nullable=False),
    Column("name", String(255), nullable=False),
    _uuid("created_by"),
    at_column("created_at"),
    _uuid("updated_by"),
    at_column("updated_at"),
    UniqueConstraint("dataset_id", "name"),
)

tags = Table(
    "tags",
    metadata,
    id_column(),
    _uuid("tenant_id", ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(16), nullable=False),
    Column("name", String(255), nullable=False),
    _uuid("created_by"),
    at_column("created_at"),
    Index(None, "tenant_id", "type", "name"),
)

tag_bindings = Table(
    "tag_bindings",
    metadata,
    id_column(),
    _uuid("tenant_id", nullable=False),
    _uuid("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), nullable=False),
    _uuid("target_id", nullable=False),
    _uuid("created_by"),
    at_column("created_at"),
    UniqueConstraint("tag_id", "target_id"),
    Index(None, "target_id"),
)

# Keyword search reads the chunks' text word for word (to_tsvector 'simple'); created in migration 0004.
for _table in (document_segments, child_chunks):
    Index(f"ix_{_table.name}_content_tsv", func.to_tsvector(text("'simple'::regconfig"), _table.c.content),
          postgresql_using="gin")


dataset_queries = Table(
    "dataset_queries",
    metadata,
    id_column(),
    _uuid("dataset_id", ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
    Column("content", Text, nullable=False),
    Column("source", String(255), nullable=False),
    _uuid("source_app_id"),
    Column("created_by_role", String(255), nullable=False),
    _uuid("created_by"),
    at_column("created_at"),
    Index(None, "dataset_id", "created_at"),
)

# beyond Dify's tables (Dify keeps a job's status in Redis for 10 minutes): a CSV import of chunks into a
# document, with the rows still to add until it ends.
segment_import_jobs = Table(
    "segment_import_jobs",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    _uuid("tenant_id", nullable=False),
    _uuid("dataset_id", ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
    _uuid("document_id", ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    _uuid("account_id"),
    Column("status", String(16), nullable=False),
    Column("total", Integer, nullable=False, server_default="0"),
    Column("imported", Integer, nullable=False, server_default="0"),
    Column("error", Text, nullable=False, server_default=""),
    Column("rows", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    at_column("created_at"),
    at_column("updated_at"),
)
