"""A provider's event stream read in any cuts gives the same `data:` payloads as read whole, line by line."""

import asyncio
import itertools

import httpx
from hypothesis import given
from hypothesis import strategies as st

from adapters.llm.http_stream import sse_payloads

line_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=12)
line = st.one_of(
    line_text.map(lambda t: "data: " + t),
    line_text.map(lambda t: "data:" + t),
    line_text,
    st.just(": comment"),
    st.just("event: delta"),
)
ending = st.sampled_from(["\n", "\r\n", "\r"])


class Chunks(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    async def __aiter__(self):
        for chunk in self._chunks:
            yield chunk


def read(chunks: list[bytes]) -> list[str]:
    async def payloads() -> list[str]:
        return [p async for p in sse_payloads(httpx.Response(200, stream=Chunks(chunks)))]

    return asyncio.run(payloads())


@given(st.lists(st.tuples(line, ending), max_size=8), st.booleans(), st.lists(st.integers(0, 200), max_size=6))
def test_payloads_do_not_depend_on_where_the_reads_cut_the_body(lines, unterminated_last, cuts):
    text = "".join(content + end for content, end in lines) + ("data: tail" if unterminated_last else "")
    body = text.encode()
    expected = [
        ln[5:].strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.startswith("data:")
    ]
    points = sorted({min(c, len(body)) for c in cuts} | {0, len(body)})
    chunks = [body[a:b] for a, b in itertools.pairwise(points)]
    assert read(chunks) == expected
