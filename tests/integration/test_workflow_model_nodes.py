"""llm, question-classifier and parameter-extractor through ResolveModel and the real OpenAI-compatible
client, against the loopback stub server."""

from contextlib import asynccontextmanager
from decimal import Decimal

import pytest

from adapters.llm.factory import OpenAICompatibleModelFactory
from adapters.llm.tiktoken_counter import TiktokenCounter
from adapters.workflow.jinja_renderer import SandboxedJinjaRenderer
from application.models.resolve_model import ResolveModel
from application.workflows.nodes.llm import LlmExecutor
from application.workflows.nodes.parameter_extractor import ParameterExtractorExecutor
from application.workflows.nodes.question_classifier import QuestionClassifierExecutor
from domain.models.pricing import ModelPrice
from domain.models.providers import ModelEntry, ProviderCredentials
from domain.workflows.nodes import NodeFailed
from domain.workflows.variables import VariablePool
from tests.integration.openai_stub_server import Reply, StubOpenAIServer
from tests.workflow_node_helpers import context, node

MODEL = {"provider": "openai", "name": "gpt-4o-mini", "mode": "chat", "completion_params": {"temperature": 0.1}}


class NoProviders:
    async def get(self, tenant_id, provider):
        return None


class EmptyUnitOfWork:
    providers = NoProviders()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return None


@asynccontextmanager
async def stub():
    server = StubOpenAIServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def resolver(server):
    price = ModelPrice(input=Decimal("0.001"), output=Decimal("0.002"))
    fallback = ProviderCredentials(
        None, "openai", server.base_url, "sk-test", (ModelEntry("gpt-4o-mini", price=price),)
    )
    return ResolveModel(EmptyUnitOfWork, OpenAICompatibleModelFactory(TiktokenCounter(), timeout=5.0), fallback)


def pool():
    p = VariablePool(system={"query": "What does it cost?"})
    p.add_outputs("kr", {"result": [{"content": "Plan A costs 5."}, {"content": "Plan B costs 9."}]})
    p.add_outputs("start", {"name": "Ann"})
    return p


async def test_llm_streams_deltas_renders_the_prompt_and_prices_the_usage():
    data = {
        "model": MODEL,
        "context": {"enabled": True, "variable_selector": ["kr", "result"]},
        "prompt_template": [
            {"role": "system", "text": "Context:\n{{#context#}}"},
            {"role": "user", "edition_type": "jinja2", "jinja2_text": "Hi, I am {{ n }}", "text": ""},
            {"role": "user", "text": "{{#sys.query#}}"},
        ],
        "prompt_config": {"jinja2_variables": [{"variable": "n", "value_selector": ["start", "name"]}]},
    }
    streamed = []
    async with stub() as server:
        result = await LlmExecutor(resolver(server), SandboxedJinjaRenderer()).run(
            node("llm", **data), context(pool(), streamed)
        )
    assert streamed == ["Hel", "lo", " world"]
    assert result.outputs["text"] == "Hello world" and result.outputs["finish_reason"] == "stop"
    sent = server.requests[0]["json"]["messages"]
    assert sent == [
        {"role": "system", "content": "Context:\nPlan A costs 5.\nPlan B costs 9."},
        {"role": "user", "content": "Hi, I am Ann"},
        {"role": "user", "content": "What does it cost?"},
    ]
    assert server.requests[0]["json"]["temperature"] == 0.1
    assert result.usage.total_tokens == 14 and result.usage.total_price == "0.0000170"
    assert result.outputs["usage"]["prompt_price"] == "0.0000110"
    assert result.process_data["model_provider"] == "openai" and result.process_data["model_name"] == "gpt-4o-mini"
    assert len(result.process_data["prompts"]) == 3


async def test_llm_without_credentials_fails_the_node():
    missing = ResolveModel(EmptyUnitOfWork, OpenAICompatibleModelFactory(TiktokenCounter(), timeout=5.0), None)
    with pytest.raises(NodeFailed, match="provider credentials"):
        await LlmExecutor(missing, SandboxedJinjaRenderer()).run(
            node("llm", model=MODEL, prompt_template=[{"role": "user", "text": "x"}]), context(pool())
        )


async def test_llm_provider_errors_fail_the_node():
    async with stub() as server:
        server.replies.append(
            Reply(status=400, error={"error": {"message": "bad things", "type": "invalid_request_error"}})
        )
        with pytest.raises(NodeFailed, match="bad things"):
            await LlmExecutor(resolver(server), SandboxedJinjaRenderer()).run(
                node("llm", model=MODEL, prompt_template=[{"role": "user", "text": "x"}]), context(pool())
            )


async def test_question_classifier_picks_the_class_edge():
    data = {
        "model": MODEL,
        "query_variable_selector": ["sys", "query"],
        "classes": [{"id": "billing", "name": "Billing"}, {"id": "tech", "name": "Technical"}],
    }
    async with stub() as server:
        server.replies.append(
            Reply(
                deltas=(
                    '{"category_id": "bil',
                    'ling", "category_name": "Billing"}',
                )
            )
        )
        result = await QuestionClassifierExecutor(resolver(server)).run(
            node("question-classifier", **data), context(pool())
        )
    assert result.edge_handle == "billing"
    assert result.outputs["class_name"] == "Billing" and result.outputs["class_id"] == "billing"
    assert "What does it cost?" in server.requests[0]["json"]["messages"][1]["content"]


async def test_question_classifier_falls_back_to_the_first_class():
    data = {
        "model": MODEL,
        "query_variable_selector": ["sys", "query"],
        "classes": [{"id": "a", "name": "Alpha"}, {"id": "b", "name": "Beta"}],
    }
    async with stub() as server:
        server.replies.append(Reply(deltas=("I cannot tell",)))
        result = await QuestionClassifierExecutor(resolver(server)).run(
            node("question-classifier", **data), context(pool())
        )
    assert result.edge_handle == "a"


async def test_parameter_extractor_coerces_the_json_answer():
    data = {
        "model": MODEL,
        "query": ["sys", "query"],
        "reasoning_mode": "prompt",
        "parameters": [
            {"name": "plan", "type": "select", "options": ["A", "B"], "required": True, "description": "plan"},
            {"name": "amount", "type": "number", "required": True, "description": "price"},
        ],
    }
    async with stub() as server:
        server.replies.append(
            Reply(
                deltas=(
                    '```json\n{"plan": "A", ',
                    '"amount": "5"}\n```',
                )
            )
        )
        result = await ParameterExtractorExecutor(resolver(server)).run(
            node("parameter-extractor", **data), context(pool())
        )
    assert result.outputs["plan"] == "A" and result.outputs["amount"] == 5
    assert result.outputs["__is_success"] == 1 and result.outputs["__reason"] is None
    assert result.outputs["__usage"]["total_tokens"] == 14
