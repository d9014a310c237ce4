"""FileUrls: Dify's `/files/{id}/file-preview?timestamp=&nonce=&sign=` links under FILES_URL (a relative link
when FILES_URL is unset, as Dify gives)."""

import secrets
import time
from uuid import UUID

from domain.files.signing import file_signature


class SignedFileUrls:
    def __init__(self, base_url: str, key: str) -> None:
        self._base = base_url.rstrip("/")
        self._key = key

    def signed_url(self, file_id: UUID) -> str:
        timestamp, nonce = int(time.time()), secrets.token_hex(8)
        sign = file_signature(file_id, timestamp, nonce, self._key)
        return f"{self._base}/files/{file_id}/file-preview?timestamp={timestamp}&nonce={nonce}&sign={sign}"
