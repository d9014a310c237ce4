"""Signed, expiring file URLs (Dify's `file-preview?timestamp=&nonce=&sign=`): anyone holding the URL may
read the file until it expires; nobody can forge one without the key."""

import base64
import hashlib
import hmac
from uuid import UUID


def file_signature(file_id: UUID, timestamp: int, nonce: str, key: str) -> str:
    message = f"file-preview|{file_id}|{timestamp}|{nonce}".encode()
    return base64.urlsafe_b64encode(hmac.new(key.encode(), message, hashlib.sha256).digest()).decode()


def signature_valid(file_id: UUID, timestamp: int, nonce: str, sign: str, key: str, now: int, ttl: int) -> bool:
    if not 0 <= now - timestamp <= ttl:
        return False
    return hmac.compare_digest(file_signature(file_id, timestamp, nonce, key), sign)
