"""The signed-in account's workspace as the console shows it: the workspace list, the current one, members."""

from urllib.parse import quote
from uuid import UUID

from quart import Blueprint, request

from domain.tenancy.entities import Account, Membership
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object, parse_body
from entrypoints.http.console.schemas import InviteBody, RoleBody, SwitchBody
from entrypoints.http.deps import container
from entrypoints.http.presenters import epoch, workspace_json

bp = Blueprint("console_workspace", __name__)


def member_json(account: Account, seat: Membership) -> dict:
    return {
        "id": str(account.id),
        "name": account.name,
        "email": account.email,
        "avatar": None,
        "avatar_url": None,
        "last_login_at": epoch(account.last_login_at),
        "last_active_at": epoch(account.last_login_at or account.updated_at),
        "created_at": epoch(account.created_at),
        "role": seat.role.value,
        "status": account.status.value,
    }


@bp.get("/workspaces")
@console_login_required
async def list_workspaces() -> dict:
    """Every workspace the account has a seat in; `current` marks the one the session is in."""
    session = console_session()
    found = await container().console.list_workspaces().execute(session.account.id, session.tenant.id)
    return {
        "workspaces": [
            {
                "id": str(tenant.id),
                "name": tenant.name,
                "plan": "sandbox",
                "status": tenant.status.value,
                "created_at": epoch(tenant.created_at),
                "current": current,
            }
            for tenant, current in found
        ]
    }


@bp.post("/workspaces/switch")
@console_login_required
async def switch_workspace() -> dict:
    body = await parse_body(SwitchBody)
    tenant, seat = await container().console.switch_workspace().execute(console_session().account.id, body.tenant_id)
    return {"result": "success", "new_tenant": workspace_json(tenant, seat.role)}


@bp.post("/workspaces/current")
@console_login_required
async def current_workspace_info() -> dict:
    session = console_session()
    return workspace_json(session.tenant, session.role)


@bp.get("/workspaces/current/members")
@console_login_required
async def list_members() -> dict:
    members = await container().console.list_members().execute(console_session().tenant.id)
    return {"accounts": [member_json(account, seat) for account, seat in members]}


@bp.get("/workspaces/current/permission")
@console_login_required
async def workspace_permission() -> dict:
    return {
        "workspace_id": str(console_session().tenant.id),
        "allow_member_invite": True,
        "allow_owner_transfer": False,
    }


def _invitation_url(email: str, token: str | None) -> str:
    """Where an invitee goes: the console's /activate page with the token, or its sign-in page for an account that
    is active already. The console's address is CONSOLE_WEB_URL, else the page that asked (its Origin)."""
    base = container().config.console.console_web_url() or request.headers.get("Origin") or request.host_url
    base = base.rstrip("/")
    return f"{base}/activate?email={quote(email)}&token={token}" if token else f"{base}/signin"


@bp.post("/workspaces/current/members/invite-email")
@console_login_required
async def invite_members() -> tuple[dict, int]:
    body = await parse_body(InviteBody)
    session = console_session()
    invited = await container().console.invite_members().execute(
        session.tenant, session.role, body.emails, body.role, body.language
    )
    results = [
        {"status": "success", "email": i.email, "url": _invitation_url(i.email, i.token)}
        if i.ok
        else {"status": "failed", "email": i.email, "message": i.message}
        for i in invited
    ]
    return {"result": "success", "invitation_results": results, "tenant_id": str(session.tenant.id)}, 201


@bp.delete("/workspaces/current/members/<uuid:member_id>")
@console_login_required
async def remove_member(member_id: UUID) -> dict:
    session = console_session()
    await container().console.remove_member().execute(session.tenant.id, session.account.id, session.role, member_id)
    return {"result": "success", "tenant_id": str(session.tenant.id)}


@bp.put("/workspaces/current/members/<uuid:member_id>/update-role")
@console_login_required
async def update_member_role(member_id: UUID) -> dict:
    body = await parse_body(RoleBody)
    session = console_session()
    await container().console.update_member_role().execute(
        session.tenant.id, session.account.id, session.role, member_id, body.role
    )
    return {"result": "success"}


@bp.post("/workspaces/info")
@console_login_required
async def rename_workspace() -> dict:
    session = console_session()
    name = (await json_object()).get("name")
    tenant = await container().console.rename_workspace().execute(
        session.tenant.id, session.role, name if isinstance(name, str) else ""
    )
    return {"result": "success", "tenant": workspace_json(tenant, session.role)}
