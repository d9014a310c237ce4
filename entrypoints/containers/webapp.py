"""Wiring of the web app context: sites (console side), the passports and marks of their visitors, and the
console's Explore page (installed apps)."""

from dependency_injector import containers, providers

from adapters.security.passports import JwtPassportSigner
from application.webapp.explore import ExploreApps
from application.webapp.marks import PinnedConversations, SavedMessages
from application.webapp.passports import AuthenticatePassport, IssuePassport
from application.webapp.sites import GetSite, ResetSiteCode, SetSiteAccess, UpdateSite


class WebAppContainer(containers.DeclarativeContainer):
    # Given by the root container (entrypoints/container.py).
    config = providers.Configuration()
    uow_factory = providers.Dependency()
    clock = providers.Dependency()
    ids = providers.Dependency()
    resolve_end_user = providers.Dependency()

    passport_signer = providers.Singleton(JwtPassportSigner, config.secret_key)
    issue_passport = providers.Factory(IssuePassport, uow_factory, passport_signer, clock, ids)
    authenticate_passport = providers.Factory(AuthenticatePassport, uow_factory, passport_signer)
    get_site = providers.Factory(GetSite, uow_factory)
    update_site = providers.Factory(UpdateSite, uow_factory, clock)
    reset_site_code = providers.Factory(ResetSiteCode, uow_factory, clock)
    set_site_access = providers.Factory(SetSiteAccess, uow_factory, clock)
    saved_messages = providers.Factory(SavedMessages, uow_factory)
    pinned_conversations = providers.Factory(PinnedConversations, uow_factory)
    explore_apps = providers.Factory(ExploreApps, uow_factory, clock, resolve_end_user)
