"""Who is calling: console sessions (JWT), Service API keys (`app-…`, `dataset-…`) and web app passports."""

import re
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Literal, ParamSpec, TypeVar
from uuid import UUID

from quart import g, request

from application.service_api.authenticate_api_key import ApiCaller
from application.tenancy.authenticate_console import ConsoleSession, CsrfProof
from domain.apps.entities import App, AppMode, EndUser, TokenType
from domain.apps.errors import AppUnavailable, InvalidApiToken, PassportMissing
from domain.apps.site import Site
from domain.knowledge.errors import DatasetNotFound
from domain.shared.errors import DomainError, InvalidParam, Unauthorized
from entrypoints.http import session_cookies as cookies
from entrypoints.http.bodies import form_parts, json_object
from entrypoints.http.columns import END_USER_SESSION
from entrypoints.http.deps import container
from entrypoints.http.input_checks import check_length, check_text, storable

P = ParamSpec("P")
R = TypeVar("R")

# As Dify: the editor saves its draft with sendBeacon when the page closes, which cannot set headers; a
# cross-site page gains nothing by saving a draft it cannot read.
CSRF_EXEMPT = re.compile(r"/console/api/apps/[a-f0-9-]+/workflows/draft$")

MISSING_BEARER = "Authorization header must be provided and start with 'Bearer'"

# The web apps' API (Dify's /api): the same app routes as the Service API, called by a visitor of an app's web
# app with the passport /api/passport gave them instead of a key.
WEB_API_PREFIX = "/api/"
PASSPORT_HEADER = "X-App-Passport"


# The console's Explore page calls the same routes for an installed app, as the signed-in member.
INSTALLED_APP_PREFIX = "/console/api/installed-apps/"


def is_web_app_call() -> bool:
    return request.path.startswith(WEB_API_PREFIX)


def caller_source() -> str:
    """Where an app call comes from, as Dify records it on messages (`invoke_from`)."""
    if is_web_app_call():
        return "web-app"
    if request.path.startswith(INSTALLED_APP_PREFIX):
        return "explore"
    return "service-api"


def passport() -> str:
    """The passport of a web app call: Dify's X-App-Passport header, else (older web apps) the bearer token."""
    token = request.headers.get(PASSPORT_HEADER, "").strip()
    if not token:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip() if scheme.lower() == "bearer" else ""
    if not token or not storable(token):
        raise PassportMissing()
    return token


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header or not token:
        raise Unauthorized(MISSING_BEARER)
    if scheme.lower() != "bearer":
        raise Unauthorized("Authorization scheme must be 'Bearer'")
    return token.strip()


def api_key() -> str:
    """The bearer token as a Service API key: text that could be stored, else no key at all (401)."""
    token = bearer_token()
    if not storable(token):
        raise InvalidApiToken()
    return token


def _console_credentials() -> tuple[str, CsrfProof | None]:
    """The access token, and the CSRF proof it needs: a bearer header wins (scripts, no proof needed); else the
    access_token cookie with the X-CSRF-Token header and csrf_token cookie (Dify's console)."""
    if request.headers.get("Authorization"):
        return bearer_token(), None
    from_cookie = cookies.read_cookie(cookies.ACCESS)
    if from_cookie is None:
        return bearer_token(), None  # raises the missing-header 401
    if CSRF_EXEMPT.match(request.path):
        return from_cookie, None
    return from_cookie, CsrfProof(request.headers.get(cookies.CSRF_HEADER), cookies.read_cookie(cookies.CSRF))


def console_login_required(view: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    @wraps(view)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        token, csrf = _console_credentials()
        g.console = await container().authenticate_console().execute(token, csrf)
        return await view(*args, **kwargs)

    return wrapper


def console_session() -> ConsoleSession:
    return g.console


UserSource = Literal["json", "query", "form"]


async def _user_from(source: UserSource) -> str | None:
    """`user` as the caller sent it; a string that fits end_users.session_id, else invalid_param."""
    if source == "query":
        value = request.args.get("user")
    elif source == "form":
        value = (await form_parts())[0].get("user")
    else:
        value = (await json_object()).get("user")
    if not isinstance(value, str) or not value.strip():
        return None
    return check_length(check_text(value, "user"), "user", END_USER_SESSION)


def app_api(
    *,
    modes: tuple[AppMode, ...] | None = None,
    wrong_mode: type[DomainError] = AppUnavailable,
    user_from: UserSource | None = None,
    user_required: bool = False,
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Guards a Service API route: a valid `app-` key, then the app's mode, then the `user` it names.

    The end user is only resolved (found, or created) when the route first awaits `current_end_user()`, which
    it does once it has read and checked the rest of its input: a request refused for its input writes no
    end_users row.
    """

    def decorate(view: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @wraps(view)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            caller = g.api_caller = await _app_caller(kwargs)
            if modes is not None and caller.app.mode not in modes:
                raise wrong_mode()
            if user_from is not None and g.get("end_user") is None:
                user = await _user_from(user_from)
                if user is None and user_required:
                    raise InvalidParam("Arg user must be provided.", param="user")
                g.end_user_name = user
            return await view(*args, **kwargs)

        return wrapper

    return decorate


async def _app_caller(kwargs: dict) -> ApiCaller:
    """A key's app; a web app visitor's app (their passport names them: a `user` sent along is not read); an
    installed app the signed-in member opens from the Explore page (as their own end user)."""
    if is_web_app_call():
        web = await container().webapp.authenticate_passport().execute(passport())
        g.end_user, g.web_site = web.end_user, web.site
        return ApiCaller(key=None, tenant=web.tenant, app=web.app)
    if request.path.startswith(INSTALLED_APP_PREFIX):
        installed_id = kwargs.pop("installed_app_id")
        token, csrf = _console_credentials()
        session = g.console = await container().authenticate_console().execute(token, csrf)
        explore = await container().webapp.explore_apps().open(session.tenant.id, session.account.id, installed_id)
        g.end_user = explore.end_user
        return ApiCaller(key=None, tenant=session.tenant, app=explore.app)
    return await container().authenticate_api_key().execute(api_key(), TokenType.APP)


def current_site() -> Site:
    """The site a web app call's passport was checked against (read with it, in the same query)."""
    return g.web_site


def api_caller() -> ApiCaller:
    return g.api_caller


def current_app_model() -> App:
    app = g.api_caller.app
    assert app is not None
    return app


async def current_end_user() -> EndUser:
    """The end user the request's `user` names (or the app's anonymous one), resolved on first use."""
    if g.get("end_user") is None:
        g.end_user = await container().resolve_end_user().execute(current_app_model(), g.end_user_name)
    return g.end_user


def dataset_api(view: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Guards a Knowledge API route: a valid `dataset-` key of a workspace that is not archived; a route that
    names a dataset, one of that workspace with its API access on (Dify's dataset token guard)."""

    @wraps(view)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        g.api_caller = await container().authenticate_api_key().execute(api_key(), TokenType.DATASET)
        named = kwargs.get("raw_id") or kwargs.get("ds")
        if isinstance(named, str):
            try:
                dataset = UUID(named)
            except ValueError:
                raise DatasetNotFound() from None
            await container().knowledge.check_dataset_api_access().execute(g.api_caller.tenant.id, dataset)
        return await view(*args, **kwargs)

    return wrapper
