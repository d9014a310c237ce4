"""The chunk CSV import's reading of Dify's template: a header, the content (and a Q&A document's answer)."""

import pytest

from application.knowledge.import_segments import parse_rows
from domain.shared.errors import InvalidParam


def test_rows_after_the_header_become_chunks_and_blank_rows_are_skipped():
    data = "\ufeffcontent\n  First chunk.  \n\n,\n\"Second, quoted\nover two lines\"\n".encode()
    assert parse_rows(data, qa=False) == [{"content": "First chunk."}, {"content": "Second, quoted\nover two lines"}]


def test_a_qa_document_takes_the_answer_from_the_second_column():
    data = b"question,answer\nWhat is it?,A test.\n"
    assert parse_rows(data, qa=True) == [{"content": "What is it?", "answer": "A test."}]
    with pytest.raises(InvalidParam, match="Row 3"):
        parse_rows(b"question,answer\nOne?,Yes.\nTwo?\n", qa=True)


@pytest.mark.parametrize("data", [b"", b"content\n", b"content\n\n  \n", "content\n\xe9t\xe9\n".encode("latin-1")])
def test_an_empty_or_unreadable_file_is_refused(data):
    with pytest.raises(InvalidParam):
        parse_rows(data, qa=False)
