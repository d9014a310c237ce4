"""Input rules for accounts, as Dify enforces them on setup and login, and the limits that slow down guessing."""

import hashlib
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.shared.errors import InvalidParam

_EMAIL = re.compile(r"^[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
# Dify's rule (8+ characters with a letter and a digit), matched over the whole string: any character
# counts toward the length, a line break included.
_PASSWORD = re.compile(r"(?=.*[a-zA-Z])(?=.*[0-9]).{8,}", re.DOTALL)
MAX_NAME_LENGTH = 30
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,4})?")  # en-US, zh-Hans, pt-BR…


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


def check_timezone(timezone: str) -> str:
    """An IANA time zone name (every date the console shows the account is in it)."""
    try:
        ZoneInfo(timezone or "")
    except (ValueError, ZoneInfoNotFoundError):
        raise InvalidParam(f"{timezone} is not a valid timezone.", param="timezone") from None
    return timezone


def check_language(language: str) -> str:
    if not _LANGUAGE.fullmatch(language or ""):
        raise InvalidParam(f"{language} is not a valid language.", param="interface_language")
    return language


def check_account_name(name: str) -> str:
    candidate = (name or "").strip()
    if not 1 <= len(candidate) <= MAX_NAME_LENGTH:
        raise InvalidParam(f"Name must be between 1 and {MAX_NAME_LENGTH} characters.", param="name")
    return candidate


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """Brute-force limits of the console's login and setup.

    Dify's lockout: once an email has more than `max_failures` failed logins (LOGIN_MAX_ERROR_LIMITS, 5),
    each lasting `lockout_seconds` after the last one (LOGIN_LOCKOUT_DURATION, a day), its logins are
    refused, right password or not, until the count expires; a successful login clears it. Unknown emails
    count like known ones, so the answer never tells which exist. Besides, one client address may send
    `requests_per_ip` login and as many setup requests per `ip_window_seconds` (0: no limit).
    """

    max_failures: int = 5
    lockout_seconds: int = 86400
    requests_per_ip: int = 30
    ip_window_seconds: int = 60

    def locks(self, failures: int) -> bool:
        return failures > self.max_failures


def refresh_token_digest(token: str) -> str:
    """What the server keeps of a refresh token: its SHA-256, so stored rows cannot be replayed as tokens."""
    return hashlib.sha256(token.encode()).hexdigest()
