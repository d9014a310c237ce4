"""The metrics weir emits: Dify's names, units and label sets (spec §6.2), as plain values."""

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    COUNTER = "counter"
    HISTOGRAM = "histogram"


# Seconds, 5 ms to 300 s: LLM calls sit between 0.1 s and a minute; workflows with many nodes reach minutes.
# Finer at the low end, where node and time-to-first-token values cluster.
DURATION_BUCKETS: tuple[float, ...] = (
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 30.0, 60.0, 120.0, 300.0,
)


@dataclass(frozen=True, slots=True)
class Instrument:
    name: str
    kind: Kind
    unit: str
    description: str
    buckets: tuple[float, ...] = ()


def _histogram(name: str, description: str) -> Instrument:
    return Instrument(name, Kind.HISTOGRAM, "s", description, DURATION_BUCKETS)


def _counter(name: str, unit: str, description: str) -> Instrument:
    return Instrument(name, Kind.COUNTER, unit, description)


WORKFLOW_DURATION = _histogram("dify.workflow.duration", "Wall-clock duration of a workflow run")
NODE_DURATION = _histogram("dify.node.duration", "Wall-clock duration of a node execution")
MESSAGE_DURATION = _histogram("dify.message.duration", "Wall-clock duration of a chat or completion message")
MESSAGE_TTFT = _histogram("dify.message.time_to_first_token", "Time from request to the first answer token")
TOKENS_TOTAL = _counter("dify.tokens.total", "{token}", "Tokens used; filter by operation_type, never sum levels")
TOKENS_INPUT = _counter("dify.tokens.input", "{token}", "Prompt tokens used")
TOKENS_OUTPUT = _counter("dify.tokens.output", "{token}", "Completion tokens used")
REQUESTS_TOTAL = _counter("dify.requests.total", "{request}", "Runs, nodes and messages processed")
ERRORS_TOTAL = _counter("dify.errors.total", "{error}", "Runs, nodes and messages that failed")
FEEDBACK_TOTAL = _counter("dify.feedback.total", "{feedback}", "Feedback given on messages")
RETRIEVALS_TOTAL = _counter("dify.dataset.retrievals.total", "{retrieval}", "Knowledge retrievals")
TOOL_DURATION = _histogram("dify.tool.duration", "Wall-clock duration of a tool call")
TOOL_CALLS = _counter("dify.tool.invocations.total", "{call}", "Tool calls, by provider, tool and status")
APP_CREATED = _counter("dify.app.created.total", "{app}", "Apps created")
APP_UPDATED = _counter("dify.app.updated.total", "{app}", "Apps updated")
APP_DELETED = _counter("dify.app.deleted.total", "{app}", "Apps deleted")

CATALOGUE: tuple[Instrument, ...] = (
    WORKFLOW_DURATION, NODE_DURATION, MESSAGE_DURATION, MESSAGE_TTFT, TOKENS_TOTAL, TOKENS_INPUT, TOKENS_OUTPUT,
    REQUESTS_TOTAL, ERRORS_TOTAL, FEEDBACK_TOTAL, RETRIEVALS_TOTAL, TOOL_DURATION, TOOL_CALLS, APP_CREATED,
    APP_UPDATED, APP_DELETED,
)


class OperationType(StrEnum):
    """Which level a token count belongs to: a workflow total already includes its nodes' tokens."""

    WORKFLOW = "workflow"
    NODE_EXECUTION = "node_execution"
    MESSAGE = "message"
