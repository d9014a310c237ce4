"""Cross-origin rules, as Dify's: the console answers its allow-listed origins with credentials (cookies), the
Service API and webhook URLs any origin without them. Every preflight under those prefixes is answered here,
before routing, so an OPTIONS to any console path is 200 with the headers (never a 404 the browser would read
as "blocked")."""

from dataclasses import dataclass

from quart import Quart, Response, request

ALLOWED_METHODS = "GET, PUT, POST, DELETE, OPTIONS, PATCH"
# Dify's lists: Content-Type and the web app's headers everywhere; Authorization and X-CSRF-Token where signed in.
CONSOLE_HEADERS = ("Content-Type", "X-App-Code", "X-App-Passport", "Authorization", "X-CSRF-Token")
SERVICE_HEADERS = ("Content-Type", "X-App-Code", "X-App-Passport", "Authorization")
TRIGGER_HEADERS = ("Content-Type", "X-App-Code", "Authorization")
EXPOSED_HEADERS = "X-Version, X-Env, X-Trace-Id"
PREFLIGHT_MAX_AGE = "600"


@dataclass(frozen=True, slots=True)
class CorsPolicy:
    prefix: str
    origins: tuple[str, ...]
    credentials: bool
    headers: tuple[str, ...]

    def allowed_origin(self, origin: str) -> str | None:
        """The Access-Control-Allow-Origin value for this origin, or None when it is not allowed."""
        if origin in self.origins:
            return origin
        if "*" in self.origins:
            # A wildcard cannot carry credentials: such a policy names the caller's origin instead.
            return origin if self.credentials else "*"
        return None


def _origins(text: str) -> tuple[str, ...]:
    return tuple(part.strip().rstrip("/") for part in text.split(",") if part.strip())


def register_cors(app: Quart, console_origins: str, service_origins: str, web_app_origins: str = "*") -> None:
    policies = (
        CorsPolicy("/console/api", _origins(console_origins), True, CONSOLE_HEADERS),
        # The web apps' API: their pages send the passport in a header, cookies (with credentials) and, as the
        # console's pages do, an X-CSRF-Token header (empty there): Dify's web blueprint allows all five.
        CorsPolicy("/api", _origins(web_app_origins), True, CONSOLE_HEADERS),
        CorsPolicy("/v1", _origins(service_origins), False, SERVICE_HEADERS),
        # Webhook URLs take calls from any page (Dify's trigger blueprint), without cookies.
        CorsPolicy("/triggers", ("*",), False, TRIGGER_HEADERS),
    )

    def policy_for(path: str) -> CorsPolicy | None:
        return next((p for p in policies if path == p.prefix or path.startswith(p.prefix + "/")), None)

    def decorate(response: Response, policy: CorsPolicy, preflight: bool) -> Response:
        response.vary.add("Origin")
        allowed = policy.allowed_origin(request.headers.get("Origin", ""))
        if allowed is None:
            return response
        response.headers["Access-Control-Allow-Origin"] = allowed
        if policy.credentials:
            response.headers["Access-Control-Allow-Credentials"] = "true"
        if preflight:
            asked = request.headers.get("Access-Control-Request-Headers", "")
            known = {h.lower() for h in policy.headers}
            granted = [h.strip() for h in asked.split(",") if h.strip() and h.strip().lower() in known]
            response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response.headers["Access-Control-Allow-Headers"] = ", ".join(granted or policy.headers)
            response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        else:
            response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response

    @app.before_request
    async def answer_preflight() -> Response | None:
        if request.method != "OPTIONS":
            return None
        policy = policy_for(request.path)
        if policy is None:
            return None
        return decorate(Response("", status=200), policy, preflight=True)

    @app.after_request
    async def add_cors_headers(response: Response) -> Response:
        policy = policy_for(request.path)
        if policy is not None and request.method != "OPTIONS":
            decorate(response, policy, preflight=False)
        return response
