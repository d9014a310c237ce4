from typing import Protocol
from uuid import UUID


class IdGenerator(Protocol):
    """Hands out new identifiers for entities. Contract: never returns the same id twice."""

    def new_id(self) -> UUID: ...
