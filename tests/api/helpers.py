"""What API tests share: the owner account and a logged-in console session."""

from dataclasses import dataclass

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
