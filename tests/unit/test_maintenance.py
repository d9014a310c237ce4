"""Housekeeping use cases with in-memory stores: what expires, in which batches, what a deletion removes."""

import asyncio
import logging
from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from application.apps.create_api_key import CreateApiKey
from application.apps.delete_app import DeleteApp
from application.maintenance.clean_orphan_uploads import CleanOrphanUploads
from application.maintenance.process_lease import ProcessLease
from application.maintenance.purge_deleted_app import PurgeDeletedApp
from application.maintenance.purge_expired_records import PurgeExpiredRecords
from application.maintenance.reap_orphaned_work import ReapOrphanedWork
from application.maintenance.reap_stale_runs import ReapStaleRuns
from application.maintenance.resume_app_deletions import STALLED_AFTER, ResumeAppDeletions
from domain.apps.entities import AppStatus, TokenType
from domain.maintenance.app_purge import PURGE_ORDER, AppRecords
from domain.maintenance.leases import INTERRUPTED_MESSAGE, INTERRUPTED_RUN, LeaseTerms, ProcessIdentity
from domain.maintenance.policies import STALE_RUN_GRACE, ExpiringRecords, RetentionPolicy
from domain.shared.errors import StoreUnavailable
from tests.fakes import FakeSecrets, FixedClock, RecordingSink, SequentialIds
from tests.polling import eventually
from tests.unit.maintenance_fakes import (
    FakeProcessProbe,
    InMemoryAppPurge,
    InMemoryExpiredRecords,
    InMemoryFileStorage,
    InMemoryLeases,
    InMemoryOrphanUploads,
    InMemoryStaleRuns,
    RecordingPurgeQueue,
)


def _ages(clock, days: list[float]):
    return [clock.now() - timedelta(days=d) for d in days]


async def test_retention_deletes_only_records_past_their_days_in_bounded_batches(clock, caplog):
    store = InMemoryExpiredRecords({
        ExpiringRecords.MESSAGES: _ages(clock, [40] * 25 + [10] * 5),
        ExpiringRecords.WORKFLOW_RUNS: _ages(clock, [100, 5]),
        ExpiringRecords.WORKFLOW_APP_LOGS: _ages(clock, [400]),
    })
    policy = RetentionPolicy({ExpiringRecords.MESSAGES: 30, ExpiringRecords.WORKFLOW_RUNS: 90,
                              ExpiringRecords.WORKFLOW_APP_LOGS: 0})
    with caplog.at_level(logging.INFO):
        report = await PurgeExpiredRecords(store, clock, policy, batch_size=10).execute()

    assert report.deleted == {ExpiringRecords.MESSAGES: 25, ExpiringRecords.WORKFLOW_RUNS: 1}
    assert [limit for _, _, limit in store.calls] == [10, 10, 10, 10]  # 10 + 10 + 5 (short: done), then 1
    assert len(store.rows[ExpiringRecords.MESSAGES]) == 5 and len(store.rows[ExpiringRecords.WORKFLOW_APP_LOGS]) == 1
    lines = [r.getMessage() for r in caplog.records if r.name.endswith("purge_expired_records")]
    assert len(lines) == 1 and "messages=25" in lines[0] and "workflow_runs=1" in lines[0]


async def test_retention_run_is_bounded_and_the_next_run_carries_on(clock):
    store = InMemoryExpiredRecords({ExpiringRecords.MESSAGES: _ages(clock, [40] * 50)})
    use_case = PurgeExpiredRecords(store, clock, RetentionPolicy({ExpiringRecords.MESSAGES: 30}), 10, max_batches=2)
    assert (await use_case.execute()).deleted[ExpiringRecords.MESSAGES] == 20
    assert (await use_case.execute()).deleted[ExpiringRecords.MESSAGES] == 20
    assert (await use_case.execute()).deleted[ExpiringRecords.MESSAGES] == 10


async def test_nothing_expires_by_default(clock):
    store = InMemoryExpiredRecords({ExpiringRecords.MESSAGES: _ages(clock, [4000])})
    report = await PurgeExpiredRecords(store, clock, RetentionPolicy()).execute()
    assert report.deleted == {} and store.calls == []


async def test_runs_running_past_the_limit_are_failed_with_a_reason(clock):
    limit = 1200
    just_inside = clock.now() - timedelta(seconds=limit) - STALE_RUN_GRACE + timedelta(seconds=1)
    stale = [clock.now() - timedelta(hours=h) for h in (1, 2, 3)]
    store = InMemoryStaleRuns([just_inside, *stale])
    assert await ReapStaleRuns(store, clock, limit, batch_size=2).execute() == 3
    assert store.running == [just_inside]
    assert all(reason.startswith("The run did not finish within WORKFLOW_MAX_EXECUTION_TIME (1200 s)")
               and at == clock.now() for _, reason, at in store.failed)


async def test_orphan_uploads_lose_row_and_bytes_only_when_unused_and_old(clock):
    old, new = clock.now() - timedelta(hours=30), clock.now() - timedelta(hours=1)
    storage = InMemoryFileStorage({"a": b"1", "b": b"2", "c": b"3"})
    store = InMemoryOrphanUploads([("a", old, False), ("b", old, True), ("c", new, False)])
    assert await CleanOrphanUploads(store, storage, clock, max_age_hours=24).execute() == 1
    assert set(storage.files) == {"b", "c"} and [u[0] for u in store.uploads] == ["b", "c"]


async def test_orphan_sweep_is_off_at_zero_hours(clock):
    store = InMemoryOrphanUploads([("a", clock.now() - timedelta(days=400), False)])
    assert await CleanOrphanUploads(store, InMemoryFileStorage(), clock, max_age_hours=0).execute() == 0
    assert store.uploads


def _app_rows() -> dict[AppRecords, int]:
    return {records: 7 for records in AppRecords}


async def test_a_deleted_app_loses_everything_children_first_then_its_row(clock):
    app_id = uuid4()
    store = InMemoryAppPurge(app_id, _app_rows())
    storage = InMemoryFileStorage({key: b"x" for key in store.uploads})
    deleted = await PurgeDeletedApp(store, storage, clock, batch_size=3).execute(app_id)

    assert deleted == {records: 7 for records in AppRecords}
    assert not store.app_exists and storage.files == {}
    assert list(dict.fromkeys(store.order)) == list(PURGE_ORDER)
    assert PURGE_ORDER.index(AppRecords.MESSAGES) < PURGE_ORDER.index(AppRecords.CONVERSATIONS)
    assert PURGE_ORDER.index(AppRecords.UPLOAD_FILES) < PURGE_ORDER.index(AppRecords.END_USERS)
    assert len(store.touched) == len(store.order)  # progress recorded after every batch


async def test_a_half_done_deletion_resumes_where_it_stopped(clock):
    app_id = uuid4()
    store = InMemoryAppPurge(app_id, _app_rows(), fail_after=9)
    storage = InMemoryFileStorage({key: b"x" for key in store.uploads})
    use_case = PurgeDeletedApp(store, storage, clock, batch_size=3)
    with pytest.raises(StoreUnavailable):  # the worker dies mid-way
        await use_case.execute(app_id)
    assert store.app_exists and store.rows[AppRecords.FEEDBACKS] == 0 and store.rows[AppRecords.END_USERS] == 7

    store.fail_after = None
    again = await use_case.execute(app_id)  # redelivered, or re-enqueued by the reaper
    assert not store.app_exists and not any(store.rows.values()) and storage.files == {}
    assert again[AppRecords.FEEDBACKS] == 0 and again[AppRecords.END_USERS] == 7
    assert await use_case.execute(app_id) == {}  # a third delivery finds nothing to do


async def test_an_app_not_marked_deleted_is_never_purged(clock):
    app_id = uuid4()
    store = InMemoryAppPurge(app_id, _app_rows(), deleting=False)
    assert await PurgeDeletedApp(store, InMemoryFileStorage(), clock).execute(app_id) == {}
    assert store.app_exists and store.rows[AppRecords.MESSAGES] == 7


async def test_stalled_deletions_are_enqueued_again_once(clock):
    app_id = uuid4()
    store, queue = InMemoryAppPurge(app_id, _app_rows()), RecordingPurgeQueue()
    store.updated_at = clock.now()
    resume = ResumeAppDeletions(store, queue, clock)
    assert await resume.execute() == 0  # progress just now: its job is alive
    clock.advance(seconds=STALLED_AFTER.total_seconds() + 1)
    assert await resume.execute() == 1 and queue.sent == [app_id]
    assert await resume.execute() == 0  # not sent again at the next tick


async def test_deleting_an_app_hides_it_kills_its_keys_and_enqueues_the_purge(uow, clock, ids, owner, chat_app):
    _, tenant_id = owner
    key = await CreateApiKey(uow, FakeSecrets(), clock, ids).execute(tenant_id, TokenType.APP, chat_app.id)
    queue = RecordingPurgeQueue()
    await DeleteApp(uow, RecordingSink(), clock, queue).execute(tenant_id, chat_app.id)

    async with uow() as u:
        stored = await u.apps.get(chat_app.id)
        assert stored.status == AppStatus.DELETING  # the row stays until the purge; the repository hides it
        assert await u.api_tokens.find(key.token, TokenType.APP) is None
    assert queue.sent == [chat_app.id]


async def test_an_app_is_deleted_even_when_the_queue_is_down(uow, clock, owner, chat_app):
    _, tenant_id = owner
    await DeleteApp(uow, RecordingSink(), clock, RecordingPurgeQueue(down=True)).execute(tenant_id, chat_app.id)
    async with uow() as u:
        assert (await u.apps.get(chat_app.id)).status == AppStatus.DELETING



# Orphaned work: what a dead process left generating or running (domain/maintenance/leases.py)


def _leased(store: InMemoryLeases, namespace: str, pid: int, seconds: float = 30) -> UUID:
    owner = uuid4()
    store.leases[owner] = (ProcessIdentity("some-host", pid, namespace), store.now + seconds)
    return owner


async def test_only_what_a_dead_process_left_is_failed_never_a_live_owners_rows_nor_queued_runs(clock, caplog):
    store = InMemoryLeases()
    live, dead = _leased(store, "ns-b", 5), _leased(store, "ns-b", 6, seconds=10)
    store.now = 11  # the dead process stopped renewing: its lease lapsed
    never_leased = uuid4()
    store.messages = {
        "live": [live, "generating", None], "dead": [dead, "generating", None], "done": [dead, "normal", None],
        "nobody": [never_leased, "generating", None],
    }
    store.runs = {
        "live": [live, "running", None, None], "dead": [dead, "running", None, None],
        "queued": [None, "running", None, None], "done": [dead, "succeeded", None, None],
    }
    reap = ReapOrphanedWork(store, store, FakeProcessProbe(), clock, batch_size=1)
    with caplog.at_level(logging.WARNING):
        assert await reap.execute() == 3
    assert {k: tuple(v[1:]) for k, v in store.messages.items()} == {
        "live": ("generating", None), "dead": ("error", INTERRUPTED_MESSAGE), "done": ("normal", None),
        "nobody": ("error", INTERRUPTED_MESSAGE),
    }
    assert {k: tuple(v[1:]) for k, v in store.runs.items()} == {
        "live": ("running", None, None), "dead": ("failed", INTERRUPTED_RUN, clock.now()),
        "queued": ("running", None, None), "done": ("succeeded", None, None),
    }
    assert "2 messages and 1 workflow runs left by a dead process" in caplog.text
    assert list(store.leases) == [live]  # the lapsed lease is forgotten


async def test_at_start_the_leases_of_gone_pids_of_this_namespace_end_at_once_not_others(clock):
    store = InMemoryLeases()
    gone, running = _leased(store, "ns-a", 200), _leased(store, "ns-a", 300)
    elsewhere = _leased(store, "ns-b", 200)  # the same pid in another namespace says nothing about it
    store.messages = {name: [owner, "generating", None] for name, owner in
                      (("gone", gone), ("running", running), ("elsewhere", elsewhere))}
    probe = FakeProcessProbe(alive={300})
    reap = ReapOrphanedWork(store, store, probe, clock)
    assert await reap.execute() == 0  # the leases have not lapsed yet
    assert await reap.execute(at_start=True) == 1
    assert {name: row[1] for name, row in store.messages.items()} == {
        "gone": "error", "running": "generating", "elsewhere": "generating",
    }
    store.messages["gone"][1] = "generating"
    store.leases[gone] = (ProcessIdentity("h", 200, None), 30)
    unknown = ReapOrphanedWork(store, store, FakeProcessProbe(namespace=None), clock)
    assert await unknown.execute(at_start=True) == 0  # off Linux: only a lapsed lease tells


def _lease(store: InMemoryLeases, ids, seconds: float = 30) -> ProcessLease:
    reap = ReapOrphanedWork(store, store, FakeProcessProbe(), FixedClock())
    return ProcessLease(store, FakeProcessProbe(), reap, LeaseTerms(seconds), ids)


async def test_the_lease_is_taken_once_before_any_row_names_it_and_start_reaps_at_once():
    store = InMemoryLeases()
    lease = _lease(store, SequentialIds())
    dead = _leased(store, "ns-a", 200)
    store.messages = {"left": [dead, "generating", None]}
    owners = await asyncio.gather(lease.hold(), lease.hold())
    assert owners == [lease.owner, lease.owner] and store.renewals == [lease.owner]
    assert store.messages["left"][1] == "generating"  # hold alone reaps nothing
    await lease.start()
    assert store.messages["left"][1] == "error" and store.renewals == [lease.owner]
    await lease.release()
    assert lease.owner not in store.leases


async def test_the_lease_is_renewed_while_held_a_failed_renewal_is_retried_and_release_ends_it(caplog):
    store = InMemoryLeases()
    lease = _lease(store, SequentialIds(), seconds=0.03)  # renewed every 10 ms
    await lease.hold()
    await eventually(lambda: len(store.renewals) >= 3, what="the lease to be renewed")
    store.down = True
    with caplog.at_level(logging.WARNING):
        await eventually(lambda: "could not renew lease" in caplog.text, what="a failed renewal to be logged")
    store.down = False
    renewed = len(store.renewals)
    await eventually(lambda: len(store.renewals) > renewed, what="the renewals to go on")
    await lease.release()
    assert lease.owner not in store.leases
    released = len(store.renewals)
    for _ in range(10):  # the keeper was awaited to its end: no renewal comes, however long one waits
        await asyncio.sleep(0)
    assert len(store.renewals) == released and lease._keeper is None
