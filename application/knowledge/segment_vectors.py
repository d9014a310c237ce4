"""Which vectors a segment owns: itself, or in a parent-child document, each of its child chunks."""

from collections.abc import Sequence

from domain.knowledge.document import DocForm
from domain.knowledge.segment import Segment


def vector_items(segments: Sequence[Segment], doc_form: DocForm) -> list[tuple[str, str, dict[str, str]]]:
    """(vector id, text, metadata) for each vector of the segments, in order; disabled segments have none."""
    items: list[tuple[str, str, dict[str, str]]] = []
    for segment in segments:
        if not segment.enabled:
            continue
        meta = {
            "dataset_id": str(segment.dataset_id), "document_id": str(segment.document_id),
            "segment_id": str(segment.id), "doc_hash": segment.index_node_hash,
        }
        if doc_form is DocForm.HIERARCHICAL:
            items += [(c.index_node_id, c.content, {**meta, "child_id": str(c.id)}) for c in segment.child_chunks]
        else:
            items.append((segment.index_node_id, segment.content, meta))
    return items


def vector_ids(segments: Sequence[Segment], doc_form: DocForm) -> list[str]:
    if doc_form is DocForm.HIERARCHICAL:
        return [c.index_node_id for s in segments for c in s.child_chunks]
    return [s.index_node_id for s in segments]
