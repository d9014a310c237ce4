"""Q&A documents (doc_form `qa_model`): each chunk rewritten by an LLM into question/answer pairs, in the
document's language; the question is what is indexed and searched, the answer comes back with it."""

import re
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

QA_INSTRUCTION = (
    "The user will send a long text. Generate questions and answers from it.\n"
    "Steps:\n"
    "1. Understand the whole text and find its key information.\n"
    "2. Write questions a reader would ask about that information, each answered by the text.\n"
    "3. Answer each question in full from the text, never beyond it.\n"
    "Format each pair exactly as:\nQ1: the question\nA1: the answer\nQ2: …\nA2: …\n"
    "Write the questions and answers in {language}, whatever the language of the text."
)
_PAIR = re.compile(r"Q\d+:\s*(.+?)\s*A\d+:\s*(.+?)\s*(?=Q\d+:|\Z)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class QaPair:
    question: str
    answer: str


def parse_qa(text: str) -> list[QaPair]:
    """The `Qn: … An: …` pairs of a model's answer, in order; text before the first Q and empty pairs are left out."""
    return [QaPair(q.strip(), a.strip()) for q, a in _PAIR.findall(text) if q.strip() and a.strip()]


class QuestionWriter(Protocol):
    """Turns a chunk into question/answer pairs with the workspace's LLM.

    Errors: the models context's errors (ProviderNotInitialized without an LLM, CompletionRequestError …)."""

    async def pairs(self, tenant_id: UUID, text: str, language: str) -> list[QaPair]: ...
