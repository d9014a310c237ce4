from quart import Blueprint, request

from application.tenancy.log_in import LogInRequest
from domain.tenancy.ports import TokenPair
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import parse_body
from entrypoints.http.console.schemas import LoginBody, RefreshBody
from entrypoints.http.deps import container
from entrypoints.http.presenters import account_json, workspace_json

bp = Blueprint("console_session", __name__)


def _tokens(pair: TokenPair) -> dict:
    return {"result": "success", "data": {"access_token": pair.access_token, "refresh_token": pair.refresh_token}}


@bp.post("/login")
async def log_in() -> dict:
    body = await parse_body(LoginBody)
    pair = await container().log_in().execute(
        LogInRequest(email=body.email, password=body.password, ip=request.remote_addr)
    )
    return _tokens(pair)


@bp.post("/refresh-token")
async def refresh() -> dict:
    body = await parse_body(RefreshBody)
    return _tokens(await container().refresh_session().execute(body.refresh_token))


@bp.get("/account/profile")
@console_login_required
async def profile() -> dict:
    return account_json(console_session().account)


@bp.get("/workspaces/current")
@console_login_required
async def current_workspace() -> dict:
    session = console_session()
    return workspace_json(session.tenant, session.role)
