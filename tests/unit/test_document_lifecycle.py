"""A document's indexing stages: each step stamped, no jumps, display statuses as Dify derives them."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.knowledge.document import Document, IndexingStatus
from domain.knowledge.errors import ArchivedDocumentImmutable, DocumentIndexing, InvalidStatusTransition

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _document() -> Document:
    return Document(id=uuid4(), tenant_id=uuid4(), dataset_id=uuid4(), position=1, name="a", batch="b1",
                    created_at=T0, updated_at=T0)


def _at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_each_stage_is_stamped_and_latency_measured():
    doc = _document()
    assert doc.display_status == "queuing"
    for second, status in enumerate(["parsing", "cleaning", "splitting", "indexing", "completed"], start=1):
        doc.move_to(IndexingStatus(status), _at(second))
    assert (doc.processing_started_at, doc.parsing_completed_at, doc.cleaning_completed_at) == (_at(1), _at(2), _at(3))
    assert (doc.splitting_completed_at, doc.completed_at, doc.indexing_latency) == (_at(4), _at(5), 4.0)
    assert doc.display_status == "available" and doc.is_available


@pytest.mark.parametrize(("path", "target"), [([], "completed"), ([], "indexing"), (["parsing"], "splitting")])
def test_the_pipeline_never_skips_a_stage(path, target):
    doc = _document()
    for status in path:
        doc.move_to(IndexingStatus(status), T0)
    with pytest.raises(InvalidStatusTransition):
        doc.move_to(IndexingStatus(target), T0)


def test_an_error_keeps_its_message_and_a_retry_starts_clean():
    doc = _document()
    doc.move_to(IndexingStatus.PARSING, _at(1))
    doc.move_to(IndexingStatus.ERROR, _at(2), error="bad pdf")
    assert (doc.display_status, doc.error, doc.stopped_at) == ("error", "bad pdf", _at(2))
    doc.requeue("b2", _at(3))
    assert (doc.indexing_status, doc.error, doc.stopped_at, doc.batch) == (IndexingStatus.WAITING, None, None, "b2")


def test_a_document_being_indexed_or_archived_cannot_be_requeued():
    doc = _document()
    doc.move_to(IndexingStatus.PARSING, T0)
    with pytest.raises(DocumentIndexing):
        doc.requeue("b2", T0)
    done = _document()
    done.archive(None, T0)
    with pytest.raises(ArchivedDocumentImmutable):
        done.requeue("b2", T0)


def test_display_status_of_paused_disabled_and_archived_documents():
    doc = _document()
    doc.move_to(IndexingStatus.PAUSED, T0)
    assert doc.display_status == "paused"
    done = _document()
    for status in ["parsing", "cleaning", "splitting", "indexing", "completed"]:
        done.move_to(IndexingStatus(status), T0)
    done.disable(None, T0)
    assert done.display_status == "disabled" and not done.is_available
    done.enable(T0)
    done.archive(None, T0)
    assert done.display_status == "archived" and not done.is_available
