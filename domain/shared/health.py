from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ProbeResult:
    name: str
    ok: bool
    detail: dict[str, str] = field(default_factory=dict)


class DependencyProbe(Protocol):
    """Checks one backing service. Contract: never raises; a failure is a result with ok False."""

    async def check(self) -> ProbeResult: ...
