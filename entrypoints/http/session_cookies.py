"""The console session in cookies, as Dify sets them: access_token and refresh_token (HttpOnly) and csrf_token
(readable by the page, which sends it back as X-CSRF-Token). Over https without COOKIE_DOMAIN the names carry
the __Host- prefix; with COOKIE_DOMAIN they are shared with its subdomains."""

from quart import Response, request

from domain.tenancy.ports import TokenPair
from entrypoints.http.deps import container

ACCESS = "access_token"
REFRESH = "refresh_token"
CSRF = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def _settings() -> dict:
    return container().config.console()


def cookie_name(name: str) -> str:
    settings = _settings()
    if settings["secure_cookies"] and not settings["cookie_domain"]:
        return "__Host-" + name
    return name


def read_cookie(name: str) -> str | None:
    return request.cookies.get(cookie_name(name)) or None


def _set(response: Response, name: str, value: str, max_age: int, http_only: bool = True) -> None:
    settings = _settings()
    response.set_cookie(
        cookie_name(name),
        value,
        max_age=max_age,
        path="/",
        domain=settings["cookie_domain"] or None,
        secure=settings["secure_cookies"],
        httponly=http_only,
        samesite="Lax",
    )


def set_session_cookies(response: Response, pair: TokenPair) -> Response:
    config = container().config
    access_seconds = int(config.access_token_minutes()) * 60
    _set(response, ACCESS, pair.access_token, access_seconds)
    _set(response, REFRESH, pair.refresh_token, int(float(config.refresh_token_days()) * 86400))
    _set(response, CSRF, pair.csrf_token, access_seconds, http_only=False)
    return response


def clear_session_cookies(response: Response) -> Response:
    for name in (ACCESS, REFRESH, CSRF):
        _set(response, name, "", 0, http_only=name != CSRF)
    return response
