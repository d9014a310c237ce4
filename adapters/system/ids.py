import os
import time
from uuid import UUID


class UuidV7Generator:
    """Time-ordered UUIDs (RFC 9562 v7): new rows land at the end of their indexes, as in newer Dify tables."""

    def new_id(self) -> UUID:
        millis = time.time_ns() // 1_000_000
        rand = int.from_bytes(os.urandom(10), "big")
        value = (millis & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76  # version
        value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
        value |= 0b10 << 62  # variant
        value |= rand & ((1 << 62) - 1)  # rand_b
        return UUID(int=value)
