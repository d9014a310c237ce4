"""Which records expire, after how long, and what an abandoned run is told."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class ExpiringRecords(StrEnum):
    """Records removed once older than their retention (by creation time)."""

    MESSAGES = "messages"  # with their feedback
    WORKFLOW_RUNS = "workflow_runs"
    WORKFLOW_NODE_EXECUTIONS = "workflow_node_executions"
    WORKFLOW_APP_LOGS = "workflow_app_logs"
    EMBEDDINGS_CACHE = "embeddings_cache"


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """Days to keep each kind of record; 0 (or absent) keeps them forever."""

    days: dict[ExpiringRecords, int] = field(default_factory=dict)

    def cutoffs(self, now: datetime) -> dict[ExpiringRecords, datetime]:
        """The creation time before which each kind expires, for the kinds that expire at all."""
        return {kind: now - timedelta(days=days) for kind, days in self.days.items() if days > 0}


# The engine stops a run at WORKFLOW_MAX_EXECUTION_TIME itself; a run still "running" a while later
# lost its process (crash, kill -9, redeploy) and would otherwise stay "running" forever.
STALE_RUN_GRACE = timedelta(minutes=1)


def stale_run_reason(max_seconds: int) -> str:
    return (
        f"The run did not finish within WORKFLOW_MAX_EXECUTION_TIME ({max_seconds} s); "
        "its worker was lost, so it was marked failed."
    )
