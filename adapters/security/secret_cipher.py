import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_PREFIX = "v1:"


class AesGcmSecretCipher:
    """AES-256-GCM with a key derived from SECRET_KEY (HKDF-like SHA-256 with a purpose label).

    Changing SECRET_KEY makes stored provider secrets unreadable, as in Dify; they must be entered again.
    """

    def __init__(self, secret_key: str, purpose: str = "weir provider credentials") -> None:
        self._aead = AESGCM(hashlib.sha256(f"{purpose}\x00{secret_key}".encode()).digest())

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), None)
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, ciphertext: str) -> str:
        if not ciphertext.startswith(_PREFIX):
            raise ValueError("not a weir ciphertext")
        raw = base64.urlsafe_b64decode(ciphertext[len(_PREFIX):])
        try:
            return self._aead.decrypt(raw[:12], raw[12:], None).decode()
        except InvalidTag:
            raise ValueError("ciphertext was tampered with or sealed with another SECRET_KEY") from None
