"""Who may read an uploaded file (UploadFile.readable_by): stricter than Dify's workspace-only check."""

from datetime import UTC, datetime
from uuid import UUID

import pytest

from domain.files.entities import FileReader, UploadFile

WORKSPACE, OTHER_WORKSPACE = UUID(int=1), UUID(int=2)
OWNER, COLLEAGUE = UUID(int=10), UUID(int=11)  # accounts: the app's owner, another member
ALICE, BOB = UUID(int=20), UUID(int=21)  # end users (each of one app)


def _upload(role: str, by: UUID, tenant: UUID = WORKSPACE) -> UploadFile:
    return UploadFile(id=UUID(int=99), tenant_id=tenant, key="k", name="n.md", size=1, extension="md",
                      mime_type="text/markdown", created_by=by, created_by_role=role,
                      created_at=datetime(2026, 1, 1, tzinfo=UTC), hash="h")


ALICE_READS = FileReader(WORKSPACE, app_owner=OWNER, role="end_user", user_id=ALICE)


@pytest.mark.parametrize(("upload", "readable"), [
    (_upload("end_user", ALICE), True),  # her own upload, so her app's
    (_upload("end_user", BOB), False),  # another end user (of this app or another)
    (_upload("account", OWNER), True),  # one of the app's own files, its owner's console upload
    (_upload("account", COLLEAGUE), False),  # another member's
    (_upload("end_user", ALICE, tenant=OTHER_WORKSPACE), False),
], ids=["own", "other-end-user", "app-owner", "other-account", "other-workspace"])
def test_a_file_is_readable_by_its_uploader_or_as_the_apps_own_file_only(upload, readable):
    assert upload.readable_by(ALICE_READS) is readable


def test_a_console_run_reads_what_its_account_uploaded():
    colleague_reads = FileReader(WORKSPACE, app_owner=OWNER, role="account", user_id=COLLEAGUE)
    assert _upload("account", COLLEAGUE).readable_by(colleague_reads)
    assert not _upload("end_user", ALICE).readable_by(colleague_reads)
