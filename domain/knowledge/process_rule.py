"""A document's process rule (Dify's `process_rule`): how its text is cleaned and split.

`parse_process_rule` turns the request's dict into a `ProcessRule` or refuses it with Dify's messages.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain.shared.errors import InvalidParam

# Dify's INDEXING_MAX_SEGMENTATION_TOKENS_LENGTH default and its lower bound for custom lengths.
MIN_SEGMENT_TOKENS = 50
MAX_SEGMENT_TOKENS = 4000

PRE_PROCESSING_RULE_IDS = ("remove_stopwords", "remove_extra_spaces", "remove_urls_emails")


class ProcessMode(StrEnum):
    AUTOMATIC = "automatic"
    CUSTOM = "custom"
    HIERARCHICAL = "hierarchical"


class ParentMode(StrEnum):
    PARAGRAPH = "paragraph"
    FULL_DOC = "full-doc"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


def unescape_separator(separator: str) -> str:
    """A separator typed as the two characters `\\n` means a newline (likewise `\\t`, `\\r`, `\\\\`)."""
    out: list[str] = []
    i = 0
    while i < len(separator):
        pair = separator[i : i + 2]
        if len(pair) == 2 and pair[0] == "\\" and pair[1] in _ESCAPES:
            out.append(_ESCAPES[pair[1]])
            i += 2
        else:
            out.append(separator[i])
            i += 1
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Segmentation:
    """`separator` as the request gave it; `delimiter` is what the text is split on."""

    separator: str
    max_tokens: int
    chunk_overlap: int = 0

    @property
    def delimiter(self) -> str:
        return unescape_separator(self.separator)

    def to_dict(self) -> dict[str, Any]:
        return {"separator": self.separator, "max_tokens": self.max_tokens, "chunk_overlap": self.chunk_overlap}


@dataclass(frozen=True, slots=True)
class ProcessRule:
    mode: ProcessMode
    remove_extra_spaces: bool
    remove_urls_emails: bool
    segmentation: Segmentation
    parent_mode: ParentMode | None = None
    subchunk_segmentation: Segmentation | None = None

    def to_dict(self) -> dict[str, Any]:
        """Dify's `{mode, rules}` shape, as stored in dataset_process_rules and returned by the API."""
        rules: dict[str, Any] = {
            "pre_processing_rules": [
                {"id": "remove_extra_spaces", "enabled": self.remove_extra_spaces},
                {"id": "remove_urls_emails", "enabled": self.remove_urls_emails},
            ],
            "segmentation": self.segmentation.to_dict(),
        }
        if self.mode is ProcessMode.HIERARCHICAL:
            rules["parent_mode"] = (self.parent_mode or ParentMode.PARAGRAPH).value
            if self.subchunk_segmentation is not None:
                rules["subchunk_segmentation"] = self.subchunk_segmentation.to_dict()
        return {"mode": self.mode.value, "rules": rules}


# Dify's DatasetProcessRule.AUTOMATIC_RULES.
AUTOMATIC_RULE = ProcessRule(
    mode=ProcessMode.AUTOMATIC,
    remove_extra_spaces=True,
    remove_urls_emails=False,
    segmentation=Segmentation(separator="\n", max_tokens=500, chunk_overlap=50),
)


def _refuse(message: str) -> InvalidParam:
    return InvalidParam(message, param="process_rule")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _pre_processing(rules: Mapping[str, Any]) -> dict[str, bool]:
    raw = rules.get("pre_processing_rules")
    if raw is None:
        raise _refuse("Process rule pre_processing_rules is required")
    if not isinstance(raw, list):
        raise _refuse("Process rule pre_processing_rules is invalid")
    enabled: dict[str, bool] = {}
    for item in raw:  # a repeated id: the last one wins, as in Dify
        if not isinstance(item, Mapping) or not item.get("id"):
            raise _refuse("Process rule pre_processing_rules id is required")
        if item["id"] not in PRE_PROCESSING_RULE_IDS:
            raise _refuse("Process rule pre_processing_rules id is invalid")
        if "enabled" not in item:
            raise _refuse("Process rule pre_processing_rules enabled is required")
        if not isinstance(item["enabled"], bool):
            raise _refuse("Process rule pre_processing_rules enabled is invalid")
        enabled[item["id"]] = item["enabled"]
    return enabled


def _segmentation(raw: object, name: str, tokens_required: bool) -> Segmentation:
    if raw is None:
        raise _refuse(f"Process rule {name} is required")
    if not isinstance(raw, Mapping):
        raise _refuse(f"Process rule {name} is invalid")
    separator = raw.get("separator")
    if not separator:
        raise _refuse(f"Process rule {name} separator is required")
    if not isinstance(separator, str):
        raise _refuse(f"Process rule {name} separator is invalid")
    max_tokens = raw.get("max_tokens")
    if not tokens_required:  # the parent of full-doc is the whole document: its length is not used
        length = max_tokens if _is_int(max_tokens) and max_tokens > 0 else MAX_SEGMENT_TOKENS
        return Segmentation(separator=separator, max_tokens=length)
    if max_tokens is None:
        raise _refuse(f"Process rule {name} max_tokens is required")
    if not _is_int(max_tokens):
        raise _refuse(f"Process rule {name} max_tokens is invalid")
    if not MIN_SEGMENT_TOKENS <= max_tokens <= MAX_SEGMENT_TOKENS:
        raise _refuse(f"Custom segment length should be between {MIN_SEGMENT_TOKENS} and {MAX_SEGMENT_TOKENS}.")
    overlap = raw.get("chunk_overlap")
    overlap = 0 if overlap is None else overlap
    if not _is_int(overlap) or overlap < 0:
        raise _refuse(f"Process rule {name} chunk_overlap is invalid")
    if overlap >= max_tokens:
        raise _refuse(f"Chunk overlap ({overlap}) should be smaller than the segment length ({max_tokens}).")
    return Segmentation(separator=separator, max_tokens=max_tokens, chunk_overlap=overlap)


def parse_process_rule(raw: Mapping[str, Any] | None) -> ProcessRule:
    """The request's `process_rule`; absent means automatic. Raises InvalidParam (param `process_rule`).

    `automatic` ignores any `rules` given. `custom` needs pre_processing_rules and segmentation.
    `hierarchical` also needs subchunk_segmentation; parent_mode defaults to `paragraph`, and under
    `full-doc` the parent segmentation needs no max_tokens (the whole document is one parent).
    """
    if raw is None:
        return AUTOMATIC_RULE
    if not isinstance(raw, Mapping):
        raise _refuse("Process rule is invalid")
    mode = raw.get("mode")
    if not mode:
        raise _refuse("Process rule mode is required")
    if mode not in tuple(ProcessMode):
        raise _refuse("Process rule mode is invalid")
    if mode == ProcessMode.AUTOMATIC:
        return AUTOMATIC_RULE
    rules = raw.get("rules")
    if not rules:
        raise _refuse("Process rule rules is required")
    if not isinstance(rules, Mapping):
        raise _refuse("Process rule rules is invalid")
    enabled = _pre_processing(rules)
    parent_mode = None
    subchunks = None
    if mode == ProcessMode.HIERARCHICAL:
        raw_parent_mode = rules.get("parent_mode") or ParentMode.PARAGRAPH.value
        if raw_parent_mode not in tuple(ParentMode):
            raise _refuse("Process rule parent_mode is invalid")
        parent_mode = ParentMode(raw_parent_mode)
        subchunks = _segmentation(rules.get("subchunk_segmentation"), "subchunk_segmentation", True)
    full_doc = parent_mode is ParentMode.FULL_DOC
    return ProcessRule(
        mode=ProcessMode(mode),
        remove_extra_spaces=enabled.get("remove_extra_spaces", False),
        remove_urls_emails=enabled.get("remove_urls_emails", False),
        segmentation=_segmentation(rules.get("segmentation"), "segmentation", not full_doc),
        parent_mode=parent_mode,
        subchunk_segmentation=subchunks,
    )
