"""Turning content typed through the API into a segment's fields (and a parent's child chunks)."""

import dataclasses
from collections.abc import Callable
from datetime import datetime

from domain.knowledge.chunking import split_into_parents
from domain.knowledge.document import DocForm, Document
from domain.knowledge.process_rule import ParentMode, ProcessRule
from domain.knowledge.segment import ChildChunk, Segment, child_id_for
from domain.shared.errors import InvalidParam


def check_content(content: object, param: str = "content") -> str:
    if not isinstance(content, str) or not content.strip():
        raise InvalidParam("Content is required.", param=param)
    return content


def check_keywords(keywords: object) -> list[str]:
    if keywords is None:
        return []
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise InvalidParam("keywords must be a list of strings.", param="keywords")
    return keywords


def rebuild_children(
    segment: Segment, document: Document, rule: ProcessRule | None, count_tokens: Callable[[str], int], at: datetime
) -> None:
    """A parent's children re-split from its content with the document's subchunk rule."""
    if document.doc_form is not DocForm.HIERARCHICAL or rule is None:
        return
    whole = dataclasses.replace(rule, parent_mode=ParentMode.FULL_DOC)
    parents = split_into_parents(segment.content, whole, count_tokens)
    children = parents[0].children if parents else ()
    segment.child_chunks = [
        ChildChunk(
            id=child_id_for(segment.id, c.position + 1), tenant_id=segment.tenant_id, dataset_id=segment.dataset_id,
            document_id=segment.document_id, segment_id=segment.id, position=c.position + 1, content=c.content,
            word_count=c.word_count, created_at=at, updated_at=at, created_by=segment.updated_by,
        )
        for c in children
    ]
