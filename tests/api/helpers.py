"""What API tests share: the owner account and a logged-in console session."""

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict
from werkzeug.test import encode_multipart

OWNER = {"email": "owner@example.com", "name": "Owner", "password": "secret123"}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Console:
    """A logged-in console session, with helpers for what most tests need first."""

    client: object
    token: str

    @property
    def headers(self) -> dict:
        return bearer(self.token)

    async def create_app(self, name: str = "Support bot", mode: str = "chat") -> dict:
        response = await self.client.post("/console/api/apps", json={"name": name, "mode": mode}, headers=self.headers)
        assert response.status_code == 201, await response.get_json()
        return await response.get_json()

    async def create_app_key(self, app_id: str) -> str:
        response = await self.client.post(f"/console/api/apps/{app_id}/api-keys", headers=self.headers)
        assert response.status_code == 201, await response.get_json()
        return (await response.get_json())["token"]


def multipart(form: dict[str, str], files: dict) -> dict:
    """A multipart body for Quart's test client built once by werkzeug: the client's own `files=` encoding copies
    the body over and over (22 s for a 30 MB file), while the server parses it in a fraction of a second."""
    boundary, body = encode_multipart(MultiDict({**form, **files}))
    return {"data": body, "headers": {"Content-Type": f"multipart/form-data; boundary={boundary}"}}
