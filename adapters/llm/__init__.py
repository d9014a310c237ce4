"""Chat models and tokenizers: OpenAI-compatible HTTP providers, tiktoken counting."""
