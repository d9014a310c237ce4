import asyncio
import contextlib
import logging
from uuid import UUID

from domain.shared.unit_of_work import UnitOfWorkFactory

log = logging.getLogger("weir.generation")

SAVE_EVERY_SECONDS = 1.0
SAVE_EVERY_DELTAS = 100


class AnswerProgress:
    """The answer of a message as it streams, saved now and then so a crash keeps what the user saw.

    Rules: unsaved text is saved at most SAVE_EVERY_SECONDS after it arrived, or as soon as SAVE_EVERY_DELTAS
    deltas are unsaved, whichever comes first; each save is an UPDATE of the message's answer alone (which the
    store applies only while the message is `generating`); saves never overlap and one that fails is logged
    and retried with the next; nothing is saved once the progress is closed, which the generation does before
    it writes the message's final state. The saves are a ProgressSaves' (the process's one, shared by every
    generation, or one of its own). Used as `async with AnswerProgress(...) as progress:`.
    """

    def __init__(self, uow: UnitOfWorkFactory, message_id: UUID, shared: "ProgressSaves | None" = None) -> None:
        self._message_id = message_id
        self._saves = shared or ProgressSaves(uow)
        self._parts: list[str] = []
        self._saved = 0  # how many parts the store has
        self._closed = False

    @property
    def text(self) -> str:
        return "".join(self._parts)

    @property
    def message_id(self) -> UUID:
        return self._message_id

    def add(self, delta: str) -> None:
        self._parts.append(delta)
        self._saves.offer(self, urgent=len(self._parts) - self._saved >= SAVE_EVERY_DELTAS)

    def unsaved(self) -> tuple[str, int] | None:
        """(the answer so far, its part count) when some of it is not stored yet and the progress is open."""
        count = len(self._parts)
        if self._closed or count == self._saved:
            return None
        return "".join(self._parts[:count]), count

    def stored(self, count: int) -> None:
        self._saved = max(self._saved, count)

    async def __aenter__(self) -> "AnswerProgress":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closed = True
        self._saves.drop(self)


class ProgressSaves:
    """One saver for every generation of the process: the answers so far of all messages streaming now, written
    in one transaction at most SAVE_EVERY_SECONDS after they arrived (sooner when one has SAVE_EVERY_DELTAS
    unsaved deltas), instead of a transaction per message per second: a thousand open streams would otherwise
    hold the whole connection pool with progress saves.

    Rules (AnswerProgress's, across messages): saves never overlap; a failed save is logged and its answers wait
    for the next; a progress closed meanwhile is not saved (and the store ignores a message no longer
    `generating`, so a save racing the final write changes nothing). The saver stops when nothing waits.
    """

    def __init__(self, uow: UnitOfWorkFactory, interval: float | None = None) -> None:
        self._uow = uow
        self._interval = interval  # None: SAVE_EVERY_SECONDS as it is when a save is due
        self._waiting: dict[UUID, AnswerProgress] = {}
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    def offer(self, progress: AnswerProgress, urgent: bool = False) -> None:
        self._waiting[progress.message_id] = progress
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._wake = asyncio.Event()
            self._task = loop.create_task(self._keep_saving())
        if urgent and self._wake is not None:
            self._wake.set()

    def drop(self, progress: AnswerProgress) -> None:
        if self._waiting.get(progress.message_id) is progress:
            del self._waiting[progress.message_id]

    async def _keep_saving(self) -> None:
        wake = self._wake
        while self._waiting:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._interval if self._interval is not None else SAVE_EVERY_SECONDS):
                    await wake.wait()
            wake.clear()
            batch = {p.message_id: (p, snap) for p in list(self._waiting.values()) if (snap := p.unsaved())}
            for message_id in batch:
                self._waiting.pop(message_id, None)
            if not batch:
                continue
            try:
                async with self._uow() as uow:
                    await uow.messages.save_progress_many({k: snap[0] for k, (_, snap) in batch.items()})
                    await uow.commit()
            except Exception:
                log.warning("could not save the answers so far of %d messages", len(batch), exc_info=True)
                for message_id, (progress, _) in batch.items():
                    self._waiting.setdefault(message_id, progress)
                continue
            for progress, (_, count) in batch.values():
                progress.stored(count)
