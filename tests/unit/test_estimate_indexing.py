"""The chunk preview's arithmetic: ten chunks shown of all counted, and a Q&A preview written from each text's
first chunk only, its total estimated as Dify does (twenty times the pairs)."""

import asyncio
from uuid import uuid4

from application.knowledge.estimate_indexing import estimate_texts
from domain.knowledge.document import DocForm
from domain.knowledge.process_rule import parse_process_rule
from domain.knowledge.qa import QaPair

RULE = parse_process_rule(
    {
        "mode": "custom",
        "rules": {"pre_processing_rules": [], "segmentation": {"separator": "\\n", "max_tokens": 100}},
    }
)


def words(text: str) -> int:
    return len(text.split())


class Writer:
    def __init__(self):
        self.asked = []

    async def pairs(self, tenant_id, text, language):
        self.asked.append((text, language))
        return [QaPair(f"What is {text}?", f"{text}, in {language}."), QaPair("Why?", "Because.")]


def test_ten_chunks_are_shown_and_every_chunk_counted():
    texts = ["\n".join(f"line {i}" for i in range(8)), "\n".join(f"more {i}" for i in range(5))]
    estimate = asyncio.run(estimate_texts(texts, RULE, DocForm.TEXT, "English", uuid4(), words, Writer()))
    assert estimate.total_segments == 13 and estimate.tokens == 26
    assert [c.content for c in estimate.preview] == [f"line {i}" for i in range(8)] + ["more 0", "more 1"]
    assert estimate.qa_preview == []


def test_a_qa_preview_asks_the_model_about_each_text_s_first_chunk():
    writer = Writer()
    estimate = asyncio.run(estimate_texts(["alpha\nbeta", "gamma"], RULE, DocForm.QA, "German", uuid4(), words, writer))
    assert writer.asked == [("alpha", "German"), ("gamma", "German")]
    assert estimate.total_segments == 4 * 20
    assert [p.question for p in estimate.qa_preview] == ["What is alpha?", "Why?", "What is gamma?", "Why?"]
    assert estimate.preview == []
