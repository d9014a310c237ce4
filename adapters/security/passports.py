import jwt

from domain.apps.errors import PassportInvalid

_ALGORITHM = "HS256"
# Its own subject: a console token (kind access/refresh/csrf) is never a passport, nor a passport a console token.
_SUBJECT = "Web API Passport"


class JwtPassportSigner:
    """Web app passports as Dify issues them: HS256 with SECRET_KEY, subject "Web API Passport", no expiry (a
    reset code or a switched-off site ends them)."""

    def __init__(self, secret_key: str) -> None:
        self._key = secret_key

    def issue(self, claims: dict[str, str]) -> str:
        return jwt.encode({**claims, "sub": _SUBJECT}, self._key, algorithm=_ALGORITHM)

    def verify(self, token: str) -> dict[str, str]:
        try:
            claims = jwt.decode(token, self._key, algorithms=[_ALGORITHM], options={"require": ["sub"]})
        except jwt.PyJWTError:
            raise PassportInvalid() from None
        if claims.get("sub") != _SUBJECT:
            raise PassportInvalid()
        return {k: v for k, v in claims.items() if isinstance(v, str)}
