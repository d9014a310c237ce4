from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the current time.

    Contract: `now()` returns a timezone-aware UTC datetime; successive calls never go backwards
    within one process.
    """

    def now(self) -> datetime: ...
