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
    deltas are unsaved, whichever comes first; each save is one UPDATE of the message's answer alone (which
    the store applies only while the message is `generating`); saves never overlap (a slow database spaces
    them out, never stacks them) and one that fails is logged and retried with the next; nothing is saved
    once the progress is closed, which the generation does before it writes the message's final state.
    Used as `async with AnswerProgress(...) as progress:`.
    """

    def __init__(self, uow: UnitOfWorkFactory, message_id: UUID) -> None:
        self._uow = uow
        self._message_id = message_id
        self._parts: list[str] = []
        self._saved = 0  # how many parts the store has
        self._wake = asyncio.Event()
        self._closed = False
        self._saver: asyncio.Task[None] | None = None

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def add(self, delta: str) -> None:
        self._parts.append(delta)
        if len(self._parts) - self._saved >= SAVE_EVERY_DELTAS:
            self._wake.set()

    async def __aenter__(self) -> "AnswerProgress":
        self._saver = asyncio.create_task(self._keep_saving())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closed = True
        self._wake.set()
        if self._saver is not None:
            if exc[0] is not None and issubclass(exc[0], asyncio.CancelledError):
                self._saver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._saver

    async def _keep_saving(self) -> None:
        while not self._closed:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(SAVE_EVERY_SECONDS):
                    await self._wake.wait()
            self._wake.clear()
            if self._closed or len(self._parts) == self._saved:
                continue
            count = len(self._parts)
            try:
                async with self._uow() as uow:
                    await uow.messages.save_progress(self._message_id, "".join(self._parts[:count]))
                    await uow.commit()
                self._saved = count
            except Exception:
                log.warning("could not save the answer so far of message %s", self._message_id, exc_info=True)
