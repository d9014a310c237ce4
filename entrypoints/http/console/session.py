import base64
import binascii
from collections.abc import Awaitable, Callable
from uuid import UUID

from quart import Blueprint, Response, jsonify, request

from application.tenancy.log_in import LogInRequest
from domain.shared.errors import InvalidParam
from domain.tenancy.entities import Account
from domain.tenancy.errors import InvalidAccessToken
from domain.tenancy.ports import TokenPair
from entrypoints.http import session_cookies as cookies
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object, parse_body
from entrypoints.http.console.schemas import ActivateBody, LoginBody
from entrypoints.http.deps import container
from entrypoints.http.presenters import account_json, workspace_json

bp = Blueprint("console_session", __name__)


def _signed_in(pair: TokenPair) -> Response:
    """Dify's answer sets the cookies; the tokens are in the body too, for scripts that send a bearer header."""
    body = {"result": "success", "data": {"access_token": pair.access_token, "refresh_token": pair.refresh_token}}
    return cookies.set_session_cookies(jsonify(body), pair)


def _decoded(password: str) -> str:
    """The console's base64 of the password, decoded; text that is not base64 of UTF-8 is taken as sent."""
    try:
        return base64.b64decode(password, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return password


@bp.post("/login")
async def log_in() -> Response:
    body = await parse_body(LoginBody)
    pair = (
        await container()
        .log_in()
        .execute(
            LogInRequest(
                email=body.email,
                password=_decoded(body.password),
                ip=request.remote_addr,
                password_as_sent=body.password,
                invite_token=body.invite_token,
            )
        )
    )
    return _signed_in(pair)


@bp.post("/refresh-token")
async def refresh() -> Response:
    # The console sends no body and relies on the refresh_token cookie; scripts send {"refresh_token": ...}.
    sent = (await json_object()).get("refresh_token") if (await request.get_data()).strip() else None
    token = sent if isinstance(sent, str) and sent else cookies.read_cookie(cookies.REFRESH)
    if not token:
        raise InvalidAccessToken("No refresh token provided")
    return _signed_in(await container().refresh_session().execute(token))


@bp.post("/logout")
async def log_out() -> Response:
    await container().log_out().execute(cookies.read_cookie(cookies.REFRESH))
    return cookies.clear_session_cookies(jsonify({"result": "success"}))


@bp.get("/account/profile")
@console_login_required
async def profile() -> dict:
    return account_json(console_session().account)


@bp.get("/workspaces/current")
@console_login_required
async def current_workspace() -> dict:
    session = console_session()
    return workspace_json(session.tenant, session.role)


# An invitation link (`/activate?email=…&token=…` on the console) checks its token here, then leads to the sign-in
# page, whose first sign-in with the token sets the password; the name comes last, with POST /activate.
@bp.get("/activate/check")
async def check_invitation() -> dict:
    args = request.args
    invitation = await container().console.check_invitation().execute(
        args.get("token") or "", args.get("workspace_id") or None, args.get("email") or None
    )
    if invitation is None:
        return {"is_valid": False}
    data = {"workspace_name": invitation.tenant.name, "workspace_id": str(invitation.tenant.id),
            "email": invitation.account.email}  # fmt: skip
    return {"is_valid": True, "data": data}


@bp.post("/activate")
async def activate() -> dict:
    body = await parse_body(ActivateBody)
    await container().console.activate_invitation().execute(
        body.token, body.name, body.interface_language, body.timezone, body.workspace_id, body.email
    )
    return {"result": "success"}


# The account page and the settings' Language tab: each answers the account as /account/profile does.
@bp.post("/account/name")
@console_login_required
async def update_name() -> dict:
    return await _set_account("name", container().console.update_account().name)


@bp.post("/account/interface-language")
@console_login_required
async def update_language() -> dict:
    return await _set_account("interface_language", container().console.update_account().language)


@bp.post("/account/timezone")
@console_login_required
async def update_timezone() -> dict:
    return await _set_account("timezone", container().console.update_account().timezone)


async def _set_account(field: str, change: Callable[[UUID, str], Awaitable[Account]]) -> dict:
    """One setting from the body's `field`, saved by `change`; the account as /account/profile shows it."""
    return account_json(await change(console_session().account.id, _text(await json_object(), field)))


@bp.post("/account/interface-theme")
@console_login_required
async def update_theme() -> dict:
    # The theme is kept by the browser; weir stores none (its answer says light, as Dify's default).
    return account_json(console_session().account)


@bp.post("/account/password")
@console_login_required
async def update_password() -> dict:
    body = await json_object()
    current = body.get("password")
    account = await container().console.update_account().password(
        console_session().account.id, current if isinstance(current, str) else None,
        _text(body, "new_password"), _text(body, "repeat_new_password"),
    )
    return account_json(account)


@bp.get("/account/integrates")
@console_login_required
async def integrates() -> dict:
    # Dify lists the GitHub/Google sign-ins bound to the account; weir signs in by password only.
    return {"data": []}


def _text(body: dict, name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise InvalidParam(f"{name} is required", param=name)
    return value
