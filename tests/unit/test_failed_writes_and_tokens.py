"""What a failed upload leaves behind, and tokens signed with the real key but malformed, without a database."""

from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import jwt
import pytest

from adapters.security.jwt_tokens import JwtAccessTokenIssuer
from adapters.storage.local_files import LocalFileStorage
from application.files.upload_file import UploadFileForApp
from domain.apps.entities import App, AppMode, EndUser
from domain.files.entities import UploadLimits
from domain.tenancy.errors import InvalidAccessToken
from tests.fakes import FakeUnitOfWork, FakeUnitOfWorkBlock, FixedClock, SequentialIds
from tests.unit.maintenance_fakes import InMemoryFileStorage


def test_a_token_with_the_real_signature_but_a_string_exp_or_a_numeric_sub_is_invalid():
    key, clock = "k" * 32, FixedClock()
    issuer = JwtAccessTokenIssuer(key, clock, timedelta(minutes=60), timedelta(days=30))
    for claims in ({"sub": str(uuid4()), "exp": "tomorrow"}, {"sub": 7, "exp": clock.now().timestamp() + 60},
                   {"sub": str(uuid4()), "exp": True}, {"sub": "not-a-uuid", "exp": clock.now().timestamp() + 60}):
        token = jwt.encode({"kind": "access", "iss": "weir", **claims}, key, algorithm="HS256")
        with pytest.raises(InvalidAccessToken):
            issuer.account_for_access(token)


class RowRefused(Exception):
    pass


class RefusingBlock(FakeUnitOfWorkBlock):
    async def __aenter__(self) -> "RefusingBlock":
        await super().__aenter__()

        async def refuse(upload) -> None:
            raise RowRefused(upload.name)

        self.uploads.add = refuse
        return self


class RefusingUploads(FakeUnitOfWork):
    """A database that refuses the upload's row (as PostgreSQL refused a 10,000-character name)."""

    def __call__(self) -> RefusingBlock:
        return RefusingBlock(self)


async def test_an_upload_whose_row_is_refused_leaves_no_bytes():
    clock, ids, storage = FixedClock(), SequentialIds(), InMemoryFileStorage()
    app = App(id=uuid4(), tenant_id=uuid4(), name="a", mode=AppMode.CHAT, created_by=uuid4(), created_at=clock.now(),
              updated_at=clock.now())
    user = EndUser(id=uuid4(), tenant_id=app.tenant_id, app_id=app.id, session_id="u", is_anonymous=False,
                   created_at=clock.now(), updated_at=clock.now())
    upload = UploadFileForApp(RefusingUploads(), storage, UploadLimits(), clock, ids)
    with pytest.raises(RowRefused):
        await upload.execute(app, user, "notes.txt", "text/plain", b"hello")
    assert storage.files == {}
    stored = await UploadFileForApp(FakeUnitOfWork(), storage, UploadLimits(), clock, ids).execute(
        app, user, "notes.txt", "text/plain", b"hello")
    assert list(storage.files) == [stored.key]


async def test_a_failed_local_write_leaves_no_partial_file(tmp_path, monkeypatch):
    storage = LocalFileStorage(tmp_path)

    def disk_full(self, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", disk_full)
    with pytest.raises(OSError):
        await storage.save("upload_files/t/f.txt", b"hello")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
