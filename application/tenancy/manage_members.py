"""A workspace's members: invitations by link (no mail server needed), accepting one, removing a member and changing
a member's role (Dify's console members page and its /activate flow).

An invitation creates the invited account as `pending`, with no password and the workspace seat already given; the
link's token (signed, 72 hours) names the account and the workspace. The invitee signs in once with the token and
the password they choose (LogIn), then sets their name (ActivateInvitation), which makes the account active: the
link stops working then, since a token is valid only for an account still pending. An email that already has an
active account just gets the seat and is sent to sign in.
"""

from dataclasses import dataclass
from uuid import UUID

from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.tenancy.entities import Account, AccountStatus, Membership, Role, Tenant
from domain.tenancy.errors import CannotOperateSelf, InvalidAccessToken, InvitationInvalid, MemberNotFound
from domain.tenancy.members import INVITATION_HOURS, assignable_role, check_may, invitee_name
from domain.tenancy.ports import AccessTokenIssuer
from domain.tenancy.rules import check_account_name, check_timezone, normalize_email

MAX_INVITES = 100  # emails in one invitation request: each is a transaction of its own


@dataclass(frozen=True, slots=True)
class Invited:
    """One email's outcome: a link token for a pending account; None when the account is active (it signs in)."""

    email: str
    ok: bool
    token: str | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class Invitation:
    tenant: Tenant
    account: Account


class InviteMembers:
    def __init__(self, uow: UnitOfWorkFactory, tokens: AccessTokenIssuer, ids: IdGenerator, clock: Clock) -> None:
        self._uow, self._tokens, self._ids, self._clock = uow, tokens, ids, clock

    async def execute(
        self, tenant: Tenant, inviter_role: Role, emails: list[str], role: object, language: str | None
    ) -> list[Invited]:
        check_may(inviter_role, "add")
        seat_role = assignable_role(role)
        if not emails or len(emails) > MAX_INVITES:
            raise InvalidParam(f"Invite 1 to {MAX_INVITES} emails at a time.", param="emails")
        results = []
        for raw in emails:
            try:
                email = normalize_email(str(raw or ""))
            except InvalidParam as error:  # this one fails, the others are still invited
                results.append(Invited(str(raw), False, message=error.message))
                continue
            async with self._uow() as uow:
                account = await self._seated(uow, tenant, email, seat_role, language)
                await uow.commit()
            pending = account.status is AccountStatus.PENDING
            token = self._tokens.issue_invitation(account.id, tenant.id, INVITATION_HOURS) if pending else None
            results.append(Invited(email, True, token))
        return results

    async def _seated(
        self, uow: UnitOfWork, tenant: Tenant, email: str, role: Role, language: str | None
    ) -> Account:
        now = self._clock.now()
        account = await uow.accounts.get_by_email(email)
        if account is None:
            account = Account(
                id=self._ids.new_id(), name=invitee_name(email), email=email, password_hash="", password_salt="",
                created_at=now, updated_at=now, status=AccountStatus.PENDING, interface_language=language or "en-US",
            )
            await uow.accounts.add(account)
        seats = await uow.accounts.seats_of(account.id)
        if all(seat.tenant_id != tenant.id for seat in seats):
            first = not seats  # the account's only workspace is its current one
            await uow.accounts.add_membership(Membership(self._ids.new_id(), tenant.id, account.id, role, now, first))
        return account


async def open_invitation(
    uow: UnitOfWork, tokens: AccessTokenIssuer, token: str, workspace_id: str | None = None, email: str | None = None
) -> Invitation | None:
    """The workspace and the pending account a token invites, or None (forged, expired, used, or for another
    workspace or email than the link names)."""
    try:
        account_id, tenant_id = tokens.invitation_for(token or "")
    except InvalidAccessToken:
        return None
    if workspace_id and workspace_id != str(tenant_id):
        return None
    account, tenant = await uow.accounts.get(account_id), await uow.tenants.get(tenant_id)
    if account is None or tenant is None or account.status is not AccountStatus.PENDING:
        return None
    if email and email.strip().lower() != account.email:
        return None
    if all(seat.tenant_id != tenant.id for seat in await uow.accounts.seats_of(account.id)):
        return None  # the seat was taken away since: the link no longer leads anywhere
    return Invitation(tenant, account)


class CheckInvitation:
    def __init__(self, uow: UnitOfWorkFactory, tokens: AccessTokenIssuer) -> None:
        self._uow, self._tokens = uow, tokens

    async def execute(self, token: str, workspace_id: str | None, email: str | None) -> Invitation | None:
        async with self._uow() as uow:
            return await open_invitation(uow, self._tokens, token, workspace_id, email)


class ActivateInvitation:
    """The invitee's name, language and time zone; the account becomes active and the link stops working."""

    def __init__(self, uow: UnitOfWorkFactory, tokens: AccessTokenIssuer, clock: Clock) -> None:
        self._uow, self._tokens, self._clock = uow, tokens, clock

    async def execute(self, token: str, name: str, language: str, timezone: str, workspace_id: str | None = None,
                      email: str | None = None) -> Account:  # fmt: skip
        name, timezone = check_account_name(name), check_timezone(timezone or "UTC")
        async with self._uow() as uow:
            invitation = await open_invitation(uow, self._tokens, token, workspace_id, email)
            if invitation is None:
                raise InvitationInvalid()
            account, now = invitation.account, self._clock.now()
            account.name, account.status, account.initialized_at = name, AccountStatus.ACTIVE, now
            account.updated_at = now
            account.interface_language, account.timezone = language or account.interface_language, timezone
            await uow.accounts.update(account)
            await uow.commit()
        return account


class RemoveMember:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, actor_id: UUID, actor_role: Role, member_id: UUID) -> None:
        check_may(actor_role, "remove")
        if member_id == actor_id:
            raise CannotOperateSelf()
        async with self._uow() as uow:
            if not await uow.accounts.remove_membership(tenant_id, member_id):
                raise MemberNotFound()
            await uow.commit()


class UpdateMemberRole:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, actor_id: UUID, actor_role: Role, member_id: UUID, role: object) -> None:
        new_role = assignable_role(role)
        check_may(actor_role, "update")
        if member_id == actor_id:
            raise CannotOperateSelf()
        async with self._uow() as uow:
            if not await uow.accounts.set_role(tenant_id, member_id, new_role):
                raise MemberNotFound()
            await uow.commit()
