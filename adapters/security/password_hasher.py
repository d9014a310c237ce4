import asyncio
import base64
import hashlib
import hmac
import os

# scrypt with n=2**14, r=8, p=1 costs ~16 MiB and tens of milliseconds a hash: slow for a guesser,
# cheap for one login. The prefix records the parameters so they can be raised later.
_N, _R, _P = 2**14, 8, 1
_PREFIX = f"scrypt${_N}${_R}${_P}$"
# What an empty or malformed digest (no such account, no password) is checked against: the same work as a
# real one, so the time a login takes does not tell whether the email exists.
_DUMMY_SALT = bytes(16)


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


class ScryptPasswordHasher:
    async def hash(self, password: str) -> tuple[str, str]:
        salt = os.urandom(16)
        digest = await asyncio.to_thread(_derive, password, salt, _N, _R, _P)
        return _PREFIX + base64.b64encode(digest).decode(), base64.b64encode(salt).decode()

    async def verify(self, password: str, digest: str, salt: str) -> bool:
        try:
            scheme, n, r, p, encoded = digest.split("$")
            expected = base64.b64decode(encoded, validate=True)
            salt_bytes = base64.b64decode(salt, validate=True)
            params = int(n), int(r), int(p)
            if scheme != "scrypt" or not expected:
                raise ValueError(scheme)
        except ValueError:  # binascii.Error is one
            await asyncio.to_thread(_derive, password, _DUMMY_SALT, _N, _R, _P)
            return False
        actual = await asyncio.to_thread(_derive, password, salt_bytes, *params)
        return hmac.compare_digest(actual, expected)
