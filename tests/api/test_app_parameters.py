"""GET /v1/parameters of a workflow or advanced-chat app describes its published workflow, as Dify does: the
Start node's variables as `user_input_form` and the workflow's features."""

from pathlib import Path

import yaml

from tests.api.helpers import bearer

INTAKE = yaml.safe_load((Path(__file__).resolve().parents[1] / "fixtures" / "dsl" / "intake.yml").read_text())
MORE_VARIABLES = [
    {"variable": "count", "label": "Count", "type": "number", "required": False},
    {"variable": "attachment", "label": "Attachment", "type": "file", "required": False,
     "allowed_file_types": ["document"], "allowed_file_upload_methods": ["local_file"]},
    {"variable": "photos", "label": "Photos", "type": "file-list", "required": False, "max_length": 3,
     "allowed_file_types": ["image"], "allowed_file_upload_methods": ["remote_url", "local_file"]},
]


def _dsl(mode: str = "workflow") -> str:
    dsl = yaml.safe_load(yaml.safe_dump(INTAKE))
    dsl["app"]["mode"] = mode
    nodes = dsl["workflow"]["graph"]["nodes"]
    nodes[0]["data"]["variables"] += MORE_VARIABLES
    if mode == "advanced-chat":
        nodes[1] = {"id": "end", "type": "custom", "data": {"type": "answer", "title": "Answer", "answer": "{{#start.ticket#}}"}}
    return yaml.safe_dump(dsl)


async def _app_key(console, dsl: str, publish: bool = True) -> str:
    response = await console.client.post("/console/api/apps/imports", headers=console.headers,
                                          json={"mode": "yaml-content", "yaml_content": dsl, "publish": publish})
    imported = await response.get_json()
    assert imported["status"].startswith("completed") and not imported["error"], imported
    return await console.create_app_key(imported["app_id"])


async def _parameters(console, key: str) -> tuple[int, dict]:
    response = await console.client.get("/v1/parameters", headers=bearer(key))
    return response.status_code, await response.get_json()


async def test_a_workflow_apps_form_is_its_start_nodes_variables(console):
    status, params = await _parameters(console, await _app_key(console, _dsl()))
    assert status == 200
    form = params["user_input_form"]
    assert [next(iter(item)) for item in form] == ["paragraph", "text-input", "select", "number", "file", "file-list"]
    assert form[0]["paragraph"].items() >= {"variable": "ticket", "label": "Ticket", "required": True, "max_length": 2000}.items()
    assert form[1]["text-input"]["default"] == "Ann" and form[1]["text-input"]["required"] is False
    assert form[2]["select"]["options"] == ["low", "high"]
    assert form[4]["file"]["allowed_file_types"] == ["document"]
    assert form[5]["file-list"]["max_length"] == 3


async def test_the_workflows_features_are_shown(console):
    _, params = await _parameters(console, await _app_key(console, _dsl()))
    assert params["opening_statement"] == "Tell us what happened."
    assert params["suggested_questions"] == ["My order is late"]
    assert params["suggested_questions_after_answer"]["enabled"] is True
    assert params["retriever_resource"]["enabled"] is True
    assert params["speech_to_text"]["enabled"] is False
    assert params["file_upload"]["enabled"] is True and params["file_upload"]["number_limits"] == 2
    assert params["system_parameters"]["file_size_limit"] > 0


async def test_an_advanced_chat_apps_form_is_its_start_nodes_variables_too(console):
    status, params = await _parameters(console, await _app_key(console, _dsl("advanced-chat")))
    assert status == 200
    assert [item[next(iter(item))]["variable"] for item in params["user_input_form"]] == [
        "ticket", "name", "priority", "count", "attachment", "photos"]
    assert params["opening_statement"] == "Tell us what happened."


async def test_an_unpublished_workflow_app_is_unavailable(console):
    status, body = await _parameters(console, await _app_key(console, _dsl(), publish=False))
    assert (status, body["code"]) == (400, "app_unavailable")
