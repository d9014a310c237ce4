"""Exit 0 when a Redis queue is configured, 1 otherwise (used by dev/start-worker and dev/start-beat)."""

import sys

from entrypoints.settings import Settings

if __name__ == "__main__":
    sys.exit(0 if Settings().redis_url else 1)
