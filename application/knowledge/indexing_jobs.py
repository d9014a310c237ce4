"""Handing documents to the indexing queue without failing the request that changed them."""

import logging
from collections.abc import Sequence
from uuid import UUID

from domain.knowledge.services import IndexingQueue
from domain.shared.errors import StoreUnavailable

log = logging.getLogger("weir.knowledge")


async def enqueue(queue: IndexingQueue, document_ids: Sequence[UUID]) -> bool:
    """True when queued. A queue that is down leaves the documents waiting: the recovery sweep picks them up."""
    try:
        await queue.index_documents(document_ids)
    except StoreUnavailable:
        log.warning("indexing queue unavailable; %d document(s) left for the recovery sweep", len(document_ids))
        return False
    return True
