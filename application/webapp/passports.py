"""Who is using a web app: passports for its visitors (Dify's `/api/passport`) and their checks on every call."""

from dataclasses import dataclass
from uuid import UUID

from domain.apps.entities import App, AppStatus, EndUser, EndUserType
from domain.apps.errors import EndUserNotFound, PassportInvalid, SiteDisabled, SiteGone, SiteNotFound, WorkspaceArchived
from domain.apps.ports import PassportSigner
from domain.apps.site import Site
from domain.shared.clock import Clock
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.entities import Tenant


@dataclass(frozen=True, slots=True)
class WebCaller:
    """A web app call's app, workspace, site and visitor."""

    app: App
    tenant: Tenant
    site: Site
    end_user: EndUser


class IssuePassport:
    """A passport for a visitor of the web app at `code`.

    Rules (Dify's): the code must name a site whose app is live and has its site on, else 404; `user_id` (an
    embedding page names its user) is the visitor's session id, the same one always giving the same end user;
    without it every passport is a new anonymous visitor.
    """

    def __init__(self, uow: UnitOfWorkFactory, signer: PassportSigner, clock: Clock, ids: IdGenerator) -> None:
        self._uow = uow
        self._signer = signer
        self._clock = clock
        self._ids = ids

    async def execute(self, code: str, user_id: str | None) -> str:
        async with self._uow() as uow:
            owners = await uow.sites.owners_by_code(code)
            if owners is None or owners.app.status != AppStatus.NORMAL or not owners.app.enable_site:
                raise SiteNotFound()
            app = owners.app
            found = None
            if user_id:
                found = await uow.end_users.find_by_session(app.id, user_id, EndUserType.BROWSER)
            if found is None:
                now = self._clock.now()
                found = await uow.end_users.add_if_absent(
                    EndUser(
                        id=self._ids.new_id(), tenant_id=app.tenant_id, app_id=app.id,
                        session_id=user_id or str(self._ids.new_id()), is_anonymous=True, created_at=now,
                        updated_at=now, type=EndUserType.BROWSER,
                    )
                )
                await uow.commit()
        return self._signer.issue({"app_id": str(app.id), "app_code": code, "end_user_id": str(found.id)})


class AuthenticatePassport:
    """Checks a web app call's passport: signed by this service, for a site that still has that code, whose app
    is live with its site on, in a workspace that is not archived, for a visitor that still exists.

    One query a call (site, app, workspace and visitor joined). A reset code ends its passports (400 "Site URL
    is no longer valid."), a switched-off site too (400 "Site is disabled."), as in Dify.
    """

    def __init__(self, uow: UnitOfWorkFactory, signer: PassportSigner) -> None:
        self._uow = uow
        self._signer = signer

    async def execute(self, token: str) -> WebCaller:
        claims = self._signer.verify(token)
        code = claims.get("app_code")
        try:
            end_user_id = UUID(claims.get("end_user_id", ""))
            app_id = UUID(claims.get("app_id", ""))
        except ValueError:
            raise PassportInvalid() from None
        if not code:
            raise PassportInvalid()
        async with self._uow() as uow:
            owners = await uow.sites.owners_by_code(code, end_user_id)
        if owners is None:
            raise SiteGone()
        if owners.app.id != app_id or owners.app.status != AppStatus.NORMAL:
            raise SiteNotFound()
        if not owners.app.enable_site:
            raise SiteDisabled()
        if owners.tenant.is_archived:
            raise WorkspaceArchived()
        if owners.end_user is None:
            raise EndUserNotFound()
        return WebCaller(app=owners.app, tenant=owners.tenant, site=owners.site, end_user=owners.end_user)
