"""Use cases of knowledge bases: datasets, documents, the indexing pipeline, segments and retrieval."""
