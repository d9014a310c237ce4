"""Recursive splitting of text into token-bounded spans, the algorithm behind every chunking mode.

A text too long for one chunk is cut at the coarsest separator it contains; a piece still too long is
cut again at the next finer separator, down to single characters. The pieces are then merged back,
in order, into chunks of at most `max_tokens`, each chunk starting with up to `chunk_overlap` tokens
of the previous one. Everything works on (start, end) offsets into the text, so no character can be
lost or reordered: the pieces tile the text, a separator staying at the end of the piece before it.

Token counts are added up per piece, as Dify does. The bounds hold exactly for any counter that is
subadditive (count(a + b) <= count(a) + count(b): characters, words); BPE tokenizers are so to within
a token at each joint.
"""

import re
from collections.abc import Callable, Sequence

Span = tuple[int, int]
CountTokens = Callable[[str], int]

# Dify's fallback order, with "\n" added between paragraphs and sentences.
FALLBACK_SEPARATORS: tuple[str, ...] = ("\n\n", "\n", "。", ". ", " ", "")


def _cut(text: str, span: Span, separator: str) -> list[Span]:
    """Pieces of span ending after each run of separator; the empty separator cuts every character."""
    start, end = span
    if not separator:
        return [(i, i + 1) for i in range(start, end)]
    pieces: list[Span] = []
    pattern = re.compile(f"(?:{re.escape(separator)})+")
    for match in pattern.finditer(text, start, end):
        if match.end() > start:
            pieces.append((start, match.end()))
            start = match.end()
    if start < end:
        pieces.append((start, end))
    return pieces


class RecursiveSplitter:
    """Splits text into spans of at most max_tokens, whenever a single character allows it.

    Contract: the spans returned by `split` are in order, cover every character of the input span
    (consecutive spans overlap by at most `chunk_overlap` tokens and never leave a gap), and each
    holds at most `max_tokens` tokens unless it is a single unsplittable piece.
    """

    def __init__(
        self,
        count_tokens: CountTokens,
        max_tokens: int,
        chunk_overlap: int = 0,
        separators: Sequence[str] = FALLBACK_SEPARATORS,
    ) -> None:
        if max_tokens < 1:
            raise ValueError("max_tokens must be positive")
        if not 0 <= chunk_overlap < max_tokens:
            raise ValueError("chunk_overlap must be at least 0 and smaller than max_tokens")
        self._count = count_tokens
        self._max = max_tokens
        self._overlap = chunk_overlap
        self._separators = tuple(separators)

    def split(self, text: str, span: Span | None = None) -> list[Span]:
        span = span or (0, len(text))
        if span[0] >= span[1]:
            return []
        units, costs = self._units(text, span, self._separators)
        return self._merge(units, costs)

    def _units(self, text: str, span: Span, separators: Sequence[str]) -> tuple[list[Span], list[int]]:
        """The pieces to merge, each within max_tokens unless it is a lone character."""
        cost = self._count(text[span[0] : span[1]])
        if cost <= self._max or span[1] - span[0] == 1:
            return [span], [cost]
        level = next((i for i, sep in enumerate(separators) if not sep or text.find(sep, *span) >= 0), None)
        if level is None:  # no separator left to try: characters are the last resort
            separators, level = ("",), 0
        units: list[Span] = []
        costs: list[int] = []
        for piece in _cut(text, span, separators[level]):
            piece_units, piece_costs = self._units(text, piece, separators[level + 1 :])
            units += piece_units
            costs += piece_costs
        return units, costs

    def _merge(self, units: list[Span], costs: list[int]) -> list[Span]:
        chunks: list[Span] = []
        first = 0
        while first < len(units):
            last, total = first, costs[first]
            while last + 1 < len(units) and total + costs[last + 1] <= self._max:
                last += 1
                total += costs[last]
            chunks.append((units[first][0], units[last][1]))
            if last + 1 == len(units):
                break
            first = self._overlap_start(costs, first, last)
        return chunks

    def _overlap_start(self, costs: list[int], first: int, last: int) -> int:
        """Where the next chunk starts: the longest tail of this chunk that fits the overlap budget and
        still leaves room for the next unit. Never this chunk's first unit, so splitting always advances."""
        nxt = last + 1
        start, carried = nxt, 0
        while start - 1 > first:
            cost = costs[start - 1]
            if carried + cost > self._overlap or carried + cost + costs[nxt] > self._max:
                break
            start -= 1
            carried += cost
        return start
