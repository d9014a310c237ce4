"""Who may change a workspace's members, and how (Dify's TenantService rules for the community edition)."""

from domain.tenancy.entities import Role
from domain.tenancy.errors import InvalidRole, NoMemberPermission

# Roles an invitation or a role change may give: never the owner's. The dataset operator is a paid-plan role in Dify.
ASSIGNABLE = frozenset({Role.ADMIN, Role.EDITOR, Role.NORMAL})
_MAY = {
    "add": frozenset({Role.OWNER, Role.ADMIN}),
    "remove": frozenset({Role.OWNER}),
    "update": frozenset({Role.OWNER}),
    "rename": frozenset({Role.OWNER, Role.ADMIN}),
}
INVITATION_HOURS = 72  # how long an invitation link works (Dify's INVITE_EXPIRY_HOURS)


def assignable_role(value: object) -> Role:
    """The role an invitation or a change names; InvalidRole for the owner's, an unknown one or a paid-plan one."""
    try:
        role = Role(str(value))
    except ValueError:
        raise InvalidRole() from None
    if role not in ASSIGNABLE:
        raise InvalidRole()
    return role


def check_may(actor: Role, action: str) -> None:
    """Owners and admins invite and rename the workspace; only the owner removes members or changes their roles."""
    if actor not in _MAY[action]:
        raise NoMemberPermission()


def invitee_name(email: str) -> str:
    """The name an invited account has until its owner sets one: the email's local part."""
    return email.split("@", 1)[0] or email
