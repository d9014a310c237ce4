"""The registry answers an executor for every built-in type weir implements, None for the others."""

from application.workflows.nodes.registry import BUILTIN_TYPES, BuiltinNodeExecutors, builtin_node_executors


def test_every_listed_type_has_an_executor_and_unknown_types_have_none():
    registry = builtin_node_executors(
        code_runner=object(), template_renderer=object(), http_client=object(), model_resolver=object()
    )
    assert registry.types() == BUILTIN_TYPES
    assert all(registry.for_type(t) is not None for t in BUILTIN_TYPES)
    assert registry.for_type("tool") is None and registry.for_type("agent") is None


def test_merged_adds_the_engines_own_executors():
    start = object()
    merged = BuiltinNodeExecutors({"llm": object()}).merged({"start": start})
    assert merged.for_type("start") is start and merged.for_type("llm") is not None
