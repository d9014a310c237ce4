"""The signed-in account's workspace as the console shows it: the workspace list, the current one, members."""

from quart import Blueprint

from domain.tenancy.entities import Account, Membership
from entrypoints.http.auth import console_login_required, console_session
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
    # A self-hosted account belongs to the one workspace setup made (weir has no invitations to others yet).
    session = console_session()
    tenant = session.tenant
    return {
        "workspaces": [
            {
                "id": str(tenant.id),
                "name": tenant.name,
                "plan": "sandbox",
                "status": tenant.status.value,
                "created_at": epoch(tenant.created_at),
                "current": True,
            }
        ]
    }


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
        "allow_member_invite": False,
        "allow_owner_transfer": False,
    }
