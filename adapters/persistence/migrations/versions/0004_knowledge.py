"""knowledge: datasets, process rules, documents, segments, child chunks, embedding cache

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 14:49:37.786410
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('embeddings',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('model_name', sa.String(length=255), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('embedding', sa.LargeBinary(), nullable=False),
    sa.Column('provider_name', sa.String(length=255), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_embeddings')),
    sa.UniqueConstraint('model_name', 'hash', 'provider_name', name=op.f('uq_embeddings_model_name_hash_provider_name'))
    )
    op.create_table('datasets',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('provider', sa.String(length=255), server_default='vendor', nullable=False),
    sa.Column('permission', sa.String(length=255), server_default='only_me', nullable=False),
    sa.Column('data_source_type', sa.String(length=255), nullable=True),
    sa.Column('indexing_technique', sa.String(length=255), nullable=True),
    sa.Column('index_struct', sa.Text(), nullable=True),
    sa.Column('created_by', sa.UUID(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_by', sa.UUID(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('embedding_model', sa.String(length=255), nullable=True),
    sa.Column('embedding_model_provider', sa.String(length=255), nullable=True),
    sa.Column('keyword_number', sa.Integer(), server_default='10', nullable=False),
    sa.Column('retrieval_model', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('doc_form', sa.String(length=255), nullable=True),
    sa.Column('built_in_field_enabled', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('enable_api', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('is_multimodal', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_datasets_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_datasets')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_datasets_tenant_id_name'))
    )
    op.create_index(op.f('ix_datasets_tenant_id_created_at'), 'datasets', ['tenant_id', 'created_at'], unique=False)
    op.create_table('dataset_process_rules',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('dataset_id', sa.UUID(), nullable=False),
    sa.Column('mode', sa.String(length=255), server_default='automatic', nullable=False),
    sa.Column('rules', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_by', sa.UUID(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_dataset_process_rules_dataset_id_datasets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dataset_process_rules'))
    )
    op.create_index(op.f('ix_dataset_process_rules_dataset_id'), 'dataset_process_rules', ['dataset_id'], unique=False)
    op.create_table('documents',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('dataset_id', sa.UUID(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('data_source_type', sa.String(length=255), nullable=False),
    sa.Column('data_source_info', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('dataset_process_rule_id', sa.UUID(), nullable=True),
    sa.Column('batch', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('created_from', sa.String(length=255), nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('processing_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('parsing_completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cleaning_completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('splitting_completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('word_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('tokens', sa.Integer(), server_default='0', nullable=False),
    sa.Column('indexing_latency', sa.Float(), nullable=True),
    sa.Column('is_paused', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('indexing_status', sa.String(length=255), server_default='waiting', nullable=False),
    sa.Column('enabled', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('disabled_by', sa.UUID(), nullable=True),
    sa.Column('archived', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('archived_by', sa.UUID(), nullable=True),
    sa.Column('hit_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('doc_form', sa.String(length=255), server_default='text_model', nullable=False),
    sa.Column('doc_language', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_documents_dataset_id_datasets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    op.create_index(op.f('ix_documents_dataset_id_batch'), 'documents', ['dataset_id', 'batch'], unique=False)
    op.create_index(op.f('ix_documents_dataset_id_position'), 'documents', ['dataset_id', 'position'], unique=False)
    op.create_index(op.f('ix_documents_indexing_status_updated_at'), 'documents', ['indexing_status', 'updated_at'], unique=False)
    op.create_table('document_segments',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('dataset_id', sa.UUID(), nullable=False),
    sa.Column('document_id', sa.UUID(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('tokens', sa.Integer(), nullable=False),
    sa.Column('keywords', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('index_node_id', sa.String(length=255), nullable=True),
    sa.Column('index_node_hash', sa.String(length=255), nullable=True),
    sa.Column('hit_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('enabled', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('disabled_by', sa.UUID(), nullable=True),
    sa.Column('status', sa.String(length=255), server_default='waiting', nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_by', sa.UUID(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('indexing_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_segments_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_segments'))
    )
    op.create_index(op.f('ix_document_segments_dataset_id'), 'document_segments', ['dataset_id'], unique=False)
    op.create_index(op.f('ix_document_segments_document_id_position'), 'document_segments', ['document_id', 'position'], unique=False)
    op.create_table('child_chunks',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('dataset_id', sa.UUID(), nullable=False),
    sa.Column('document_id', sa.UUID(), nullable=False),
    sa.Column('segment_id', sa.UUID(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('index_node_id', sa.String(length=255), nullable=True),
    sa.Column('index_node_hash', sa.String(length=255), nullable=True),
    sa.Column('type', sa.String(length=255), server_default='automatic', nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_by', sa.UUID(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('indexing_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['segment_id'], ['document_segments.id'], name=op.f('fk_child_chunks_segment_id_document_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child_chunks'))
    )
    op.create_index(op.f('ix_child_chunks_dataset_id'), 'child_chunks', ['dataset_id'], unique=False)
    op.create_index(op.f('ix_child_chunks_segment_id_position'), 'child_chunks', ['segment_id', 'position'], unique=False)

    op.create_table('tags',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_tags_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tags'))
    )
    op.create_index(op.f('ix_tags_tenant_id_type_name'), 'tags', ['tenant_id', 'type', 'name'], unique=False)
    op.create_table('tag_bindings',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('tag_id', sa.UUID(), nullable=False),
    sa.Column('target_id', sa.UUID(), nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_tag_bindings_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tag_bindings')),
    sa.UniqueConstraint('tag_id', 'target_id', name=op.f('uq_tag_bindings_tag_id_target_id'))
    )
    op.create_index(op.f('ix_tag_bindings_target_id'), 'tag_bindings', ['target_id'], unique=False)
    # Keyword search (economy datasets, full_text_search) over the stored chunks, word for word.
    op.execute("CREATE INDEX ix_document_segments_content_tsv ON document_segments "
               "USING gin (to_tsvector('simple', content))")
    op.execute("CREATE INDEX ix_child_chunks_content_tsv ON child_chunks USING gin (to_tsvector('simple', content))")

def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_child_chunks_content_tsv")
    op.execute("DROP INDEX IF EXISTS ix_document_segments_content_tsv")
    op.drop_index(op.f('ix_tag_bindings_target_id'), table_name='tag_bindings')
    op.drop_table('tag_bindings')
    op.drop_index(op.f('ix_tags_tenant_id_type_name'), table_name='tags')
    op.drop_table('tags')
    op.drop_index(op.f('ix_child_chunks_segment_id_position'), table_name='child_chunks')
    op.drop_index(op.f('ix_child_chunks_dataset_id'), table_name='child_chunks')
    op.drop_table('child_chunks')
    op.drop_index(op.f('ix_document_segments_document_id_position'), table_name='document_segments')
    op.drop_index(op.f('ix_document_segments_dataset_id'), table_name='document_segments')
    op.drop_table('document_segments')
    op.drop_index(op.f('ix_documents_indexing_status_updated_at'), table_name='documents')
    op.drop_index(op.f('ix_documents_dataset_id_position'), table_name='documents')
    op.drop_index(op.f('ix_documents_dataset_id_batch'), table_name='documents')
    op.drop_table('documents')
    op.drop_index(op.f('ix_dataset_process_rules_dataset_id'), table_name='dataset_process_rules')
    op.drop_table('dataset_process_rules')
    op.drop_index(op.f('ix_datasets_tenant_id_created_at'), table_name='datasets')
    op.drop_table('datasets')
    op.drop_table('embeddings')
