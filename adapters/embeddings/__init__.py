"""Embedding model adapters: the local all-MiniLM-L6-v2 (ONNX, int8) and any OpenAI-compatible endpoint."""
