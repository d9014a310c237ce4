"""Q&A documents (doc_form qa_model): the workspace's LLM rewrites each chunk into question/answer pairs in the
document's language; questions are indexed, answers come back with them."""

from hypothesis import given
from hypothesis import strategies as st

from domain.knowledge.qa import parse_qa
from tests.api.helpers import bearer
from tests.api.knowledge_helpers import create_dataset, json_body, wait_indexed
from tests.api.openapi import assert_schema
from tests.integration.openai_stub_server import Reply

PAIRS = "Here you go.\nQ1: How long may a product be returned?\nA1: Within 30 days of delivery.\nQ2: When do orders ship?\nA2: Within two business days."


async def test_a_qa_document_is_indexed_by_question_with_its_answers(chat_app, key):
    client, upstream = chat_app.client, chat_app.upstream
    upstream.replies.append(Reply(deltas=(PAIRS,)))
    dataset = await create_dataset(client, key, indexing_technique="high_quality")
    ds = f"/v1/datasets/{dataset['id']}"
    created = await json_body(
        await client.post(
            f"{ds}/document/create-by-text",
            headers=bearer(key),
            json={
                "name": "policy",
                "text": "Returns: 30 days. Shipping: two business days.",
                "doc_form": "qa_model",
                "doc_language": "French",
                "process_rule": {"mode": "automatic"},
            },
        )
    )
    [status] = await wait_indexed(client, key, dataset["id"], created["batch"])
    assert status["indexing_status"] == "completed", status
    assert "French" in upstream.requests[-1]["json"]["messages"][0]["content"]

    segments = await json_body(
        await client.get(f"{ds}/documents/{created['document']['id']}/segments", headers=bearer(key))
    )
    assert [(s["content"], s["answer"]) for s in segments["data"]] == [
        ("How long may a product be returned?", "Within 30 days of delivery."),
        ("When do orders ship?", "Within two business days."),
    ]
    found = await json_body(
        await client.post(
            f"{ds}/retrieve",
            headers=bearer(key),
            json={
                "query": "How long may a product be returned?",
                "retrieval_model": {"search_method": "semantic_search", "top_k": 1},
            },
        )
    )
    assert_schema(found, "POST /datasets/{dataset_id}/retrieve 200")
    [record] = found["records"]
    assert (record["segment"]["content"], record["segment"]["answer"]) == (
        "How long may a product be returned?",
        "Within 30 days of delivery.",
    )


async def test_a_model_that_writes_no_pair_ends_the_document_in_error(chat_app, key):
    chat_app.upstream.replies.append(Reply(deltas=("I cannot help with that.",)))
    dataset = await create_dataset(chat_app.client, key, indexing_technique="high_quality")
    created = await json_body(
        await chat_app.client.post(
            f"/v1/datasets/{dataset['id']}/document/create-by-text",
            headers=bearer(key),
            json={"name": "empty", "text": "Some text.", "doc_form": "qa_model", "process_rule": {"mode": "automatic"}},
        )
    )
    [status] = await wait_indexed(chat_app.client, key, dataset["id"], created["batch"])
    assert status["indexing_status"] == "error" and "no question" in status["error"]


@given(
    st.lists(
        st.tuples(
            st.text(min_size=1).filter(lambda t: t.strip() and "Q" not in t and "A" not in t and ":" not in t),
            st.text(min_size=1).filter(lambda t: t.strip() and "Q" not in t and "A" not in t and ":" not in t),
        ),
        max_size=5,
    )
)
def test_pairs_written_in_the_format_are_read_back_in_order(pairs):
    text = "\n".join(f"Q{i}: {q}\nA{i}: {a}" for i, (q, a) in enumerate(pairs, 1))
    assert [(p.question, p.answer) for p in parse_qa(text)] == [(q.strip(), a.strip()) for q, a in pairs]
