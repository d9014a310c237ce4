"""How long a trace job waits for its row to be persisted before falling back to the event's times.

The storage of a run and its trace job race (Dify's zero-duration bug). Waiting ~6 s in doubling steps
covers a storage worker that is a little behind without holding the ops_trace queue for long.
"""

TRACE_RETRY_DELAYS: tuple[float, ...] = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2)
