"""What housekeeping needs from the stores. Every method is one short transaction, so a long job
never holds locks for long and a crash loses at most one batch of work, which the next run redoes."""

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.maintenance.app_purge import AppRecords
from domain.maintenance.leases import ProcessIdentity
from domain.maintenance.policies import ExpiringRecords


class ExpiredRecordStore(Protocol):
    async def delete_expired(self, kind: ExpiringRecords, before: datetime, limit: int) -> int:
        """Deletes up to `limit` of the oldest records of `kind` created before `before` (messages with
        their feedback); rows another transaction holds are skipped, never waited for. Returns how many.
        Raises StoreUnavailable when the database cannot be reached."""


class StaleRunStore(Protocol):
    async def fail_running(self, started_before: datetime, reason: str, at: datetime, limit: int) -> int:
        """Marks up to `limit` runs still `running` that started before `started_before` as `failed`
        with `reason` and `finished_at = at` (and their running node executions). Returns how many."""


class OrphanUploadStore(Protocol):
    async def remove_unused(self, created_before: datetime, limit: int) -> list[str]:
        """Deletes up to `limit` upload rows never used and created before `created_before`; returns
        their storage keys (the caller deletes the bytes)."""


class AppPurgeStore(Protocol):
    async def is_deleting(self, app_id: UUID) -> bool:
        """True while the app is marked deleted and its row still exists."""

    async def delete_batch(self, app_id: UUID, records: AppRecords, limit: int) -> int:
        """Deletes up to `limit` of the app's `records`; returns how many (0: none left).
        Not for UPLOAD_FILES, whose bytes must go too: see `remove_uploads`."""

    async def remove_uploads(self, app_id: UUID, limit: int) -> list[str]:
        """Deletes up to `limit` upload rows of the app's end users; returns their storage keys."""

    async def touch(self, app_id: UUID, at: datetime) -> None:
        """Records progress, so the reaper leaves a live deletion alone."""

    async def remove_app(self, app_id: UUID) -> None:
        """Deletes the app row itself (only if still marked deleted)."""

    async def stalled(self, idle_since: datetime, limit: int) -> list[UUID]:
        """Apps marked deleted with no progress since `idle_since` (their job was lost)."""


class AppPurgeQueue(Protocol):
    async def purge_app(self, app_id: UUID) -> None:
        """Enqueues the removal of a deleted app's data. Raises StoreUnavailable if the queue is down."""


class ProcessLeaseStore(Protocol):
    """Process leases (domain/maintenance/leases.py). Times are the store's own clock, so processes on
    hosts whose clocks differ agree on what expired."""

    async def renew(self, owner: UUID, identity: ProcessIdentity, seconds: float) -> None:
        """Creates or extends `owner`'s lease until `seconds` from now."""

    async def release(self, owner: UUID) -> None:
        """Ends `owner`'s lease now (a clean stop: whatever it still holds is orphaned at once)."""

    async def leases_in(self, namespace: str) -> list[tuple[UUID, int]]:
        """(owner, pid) of the live leases taken by processes of the pid namespace `namespace`."""


class OrphanStore(Protocol):
    async def fail_orphaned_messages(self, reason: str, limit: int) -> int:
        """Marks up to `limit` messages still `generating` whose lease owner holds no live lease as `error`
        with `reason` (their answer so far kept). Returns how many."""

    async def fail_orphaned_runs(self, reason: str, at: datetime, limit: int) -> int:
        """Marks up to `limit` runs still `running` with a lease owner that holds no live lease as `failed`
        with `reason` and `finished_at = at` (and their running node executions). Runs without an owner are
        never touched. Returns how many."""

    async def forget_expired_leases(self) -> int:
        """Deletes leases long expired (they mark nothing live any more). Returns how many."""


class ProcessProbe(Protocol):
    def identity(self) -> ProcessIdentity:
        """This process."""

    def alive(self, pid: int) -> bool:
        """Whether a process with this pid exists in this process's pid namespace."""
