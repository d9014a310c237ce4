"""An app's web app in the console (Dify's overview page): switch it on or off, edit its settings, reset its code."""

from uuid import UUID

from pydantic import BaseModel, TypeAdapter
from quart import Blueprint

from domain.apps.site import SiteChanges
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object, parse_body
from entrypoints.http.console.app_views import console_app_json, console_site_json
from entrypoints.http.deps import container

bp = Blueprint("console_sites", __name__)


class SiteEnableBody(BaseModel):
    enable_site: bool


# The settings as the console sends them: Dify's fields, typed and checked by the domain's own rules.
SITE_CHANGES = TypeAdapter(SiteChanges)


@bp.post("/apps/<uuid:app_id>/site-enable")
@console_login_required
async def enable_site(app_id: UUID) -> dict:
    body = await parse_body(SiteEnableBody)
    session = console_session()
    app, site = await container().webapp.set_site_access().execute(
        session.tenant.id, session.account.id, app_id, body.enable_site
    )
    return console_app_json(app, site=site)


@bp.post("/apps/<uuid:app_id>/site")
@console_login_required
async def update_site(app_id: UUID) -> dict:
    changes = SITE_CHANGES.validate_python(await json_object())
    session = console_session()
    site = await container().webapp.update_site().execute(session.tenant.id, session.account.id, app_id, changes)
    return console_site_json(site)


@bp.post("/apps/<uuid:app_id>/site/access-token-reset")
@console_login_required
async def reset_code(app_id: UUID) -> dict:
    session = console_session()
    site = await container().webapp.reset_site_code().execute(session.tenant.id, session.account.id, app_id)
    return console_site_json(site)
