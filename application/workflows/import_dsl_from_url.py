from urllib.parse import urlparse
from uuid import UUID

from application.workflows.app_dsl import AppOverrides, ImportAppDsl, ImportResult
from domain.shared.ids import IdGenerator
from domain.workflows.http import (
    HttpClient,
    HttpRequestFailed,
    HttpRequestRefused,
    HttpTimeouts,
    OutgoingRequest,
)

DSL_MAX_BYTES = 10 * 1024 * 1024  # Dify's DSL_MAX_SIZE
FETCH_TIMEOUTS = HttpTimeouts(connect=10.0, read=10.0, write=10.0)


def raw_url(url: str) -> str:
    """A GitHub page of a YAML file (github.com/…/blob/…) as its raw file, the way Dify rewrites it: people paste
    the page they are looking at."""
    parsed = urlparse(url)
    if (
        parsed.scheme == "https"
        and parsed.netloc == "github.com"
        and parsed.path.endswith((".yml", ".yaml"))
        and "/blob/" in parsed.path
    ):
        return url.replace("https://github.com", "https://raw.githubusercontent.com", 1).replace("/blob/", "/", 1)
    return url


class ImportAppDslFromUrl:
    """The console's "import from URL": the DSL fetched with GET through the SSRF-guarded HTTP client (private,
    loopback and reserved addresses refused unless allow-listed, redirects checked the same way), then imported
    exactly as pasted YAML is (ImportAppDsl).

    Rules: a URL is required; an unreachable URL, an answer other than 200, a body over 10 MB, an empty or
    non-UTF-8 body, or a refused address each end the import `failed` with the reason, and nothing is written.
    """

    def __init__(self, http: HttpClient, importer: ImportAppDsl, ids: IdGenerator) -> None:
        self._http, self._importer, self._ids = http, importer, ids

    def _failed(self, error: str) -> ImportResult:
        return ImportResult(self._ids.new_id(), "failed", None, None, error=error)

    async def execute(
        self,
        tenant_id: UUID,
        account_id: UUID,
        yaml_url: object,
        publish: bool = False,
        overrides: AppOverrides | None = None,
        app_id: UUID | None = None,
    ) -> ImportResult:
        if not isinstance(yaml_url, str) or not yaml_url.strip():
            return self._failed("yaml_url is required when import_mode is yaml-url")
        url = raw_url(yaml_url.strip())
        try:
            response = await self._http.send(OutgoingRequest("GET", url, timeouts=FETCH_TIMEOUTS))
        except (HttpRequestRefused, HttpRequestFailed) as error:
            return self._failed(f"Error fetching YAML from URL: {error.message}")
        if response.status_code != 200:
            return self._failed(f"Error fetching YAML from URL: HTTP {response.status_code}")
        if len(response.body) > DSL_MAX_BYTES:
            return self._failed("File size exceeds the limit of 10MB")
        try:
            content = response.body.decode("utf-8")
        except UnicodeDecodeError:
            return self._failed("Error fetching YAML from URL: the file is not UTF-8 text")
        if not content.strip():
            return self._failed("Empty content from url")
        return await self._importer.execute(
            tenant_id, account_id, content, publish=publish, overrides=overrides, app_id=app_id
        )
