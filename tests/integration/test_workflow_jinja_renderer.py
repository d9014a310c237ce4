"""SandboxedJinjaRenderer with real Jinja2: renders, and refuses what would escape or exhaust weir."""

import pytest

from adapters.workflow.jinja_renderer import SandboxedJinjaRenderer
from application.workflows.nodes.template_transform import TemplateTransformExecutor
from domain.workflows.nodes import NodeFailed
from domain.workflows.sandbox import TemplateFailed
from domain.workflows.variables import VariablePool
from tests.workflow_node_helpers import context, node

RENDERER = SandboxedJinjaRenderer()


async def test_renders_loops_filters_and_leaves_undefined_empty():
    out = await RENDERER.render("{% for i in items %}{{ i|upper }},{% endfor %}{{ missing }}!", {"items": ["a", "b"]})
    assert out == "A,B,!"


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}x",
        "{{ items.append(3) }}",
        "{{ 'a' * 100000000 }}",
        "{{ 2 ** 1000000 }}",
        "{% for i in range(100000000) %}{% endfor %}",
        "{{ cycler.__init__.__globals__.os }}",
    ],
)
async def test_unsafe_templates_are_refused_or_inert(template):
    try:
        out = await RENDERER.render(template, {"items": [1]})
    except TemplateFailed:
        return
    assert "class" not in out and "module" not in out


async def test_the_node_with_the_real_renderer():
    pool = VariablePool()
    pool.add_outputs("start", {"name": "Ann"})
    data = {"template": "Hello {{ who }}", "variables": [{"variable": "who", "value_selector": ["start", "name"]}]}
    result = await TemplateTransformExecutor(RENDERER).run(node("template-transform", **data), context(pool))
    assert result.outputs == {"output": "Hello Ann"}
    with pytest.raises(NodeFailed, match="TemplateSyntaxError"):
        await TemplateTransformExecutor(RENDERER).run(node("template-transform", template="{% if %}"), context(pool))
