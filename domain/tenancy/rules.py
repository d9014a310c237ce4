"""Input rules for accounts, as Dify enforces them on setup and login."""

import hashlib
import re

from domain.shared.errors import InvalidParam

_EMAIL = re.compile(r"^[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
# Dify's rule (8+ characters with a letter and a digit), matched over the whole string: any character
# counts toward the length, a line break included.
_PASSWORD = re.compile(r"(?=.*[a-zA-Z])(?=.*[0-9]).{8,}", re.DOTALL)
MAX_NAME_LENGTH = 30


def normalize_email(email: str) -> str:
    candidate = (email or "").strip()
    if not _EMAIL.match(candidate):
        raise InvalidParam(f"{email} is not a valid email.", param="email")
    return candidate.lower()


def check_password(password: str) -> str:
    if not _PASSWORD.fullmatch(password or ""):
        raise InvalidParam(
            "Password must contain letters and numbers, and the length must be greater than 8.",
            param="password",
        )
    return password


def check_account_name(name: str) -> str:
    candidate = (name or "").strip()
    if not 1 <= len(candidate) <= MAX_NAME_LENGTH:
        raise InvalidParam(f"Name must be between 1 and {MAX_NAME_LENGTH} characters.", param="name")
    return candidate


def refresh_token_digest(token: str) -> str:
    """What the server keeps of a refresh token: its SHA-256, so stored rows cannot be replayed as tokens."""
    return hashlib.sha256(token.encode()).hexdigest()
