import asyncio
from dataclasses import dataclass

from domain.shared.health import DependencyProbe, ProbeResult

PROBE_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class HealthReport:
    ok: bool
    checks: list[ProbeResult]


class CheckHealth:
    """Asks every backing service how it is, concurrently; a probe that hangs counts as down."""

    def __init__(self, probes: list[DependencyProbe]) -> None:
        self._probes = probes

    async def execute(self) -> HealthReport:
        results = await asyncio.gather(*(self._bounded(probe) for probe in self._probes))
        return HealthReport(ok=all(r.ok for r in results), checks=list(results))

    async def _bounded(self, probe: DependencyProbe) -> ProbeResult:
        try:
            return await asyncio.wait_for(probe.check(), PROBE_TIMEOUT_SECONDS)
        except TimeoutError:
            return ProbeResult(name=type(probe).__name__, ok=False, detail={"error": "timed out"})
