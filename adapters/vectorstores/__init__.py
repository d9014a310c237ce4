"""Vector store adapters: PostgreSQL with pgvector, Milvus (a server or Milvus Lite), and in memory."""
