from quart import Quart, Response


def register_version_headers(app: Quart, version: str, deploy_env: str) -> None:
    """Every answer names the API version and the deployment (Dify's X-Version and X-Env): the console compares
    the version with the latest release and labels a non-production instance."""

    @app.after_request
    async def add_version(response: Response) -> Response:
        response.headers["X-Version"] = version
        response.headers["X-Env"] = deploy_env
        return response
