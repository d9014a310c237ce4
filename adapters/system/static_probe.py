from domain.shared.health import ProbeResult


class StaticProbe:
    """For a backend that is checked when first used (an embedded Milvus Lite file, the memory store)."""

    def __init__(self, name: str, detail: dict[str, str]) -> None:
        self._result = ProbeResult(name, True, detail)

    async def check(self) -> ProbeResult:
        return self._result
