"""The Quart application: Service API under /v1, console API under /console/api, /health."""

from quart import Quart

from entrypoints.container import Container
from entrypoints.http.console import api_keys, apps, session, setup
from entrypoints.http.errors import register_error_handlers
from entrypoints.http.health import bp as health_bp
from entrypoints.http.request_log import register_request_log
from entrypoints.http.service_api import app_info
from entrypoints.settings import SERVER_VERSION


def create_app(container: Container) -> Quart:
    app = Quart("weir")
    app.config["SERVER_VERSION"] = SERVER_VERSION
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024 * 1024
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.extensions["weir.container"] = container

    app.register_blueprint(health_bp)
    app.register_blueprint(app_info.bp, url_prefix="/v1")
    for console_bp in (setup.bp, session.bp, apps.bp, api_keys.bp):
        app.register_blueprint(console_bp, url_prefix="/console/api")

    register_error_handlers(app)
    register_request_log(app)

    @app.after_serving
    async def release_pools() -> None:
        await container.engine().dispose()

    return app
