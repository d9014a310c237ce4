"""The executors of the built-in node types weir runs, behind the engine's NodeExecutors port."""

from collections.abc import Mapping

from application.workflows.nodes.agent import AgentExecutor
from application.workflows.nodes.assigner import AssignerExecutor
from application.workflows.nodes.code import CodeExecutor
from application.workflows.nodes.http_request import HttpRequestExecutor
from application.workflows.nodes.if_else import IfElseExecutor
from application.workflows.nodes.list_operator import ListOperatorExecutor
from application.workflows.nodes.llm import LlmExecutor
from application.workflows.nodes.model_call import ModelResolver
from application.workflows.nodes.parameter_extractor import ParameterExtractorExecutor
from application.workflows.nodes.question_classifier import QuestionClassifierExecutor
from application.workflows.nodes.template_transform import TemplateTransformExecutor
from application.workflows.nodes.tool import ToolNodeExecutor
from application.workflows.nodes.variable_aggregator import VariableAggregatorExecutor
from domain.workflows.http import HttpClient
from domain.workflows.nodes import NodeExecutor
from domain.workflows.sandbox import CodeRunner, TemplateRenderer

# The types always built here (`tool` too when the tools context is given); start, end, answer, iteration,
# loop and knowledge-retrieval come from the engine.
BUILTIN_TYPES = frozenset(
    {
        "if-else",
        "template-transform",
        "code",
        "http-request",
        "variable-aggregator",
        "variable-assigner",
        "list-operator",
        "assigner",
        "llm",
        "question-classifier",
        "parameter-extractor",
    }
)


class BuiltinNodeExecutors:
    def __init__(self, executors: Mapping[str, NodeExecutor]) -> None:
        self._executors = dict(executors)

    def for_type(self, node_type: str) -> NodeExecutor | None:
        return self._executors.get(node_type)

    def types(self) -> frozenset[str]:
        return frozenset(self._executors)

    def merged(self, more: Mapping[str, NodeExecutor]) -> "BuiltinNodeExecutors":
        """These executors plus `more` (the engine's own: start, end, answer …); `more` wins on a clash."""
        return BuiltinNodeExecutors({**self._executors, **more})


def builtin_node_executors(
    *,
    code_runner: CodeRunner,
    template_renderer: TemplateRenderer,
    http_client: HttpClient,
    model_resolver: ModelResolver,
    tool: ToolNodeExecutor | None = None,
    agent: AgentExecutor | None = None,
) -> BuiltinNodeExecutors:
    aggregator = VariableAggregatorExecutor()
    executors: dict[str, NodeExecutor] = {
        "if-else": IfElseExecutor(),
        "template-transform": TemplateTransformExecutor(template_renderer),
        "code": CodeExecutor(code_runner),
        "http-request": HttpRequestExecutor(http_client),
        "variable-aggregator": aggregator,
        "variable-assigner": aggregator,
        "list-operator": ListOperatorExecutor(),
        "assigner": AssignerExecutor(),
        "llm": LlmExecutor(model_resolver, template_renderer),
        "question-classifier": QuestionClassifierExecutor(model_resolver),
        "parameter-extractor": ParameterExtractorExecutor(model_resolver),
    }
    if tool is not None:  # the tools context is wired (the tool node reaches its providers)
        executors["tool"] = tool
    if agent is not None:  # so is the agent node (its tools and the model)
        executors["agent"] = agent
    return BuiltinNodeExecutors(executors)
