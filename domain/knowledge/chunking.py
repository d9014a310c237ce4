"""A document's text into chunks, per its process rule (Dify's paragraph and parent-child index processors).

- automatic: Dify's defaults (500 tokens, 50 overlap): the whole text is split recursively at paragraphs,
  lines, sentences, words, then characters, and the pieces merged back into chunks.
- custom: the text is cut at the rule's separator first; each piece is one chunk, and only a piece longer
  than max_tokens is split recursively (with the rule's overlap). The separator itself is dropped.
- hierarchical: parents as custom (`paragraph`) or the whole text (`full-doc`); each parent is split into
  children with the subchunk segmentation. Children are what get embedded; parents are what get returned.

Positions count from 0 (document_segments in Dify count from 1). word_count is the number of characters,
as Dify stores it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from domain.knowledge.cleaning import clean
from domain.knowledge.document import DocForm
from domain.knowledge.process_rule import ParentMode, ProcessMode, ProcessRule, Segmentation
from domain.knowledge.text_splitter import RecursiveSplitter, Span
from domain.shared.errors import InvalidParam

CountTokens = Callable[[str], int]


@dataclass(frozen=True, slots=True)
class Chunk:
    content: str
    position: int
    tokens: int
    word_count: int


@dataclass(frozen=True, slots=True)
class ParentChunk:
    content: str
    position: int
    tokens: int
    word_count: int
    children: tuple[Chunk, ...]


def clean_for(rule: ProcessRule, text: str) -> str:
    return clean(text, extra_spaces=rule.remove_extra_spaces, urls_emails=rule.remove_urls_emails)


def _fixed_pieces(text: str, delimiter: str) -> list[Span]:
    """Spans between occurrences of the delimiter (the delimiter belongs to none)."""
    if not delimiter:
        return [(0, len(text))]
    spans: list[Span] = []
    start = 0
    while (found := text.find(delimiter, start)) >= 0:
        spans.append((start, found))
        start = found + len(delimiter)
    spans.append((start, len(text)))
    return spans


def _custom_spans(text: str, segmentation: Segmentation, count_tokens: CountTokens) -> list[Span]:
    splitter = RecursiveSplitter(count_tokens, segmentation.max_tokens, segmentation.chunk_overlap)
    spans: list[Span] = []
    for start, end in _fixed_pieces(text, segmentation.delimiter):
        if count_tokens(text[start:end]) <= segmentation.max_tokens:
            spans.append((start, end))
        else:
            spans += splitter.split(text, (start, end))
    return spans


def _automatic_spans(text: str, segmentation: Segmentation, count_tokens: CountTokens) -> list[Span]:
    return RecursiveSplitter(count_tokens, segmentation.max_tokens, segmentation.chunk_overlap).split(text)


def _to_chunks(text: str, spans: list[Span], count_tokens: CountTokens) -> list[Chunk]:
    contents = [c for c in (text[start:end].strip() for start, end in spans) if c]
    return [Chunk(c, i, count_tokens(c), len(c)) for i, c in enumerate(contents)]


def _remembered(count_tokens: CountTokens) -> CountTokens:
    """count_tokens answering each distinct text once: a piece that fits is counted when split and again as its
    chunk (the same text once stripped), which was a tenth of indexing's CPU with a fast embedder."""
    counted: dict[str, int] = {}

    def count(text: str) -> int:
        found = counted.get(text)
        if found is None:
            found = counted[text] = count_tokens(text)
        return found

    return count


def _segment(text: str, mode: ProcessMode, segmentation: Segmentation, count_tokens: CountTokens) -> list[Chunk]:
    count_tokens = _remembered(count_tokens)
    if mode is ProcessMode.AUTOMATIC:
        return _to_chunks(text, _automatic_spans(text, segmentation, count_tokens), count_tokens)
    return _to_chunks(text, _custom_spans(text, segmentation, count_tokens), count_tokens)


def split_into_chunks(text: str, rule: ProcessRule, count_tokens: CountTokens) -> list[Chunk]:
    """Cleans the text and splits it by the rule's segmentation (a document of doc_form text_model)."""
    return _segment(clean_for(rule, text), rule.mode, rule.segmentation, count_tokens)


def split_into_parents(text: str, rule: ProcessRule, count_tokens: CountTokens) -> list[ParentChunk]:
    """Cleans the text and splits it into parents with children (doc_form hierarchical_model).

    Raises InvalidParam when the rule is not hierarchical. A parent with no visible text is left out.
    """
    if rule.mode is not ProcessMode.HIERARCHICAL or rule.subchunk_segmentation is None:
        raise InvalidParam("A hierarchical_model document needs a hierarchical process rule.", param="process_rule")
    text = clean_for(rule, text)
    if rule.parent_mode is ParentMode.FULL_DOC:
        whole = text.strip()
        parents = [Chunk(whole, 0, count_tokens(whole), len(whole))] if whole else []
    else:
        parents = _segment(text, ProcessMode.CUSTOM, rule.segmentation, count_tokens)
    result: list[ParentChunk] = []
    for parent in parents:
        children = _segment(parent.content, ProcessMode.CUSTOM, rule.subchunk_segmentation, count_tokens)
        result.append(ParentChunk(parent.content, parent.position, parent.tokens, parent.word_count, tuple(children)))
    return result


def split_for_form(
    text: str, rule: ProcessRule, doc_form: DocForm, count_tokens: CountTokens
) -> list[Chunk] | list[ParentChunk]:
    """The chunks a document of this form is cut into: parents with children for hierarchical_model, flat chunks
    otherwise (a qa_model document's chunks are then rewritten into pairs). Indexing and the console's chunk
    preview both cut through here, so the preview shows what indexing stores."""
    if doc_form is DocForm.HIERARCHICAL:
        return split_into_parents(text, rule, count_tokens)
    return split_into_chunks(text, rule, count_tokens)
