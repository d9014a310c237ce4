"""Retention over a million synthetic messages while chat traffic keeps inserting.

Starts an embedded PostgreSQL in a temporary folder, migrates it, and for each batch size: seeds
`--rows` messages (half 60 days old, interleaved; 1 % with a feedback), runs the retention use case
(30 days) while a concurrent session inserts fresh messages with `lock_timeout = '1s'`, and prints
rows deleted, batches, rows/s, the inserter's count, its lock timeouts and its slowest insert.

    uv run python bench/retention.py                 # 1M rows, batches of 1000 and 5000
    uv run python bench/retention.py --rows 200000 --batch 2000
"""

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.persistence.embedded_postgres import start_embedded_postgres, stop_embedded_postgres
from adapters.persistence.engine import make_engine
from adapters.persistence.maintenance_retention import SqlaExpiredRecordStore
from adapters.persistence.migrator import upgrade
from adapters.system.clock import SystemClock
from application.maintenance.purge_expired_records import PurgeExpiredRecords
from domain.maintenance.policies import ExpiringRecords, RetentionPolicy
from tests.conftest import create_database, truncate_all
from tests.integration.maintenance_seed import seed_app, seed_messages
from tests.integration.test_retention import insert_while


async def run_once(url: str, rows: int, batch: int) -> dict:
    truncate_all(url)
    started = time.monotonic()
    _, app_id, conversation_id = seed_app(url)
    expired = seed_messages(url, app_id, conversation_id, rows)
    seeded = time.monotonic() - started
    engine = make_engine(url, pool_size=2)
    running = asyncio.Event()
    running.set()
    inserter = asyncio.create_task(insert_while(url, app_id, conversation_id, running))
    await asyncio.sleep(0.2)
    policy = RetentionPolicy({ExpiringRecords.MESSAGES: 30})
    report = await PurgeExpiredRecords(SqlaExpiredRecordStore(engine), SystemClock(), policy, batch).execute()
    running.clear()
    seen = await inserter
    await engine.dispose()
    deleted = report.deleted[ExpiringRecords.MESSAGES]
    assert deleted == expired, (deleted, expired)
    return dict(
        rows=rows, batch=batch, seed_s=seeded, deleted=deleted, batches=report.batches, seconds=report.seconds,
        rate=deleted / report.seconds, per_batch_ms=1000 * report.seconds / report.batches,
        inserted=seen["inserted"], lock_timeouts=seen["lock_timeouts"], slowest_ms=1000 * seen["slowest"],
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, action="append")
    args = parser.parse_args()
    storage = Path(tempfile.mkdtemp(prefix="weir-bench-retention-"))
    try:
        url = create_database(start_embedded_postgres(storage), "weir_bench")
        upgrade(url)
        results = [await run_once(url, args.rows, batch) for batch in args.batch or [1000, 5000]]
    finally:
        stop_embedded_postgres(storage)
        shutil.rmtree(storage, ignore_errors=True)
    print(f"\nretention of {args.rows:,} messages (half expired), concurrent inserts with lock_timeout = 1s")
    print(f"{'batch':>6} {'deleted':>9} {'batches':>8} {'seconds':>8} {'rows/s':>9} {'ms/batch':>9} "
          f"{'inserts':>8} {'lock timeouts':>14} {'slowest insert':>15}")
    for r in results:
        print(f"{r['batch']:>6} {r['deleted']:>9,} {r['batches']:>8} {r['seconds']:>8.2f} {r['rate']:>9,.0f} "
              f"{r['per_batch_ms']:>9.1f} {r['inserted']:>8} {r['lock_timeouts']:>14} {r['slowest_ms']:>12.0f} ms")


if __name__ == "__main__":
    asyncio.run(main())
