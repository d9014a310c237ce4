"""Health of the vector store when it is not PostgreSQL (pgvector's probe is in adapters/persistence/probes.py).

VECTOR_STORE=milvus: opens a connection to MILVUS_URI and asks the server its version.

A Milvus Lite file (MILVUS_URI ending in .db, default STORAGE_PATH/milvus.db) is served in this process by
milvus-lite; asking it starts that server once, which the vector store then reuses. A server URL gets its
own short-lived connection (`dedicated`, so a dead server leaves no cached channel behind) with a short
timeout. pymilvus is synchronous: every call runs in a worker thread, off the event loop.
"""

import asyncio

from domain.shared.health import ProbeResult

# pymilvus (and the adapter that needs it) is imported when Milvus is probed, not when this module is: it costs
# seconds and over 100 MB at start-up in every process that never talks to Milvus.

CONNECT_TIMEOUT_SECONDS = 2.0  # below CheckHealth's 3 s, so a dead server is reported with its reason


class MilvusProbe:
    def __init__(self, uri: str, token: str = "", db_name: str = "", timeout: float = CONNECT_TIMEOUT_SECONDS) -> None:
        self._uri = uri
        self._token = token
        self._db_name = db_name
        self._timeout = timeout

    async def check(self) -> ProbeResult:
        from adapters.vectorstores.milvus import is_local

        detail = {"kind": "milvus", "mode": "lite" if is_local(self._uri) else "server"}
        try:
            version = await asyncio.to_thread(self._server_version)
        except Exception as exc:  # a probe reports, it never raises
            return ProbeResult("vector_store", False, {**detail, "error": getattr(exc, "message", "") or repr(exc)})
        return ProbeResult("vector_store", True, {**detail, "server_version": version})

    def _server_version(self) -> str:
        from pymilvus import MilvusClient

        options = {"token": self._token} if self._token else {}
        if self._db_name:
            options["db_name"] = self._db_name
        client = MilvusClient(self._uri, timeout=self._timeout, dedicated=True, **options)
        try:
            return str(client.get_server_version(timeout=self._timeout))
        finally:
            client.close()


class InMemoryVectorStoreProbe:
    """VECTOR_STORE=memory lives in this process's memory: up whenever the API answers (and empty after a
    restart, which the detail says)."""

    async def check(self) -> ProbeResult:
        return ProbeResult("vector_store", True, {"kind": "memory", "location": "in-process", "persistent": "false"})
