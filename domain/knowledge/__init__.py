"""Knowledge bases: process rules, cleaning, chunking, retrieval score fusion, and the embedder and
vector store ports."""
