"""In-memory doubles of the housekeeping ports (domain/maintenance/ports.py and FileStorage)."""

from datetime import datetime
from uuid import UUID

from domain.maintenance.app_purge import AppRecords
from domain.maintenance.leases import ProcessIdentity
from domain.maintenance.policies import ExpiringRecords
from domain.shared.errors import StoreUnavailable


class InMemoryExpiredRecords:
    def __init__(self, rows: dict[ExpiringRecords, list[datetime]]) -> None:
        self.rows = rows
        self.calls: list[tuple[ExpiringRecords, datetime, int]] = []

    async def delete_expired(self, kind: ExpiringRecords, before: datetime, limit: int) -> int:
        self.calls.append((kind, before, limit))
        expired = sorted(at for at in self.rows.get(kind, []) if at < before)[:limit]
        for at in expired:
            self.rows[kind].remove(at)
        return len(expired)


class InMemoryStaleRuns:
    def __init__(self, started: list[datetime]) -> None:
        self.running = sorted(started)
        self.failed: list[tuple[datetime, str, datetime]] = []

    async def fail_running(self, started_before: datetime, reason: str, at: datetime, limit: int) -> int:
        batch = [s for s in self.running if s < started_before][:limit]
        for started in batch:
            self.running.remove(started)
            self.failed.append((started, reason, at))
        return len(batch)


class InMemoryFileStorage:
    def __init__(self, files: dict[str, bytes] | None = None) -> None:
        self.files = dict(files or {})

    async def save(self, key: str, data: bytes) -> None:
        self.files[key] = data

    async def load(self, key: str) -> bytes:
        return self.files[key]

    async def delete(self, key: str) -> None:
        self.files.pop(key, None)


class InMemoryOrphanUploads:
    def __init__(self, uploads: list[tuple[str, datetime, bool]]) -> None:
        self.uploads = uploads  # (key, created_at, used)

    async def remove_unused(self, created_before: datetime, limit: int) -> list[str]:
        batch = [u for u in self.uploads if not u[2] and u[1] < created_before][:limit]
        for upload in batch:
            self.uploads.remove(upload)
        return [key for key, _, _ in batch]


class InMemoryAppPurge:
    """One app's rows per kind; `fail_after` batches makes the store go away, as a crash would."""

    def __init__(self, app_id: UUID, rows: dict[AppRecords, int], deleting: bool = True,
                 fail_after: int | None = None) -> None:
        self.app_id = app_id
        self.rows = {records: rows.get(records, 0) for records in AppRecords}
        self.uploads = [f"upload_files/{i}" for i in range(rows.get(AppRecords.UPLOAD_FILES, 0))]
        self.deleting = deleting
        self.app_exists = True
        self.fail_after = fail_after
        self.order: list[AppRecords] = []
        self.touched: list[datetime] = []
        self.updated_at: datetime | None = None

    def _tick(self) -> None:
        if self.fail_after is not None:
            if self.fail_after == 0:
                raise StoreUnavailable()
            self.fail_after -= 1

    async def is_deleting(self, app_id: UUID) -> bool:
        return app_id == self.app_id and self.app_exists and self.deleting

    async def delete_batch(self, app_id: UUID, records: AppRecords, limit: int) -> int:
        assert records is not AppRecords.UPLOAD_FILES
        self._tick()
        count = min(limit, self.rows[records])
        self.rows[records] -= count
        if count:
            self.order.append(records)
        return count

    async def remove_uploads(self, app_id: UUID, limit: int) -> list[str]:
        self._tick()
        batch, self.uploads = self.uploads[:limit], self.uploads[limit:]
        self.rows[AppRecords.UPLOAD_FILES] = len(self.uploads)
        if batch:
            self.order.append(AppRecords.UPLOAD_FILES)
        return batch

    async def touch(self, app_id: UUID, at: datetime) -> None:
        self.touched.append(at)
        self.updated_at = at

    async def remove_app(self, app_id: UUID) -> None:
        assert not any(self.rows.values()), "the app row goes last"
        self.app_exists = False

    async def stalled(self, idle_since: datetime, limit: int) -> list[UUID]:
        idle = self.app_exists and self.deleting and (self.updated_at is None or self.updated_at < idle_since)
        return [self.app_id] if idle else []


class RecordingPurgeQueue:
    def __init__(self, down: bool = False) -> None:
        self.sent: list[UUID] = []
        self.down = down

    async def purge_app(self, app_id: UUID) -> None:
        if self.down:
            raise StoreUnavailable("The app deletion queue is unavailable.")
        self.sent.append(app_id)


class InMemoryLeases:
    """Process leases and the rows they own (a ProcessLeaseStore and an OrphanStore over one state), on a
    clock of its own: `now` in seconds, moved by the test."""

    def __init__(self) -> None:
        self.now = 0.0
        self.leases: dict[UUID, tuple[ProcessIdentity, float]] = {}  # owner -> (identity, expires at)
        self.messages: dict[str, list] = {}  # id -> [owner, status, error]
        self.runs: dict[str, list] = {}  # id -> [owner or None, status, error, finished at]
        self.renewals: list[UUID] = []
        self.down = False

    def live(self, owner: UUID | None) -> bool:
        return owner in self.leases and self.leases[owner][1] > self.now

    async def renew(self, owner: UUID, identity: ProcessIdentity, seconds: float) -> None:
        if self.down:
            raise StoreUnavailable()
        self.renewals.append(owner)
        self.leases[owner] = (identity, self.now + seconds)

    async def release(self, owner: UUID) -> None:
        self.leases.pop(owner, None)

    async def leases_in(self, namespace: str) -> list[tuple[UUID, int]]:
        return [(owner, identity.pid) for owner, (identity, _) in self.leases.items()
                if identity.namespace == namespace and self.live(owner)]

    async def fail_orphaned_messages(self, reason: str, limit: int) -> int:
        if self.down:
            raise StoreUnavailable()
        batch = [row for row in self.messages.values() if row[1] == "generating" and not self.live(row[0])][:limit]
        for row in batch:
            row[1:3] = ["error", reason]
        return len(batch)

    async def fail_orphaned_runs(self, reason: str, at: datetime, limit: int) -> int:
        batch = [row for row in self.runs.values()
                 if row[1] == "running" and row[0] is not None and not self.live(row[0])][:limit]
        for row in batch:
            row[1:4] = ["failed", reason, at]
        return len(batch)

    async def forget_expired_leases(self) -> int:
        expired = [owner for owner in self.leases if not self.live(owner)]
        for owner in expired:
            del self.leases[owner]
        return len(expired)


class FakeProcessProbe:
    """This process is pid 100 of namespace "ns-a"; `alive` holds the other pids that exist there."""

    def __init__(self, namespace: str | None = "ns-a", alive: set[int] = frozenset()) -> None:
        self.me = ProcessIdentity(host="host-a", pid=100, namespace=namespace)
        self.others = set(alive)

    def identity(self) -> ProcessIdentity:
        return self.me

    def alive(self, pid: int) -> bool:
        return pid == self.me.pid or pid in self.others
