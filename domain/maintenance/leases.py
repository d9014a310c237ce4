"""Who is still working on what: process leases, and what a message or run left by a dead process is told.

Every process that generates answers or runs workflows in memory holds one lease, a row it renews every
`renew_every` seconds for `seconds` more (one UPDATE however many rows it works on), and records its
instance id (`lease_owner`) on each message and run it works on. A row still `generating` / `running`
whose owner holds no live lease was left by a process that died (kill -9, crash, lost host): nobody will
ever finish it, so it is marked failed with a reason. A row with no owner is in a durable queue's hands
(an async run on Redis: the queue redelivers it when its worker dies) and is never failed for its owner.
"""

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

INTERRUPTED_MESSAGE = (
    "The answer was interrupted: the process generating it stopped (crash, kill or restart) before it finished."
)
INTERRUPTED_RUN = (
    "The run was interrupted: the process running it stopped (crash, kill or restart) before it finished."
)
SHUT_DOWN_MESSAGE = "The answer was interrupted: the server shut down before it finished."
SHUT_DOWN_RUN = "The run was interrupted: the server shut down before it finished."


@dataclass(frozen=True, slots=True)
class LeaseTerms:
    """How long a lease lives unrenewed (`seconds`); it is renewed three times in that span, and each
    renewal looks for other processes' orphans too: a row left by a dead process on another host is marked
    within `seconds + renew_every`."""

    seconds: float = 30.0

    @property
    def renew_every(self) -> float:
        return self.seconds / 3


@dataclass(frozen=True, slots=True)
class ProcessIdentity:
    """Where a process runs: `namespace` names the pid namespace its `pid` means something in (None when
    that cannot be known), so a process of the same namespace can tell whether the pid is gone."""

    host: str
    pid: int
    namespace: str | None


class WorkLease(Protocol):
    """This process's lease, for the use cases that record it on what they work on."""

    async def hold(self) -> UUID:
        """This process's instance id, its lease live (taken on the first call): record it on a row only
        after this returned, so no reaper ever sees the row before the lease."""
