"""An app as the console's studio reads it (Dify's app detail): the Service API's app fields plus who made it,
its tags, where its Service API answers and its (absent) web app."""

from quart import request

from domain.apps.entities import App
from domain.knowledge.tags import Tag
from entrypoints.http.auth import console_session
from entrypoints.http.presenters import app_json, site_json


def console_app_json(app: App, tags: list[Tag] | None = None) -> dict:
    account = console_session().account
    author = account.name if app.created_by == account.id else None
    return {
        **app_json(app),
        "tags": [{"id": str(t.id), "name": t.name, "type": t.type} for t in tags or []],
        "author_name": author,
        "create_user_name": author,
        "api_base_url": request.host_url.rstrip("/") + "/v1",
        # No web app is served for an app (weir has no share pages): no access code.
        "site": {**site_json(app), "access_token": None, "code": None, "app_base_url": None},
    }
