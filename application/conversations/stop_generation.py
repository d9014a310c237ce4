from uuid import UUID

from domain.apps.entities import EndUser
from domain.conversations.ports import StopSignals


class StopGeneration:
    """Asks a running generation to stop, from any API process. A stop by another end user is silently
    ignored (Dify answers success either way, so task ids cannot be probed)."""

    def __init__(self, stops: StopSignals) -> None:
        self._stops = stops

    async def execute(self, task_id: UUID, end_user: EndUser) -> None:
        await self._stops.request_stop(task_id, end_user.session_id)
