"""The queues weir uses, the Redis keys behind them and the retry policy of each task kind, declared once.

A queue `q` is the list `weir:queue:q` (producers LPUSH, workers pop the other end). A popped message
waits in `weir:processing:q` (a ZSET of delivery ids scored by lease deadline, bodies in
`weir:processing:q:bodies`) until acknowledged; a retry waits in `weir:delayed:q` (scored by due
time); a task out of retries lands in `weir:dead:q`.
"""

from dataclasses import dataclass

QUEUES: tuple[str, ...] = (
    "dataset", "priority_dataset", "workflow", "workflow_storage", "ops_trace", "mail", "app_deletion",
    "conversation", "retention",
)
DEFAULT_QUEUE = "workflow"  # where a kick without a `queue_name` label goes

_QUEUE_PREFIX = "weir:queue:"
DELIVERY_SEQUENCE = "weir:delivery:seq"
WORKERS_PREFIX = "weir:workers:"
RECENT_FAILURES = "weir:failed:recent"


def queue_key(queue: str) -> str:
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}; declared queues: {', '.join(QUEUES)}")
    return _QUEUE_PREFIX + queue


def queue_of(key: str) -> str:
    """The queue name of a list key (`weir:queue:dataset` → `dataset`)."""
    return key.removeprefix(_QUEUE_PREFIX)


def processing_key(queue: str) -> str:
    return f"weir:processing:{queue}"


def bodies_key(queue: str) -> str:
    return f"weir:processing:{queue}:bodies"


def delayed_key(queue: str) -> str:
    return f"weir:delayed:{queue}"


def dead_key(queue: str) -> str:
    return f"weir:dead:{queue}"


def wake_channel(queue: str) -> str:
    return f"weir:wake:{queue}"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often a failed task runs again: after base·2^(n-1) seconds for the n-th retry, at most `cap`."""

    max_retries: int
    base_delay: float
    cap: float

    def delay(self, retry: int) -> float:
        return min(self.base_delay * 2 ** (retry - 1), self.cap)


DEFAULT_POLICY = RetryPolicy(max_retries=3, base_delay=5.0, cap=300.0)
QUEUE_POLICIES: dict[str, RetryPolicy] = {
    "dataset": RetryPolicy(max_retries=3, base_delay=10.0, cap=600.0),
    "priority_dataset": RetryPolicy(max_retries=3, base_delay=10.0, cap=600.0),
    "ops_trace": RetryPolicy(max_retries=5, base_delay=5.0, cap=300.0),
    "workflow_storage": RetryPolicy(max_retries=3, base_delay=60.0, cap=600.0),  # as Dify: 3 retries, 60 s
    "app_deletion": RetryPolicy(max_retries=3, base_delay=30.0, cap=900.0),
    "mail": RetryPolicy(max_retries=5, base_delay=30.0, cap=1800.0),
}
TASK_POLICIES: dict[str, RetryPolicy] = {
    # A background workflow run has side effects (http nodes, LLM spend): a failure is dead-lettered, not rerun.
    "weir.workflow.run": RetryPolicy(max_retries=0, base_delay=0.0, cap=0.0),
    "weir.health.echo": RetryPolicy(max_retries=0, base_delay=0.0, cap=0.0),
}
# Labels a task may set in its decorator to override the tables above (tests use them for short delays).
RETRY_LABELS = ("max_retries", "retry_base_delay", "retry_cap")


def retry_policy(task_name: str, queue: str, labels: dict) -> RetryPolicy:
    policy = TASK_POLICIES.get(task_name) or QUEUE_POLICIES.get(queue) or DEFAULT_POLICY
    return RetryPolicy(
        max_retries=int(labels.get("max_retries", policy.max_retries)),
        base_delay=float(labels.get("retry_base_delay", policy.base_delay)),
        cap=float(labels.get("retry_cap", policy.cap)),
    )
