"""Wiring of the knowledge context: its unit of work, vector stores, embedders and use cases."""

from collections.abc import Callable
from pathlib import Path

from dependency_injector import containers, providers

from adapters.embeddings.catalog import LocalEmbedderCatalog, WorkspaceEmbedderCatalog
from adapters.embeddings.local_onnx import LocalOnnxEmbedder
from adapters.extraction.file_text_extractor import FileTextExtractor
from adapters.llm.rerank_http import HttpRerankModelFactory
from adapters.llm.tiktoken_counter import TiktokenCounter
from adapters.persistence.knowledge_embedding_cache import PostgresEmbeddingCache
from adapters.persistence.knowledge_keyword_index import PostgresKeywordIndex
from adapters.persistence.knowledge_unit_of_work import SqlaKnowledgeUnitOfWork
from adapters.queue.indexing_dispatcher import TaskiqIndexingQueue
from adapters.queue.segment_import_dispatcher import TaskiqSegmentImportQueue
from adapters.storage.local_files import LocalFileStorage
from adapters.vectorstores.memory import InMemoryVectorStore
from adapters.vectorstores.pgvector import PgvectorVectorStore
from application.knowledge.batch_actions import DeleteDocuments, DeleteSegments, SetSegmentsEnabled
from application.knowledge.bind_tags import BindTags
from application.knowledge.create_child_chunk import CreateChildChunk
from application.knowledge.create_dataset import CreateDataset
from application.knowledge.create_document import CreateDocument
from application.knowledge.create_segments import CreateSegments
from application.knowledge.create_tag import CreateTag
from application.knowledge.dataset_api_access import CheckDatasetApiAccess, SetDatasetApiAccess
from application.knowledge.delete_child_chunk import DeleteChildChunk
from application.knowledge.delete_dataset import DeleteDataset
from application.knowledge.delete_document import DeleteDocument
from application.knowledge.delete_segment import DeleteSegment
from application.knowledge.delete_tag import DeleteTag
from application.knowledge.estimate_indexing import EstimateDocumentIndexing
from application.knowledge.get_dataset import GetDataset
from application.knowledge.get_document import DocumentProcessRule, GetDocument
from application.knowledge.get_document_file import GetDocumentFile
from application.knowledge.get_indexing_status import GetDocumentIndexingStatus, GetIndexingStatus, ListErrorDocuments
from application.knowledge.get_segment import GetSegment
from application.knowledge.hit_testing import HitTest, ListDatasetQueries
from application.knowledge.index_document import IndexDocument
from application.knowledge.list_child_chunks import ListChildChunks
from application.knowledge.list_dataset_tags import ListDatasetTags
from application.knowledge.list_datasets import ListDatasets
from application.knowledge.list_documents import ListDocuments
from application.knowledge.list_embedding_models import ListEmbeddingModels
from application.knowledge.list_segments import ListSegments
from application.knowledge.list_tags import ListTags
from application.knowledge.metadata_fields import (
    CreateMetadataField,
    DeleteMetadataField,
    ListMetadataFields,
    RenameMetadataField,
    SetDocumentMetadata,
    ToggleBuiltInMetadata,
)
from application.knowledge.pause_document import PauseDocument
from application.knowledge.recover_documents import RecoverDocuments
from application.knowledge.recover_segment_imports import RecoverSegmentImports
from application.knowledge.reindex_datasets import ReindexDatasets
from application.knowledge.rename_document import RenameDocument
from application.knowledge.rename_tag import RenameTag
from application.knowledge.rerank_step import RerankStep
from application.knowledge.resolve_actor import ResolveActor
from application.knowledge.resume_document import ResumeDocument
from application.knowledge.retrieve import Retrieve
from application.knowledge.retry_documents import RetryDocuments
from application.knowledge.run_segment_import import RunSegmentImport
from application.knowledge.segment_import_status import GetSegmentImport
from application.knowledge.segment_index import SegmentIndexer
from application.knowledge.set_documents_status import SetDocumentsStatus
from application.knowledge.update_child_chunk import UpdateChildChunk
from application.knowledge.update_dataset import UpdateDataset
from application.knowledge.update_document import UpdateDocument
from application.knowledge.update_segment import UpdateSegment
from application.knowledge.write_qa_pairs import LlmQuestionWriter
from application.knowledge.zip_documents import ZipDocuments

# Chunk sizes are counted with cl100k_base whatever the embedding model (Dify counts with GPT-2's BPE).
CHUNKING_TOKENIZER_MODEL = "text-embedding-ada-002"


def milvus_vector_store(uri: str, *, hnsw_m: int, hnsw_ef_construction: int, hnsw_ef: int, **options):
    """The Milvus adapter, imported only when Milvus is the vector store: pymilvus (with pandas and grpc) costs
    seconds and over 100 MB at start-up in every process that never talks to Milvus."""
    from adapters.vectorstores.milvus import HnswParams, MilvusVectorStore

    hnsw = HnswParams(m=hnsw_m, ef_construction=hnsw_ef_construction, ef=hnsw_ef)
    return MilvusVectorStore(uri, hnsw=hnsw, **options)


def milvus_uri(storage_path: str, configured: str | None = None) -> str:
    """MILVUS_URI when set (a file path: Milvus Lite; a URL: a Milvus server), else STORAGE_PATH/milvus.db."""
    return configured or str(Path(storage_path) / "milvus.db")


def chunk_token_counter(counter: TiktokenCounter) -> Callable[[str], int]:
    return lambda text: counter.count_text(text, CHUNKING_TOKENIZER_MODEL)


class KnowledgeContainer(containers.DeclarativeContainer):
    # Given by the root container (entrypoints/container.py).
    config = providers.Configuration()
    engine = providers.Dependency()
    session_factory = providers.Dependency()
    clock = providers.Dependency()
    ids = providers.Dependency()
    broker = providers.Dependency()
    metrics_sink = providers.Dependency()
    # async (tenant_id) -> the workspace's model providers (for OpenAI-compatible embedding models)
    providers_of = providers.Dependency()
    resolve_model = providers.Dependency()  # the models context's (Q&A documents are written by the LLM)

    uow = providers.Factory(SqlaKnowledgeUnitOfWork, session_factory)
    uow_factory = uow.provider  # use cases open a new unit of work per transaction
    vector_store = providers.Selector(
        config.vector_store,
        pgvector=providers.Singleton(PgvectorVectorStore, engine),
        milvus=providers.Singleton(
            milvus_vector_store,
            providers.Callable(milvus_uri, config.storage_path, config.milvus.uri),
            token=config.milvus.token,
            db_name=config.milvus.database,
            hnsw_m=config.milvus.hnsw_m,
            hnsw_ef_construction=config.milvus.hnsw_ef_construction,
            hnsw_ef=config.milvus.hnsw_ef,
        ),
        memory=providers.Singleton(InMemoryVectorStore),
    )
    local_embedder = providers.Singleton(LocalOnnxEmbedder)
    catalog = providers.Singleton(
        WorkspaceEmbedderCatalog, providers.Singleton(LocalEmbedderCatalog, local_embedder), providers_of
    )
    embedding_cache = providers.Singleton(PostgresEmbeddingCache, session_factory, clock, ids)
    keyword_index = providers.Singleton(PostgresKeywordIndex, session_factory)
    files = providers.Singleton(LocalFileStorage, providers.Callable(Path, config.storage_path))
    extractor = providers.Singleton(FileTextExtractor)
    indexing_queue = providers.Singleton(TaskiqIndexingQueue, broker)
    segment_import_queue = providers.Singleton(TaskiqSegmentImportQueue, broker)
    count_tokens = providers.Singleton(chunk_token_counter, providers.Singleton(TiktokenCounter))
    indexer = providers.Factory(SegmentIndexer, catalog, embedding_cache, vector_store)

    resolve_actor = providers.Factory(ResolveActor, uow_factory)
    create_dataset = providers.Factory(CreateDataset, uow_factory, clock, ids, catalog)
    list_datasets = providers.Factory(ListDatasets, uow_factory)
    get_dataset = providers.Factory(GetDataset, uow_factory)
    set_dataset_api_access = providers.Factory(SetDatasetApiAccess, uow_factory, clock)
    check_dataset_api_access = providers.Factory(CheckDatasetApiAccess, uow_factory)
    update_dataset = providers.Factory(UpdateDataset, uow_factory, clock, catalog)
    delete_dataset = providers.Factory(DeleteDataset, uow_factory, vector_store)

    create_document = providers.Factory(
        CreateDocument, uow_factory, files, extractor, indexing_queue, catalog, clock, ids
    )
    update_document = providers.Factory(UpdateDocument, uow_factory, files, extractor, indexing_queue, clock, ids)
    list_documents = providers.Factory(ListDocuments, uow_factory)
    get_document = providers.Factory(GetDocument, uow_factory)
    document_process_rule = providers.Factory(DocumentProcessRule, uow_factory)
    get_document_file = providers.Factory(GetDocumentFile, uow_factory)
    zip_documents = providers.Factory(ZipDocuments, uow_factory, files)
    delete_document = providers.Factory(DeleteDocument, uow_factory, vector_store)
    delete_documents = providers.Factory(DeleteDocuments, uow_factory, delete_document)
    rename_document = providers.Factory(RenameDocument, uow_factory, clock)
    set_documents_status = providers.Factory(SetDocumentsStatus, uow_factory, clock)
    get_indexing_status = providers.Factory(GetIndexingStatus, uow_factory)
    get_document_indexing_status = providers.Factory(GetDocumentIndexingStatus, uow_factory)
    list_error_documents = providers.Factory(ListErrorDocuments, uow_factory)
    question_writer = providers.Factory(LlmQuestionWriter, resolve_model)
    estimate_document_indexing = providers.Factory(
        EstimateDocumentIndexing, uow_factory, files, extractor, count_tokens, question_writer
    )
    index_document = providers.Factory(
        IndexDocument,
        uow_factory,
        files,
        extractor,
        catalog,
        embedding_cache,
        vector_store,
        count_tokens,
        clock,
        qa=question_writer,
    )
    recover_documents = providers.Factory(RecoverDocuments, uow_factory, indexing_queue, clock)
    pause_document = providers.Factory(PauseDocument, uow_factory, clock)
    resume_document = providers.Factory(ResumeDocument, uow_factory, indexing_queue, clock)
    retry_documents = providers.Factory(RetryDocuments, uow_factory, indexing_queue, clock, ids)

    create_segments = providers.Factory(CreateSegments, uow_factory, indexer, count_tokens, clock, ids)
    run_segment_import = providers.Factory(RunSegmentImport, uow_factory, create_segments)
    get_segment_import = providers.Factory(GetSegmentImport, uow_factory)
    recover_segment_imports = providers.Factory(RecoverSegmentImports, uow_factory, segment_import_queue, clock)
    list_segments = providers.Factory(ListSegments, uow_factory)
    get_segment = providers.Factory(GetSegment, uow_factory)
    update_segment = providers.Factory(UpdateSegment, uow_factory, indexer, count_tokens, clock)
    delete_segment = providers.Factory(DeleteSegment, uow_factory, indexer)
    set_segments_enabled = providers.Factory(SetSegmentsEnabled, uow_factory, update_segment)
    delete_segments = providers.Factory(DeleteSegments, uow_factory, delete_segment)
    create_child_chunk = providers.Factory(CreateChildChunk, uow_factory, indexer, clock, ids)
    list_child_chunks = providers.Factory(ListChildChunks, uow_factory)
    update_child_chunk = providers.Factory(UpdateChildChunk, uow_factory, indexer, clock)
    delete_child_chunk = providers.Factory(DeleteChildChunk, uow_factory, indexer)

    rerank_models = providers.Singleton(HttpRerankModelFactory)
    rerank_step = providers.Factory(RerankStep, providers_of, rerank_models)
    retrieve = providers.Factory(Retrieve, uow_factory, catalog, vector_store, keyword_index, metrics_sink, rerank_step)
    hit_test = providers.Factory(HitTest, retrieve, uow_factory, clock, ids)
    list_dataset_queries = providers.Factory(ListDatasetQueries, uow_factory)
    list_embedding_models = providers.Factory(ListEmbeddingModels, catalog)
    reindex_datasets = providers.Factory(ReindexDatasets, uow_factory, catalog, embedding_cache, vector_store)

    create_tag = providers.Factory(CreateTag, uow_factory, clock, ids)
    list_tags = providers.Factory(ListTags, uow_factory)
    rename_tag = providers.Factory(RenameTag, uow_factory)
    delete_tag = providers.Factory(DeleteTag, uow_factory)
    bind_tags = providers.Factory(BindTags, uow_factory)
    list_dataset_tags = providers.Factory(ListDatasetTags, uow_factory)

    create_metadata_field = providers.Factory(CreateMetadataField, uow_factory, clock, ids)
    list_metadata_fields = providers.Factory(ListMetadataFields, uow_factory)
    rename_metadata_field = providers.Factory(RenameMetadataField, uow_factory)
    delete_metadata_field = providers.Factory(DeleteMetadataField, uow_factory)
    toggle_built_in_metadata = providers.Factory(ToggleBuiltInMetadata, uow_factory)
    set_document_metadata = providers.Factory(SetDocumentMetadata, uow_factory)
