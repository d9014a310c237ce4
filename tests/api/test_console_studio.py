"""The studio and knowledge pages of Dify's web console over real HTTP with a cookie session: app list, search,
tags, every app kind, import, copy, export, delete, and another workspace's ids answering 404."""

import time

import psycopg
import pytest

from tests.api.console_web import ADMIN, serve_console
from tests.databases import truncate_all
from tests.polling import eventually_sync

KINDS = ("chat", "agent-chat", "completion", "advanced-chat", "workflow")
DSL = """app:
  name: Imported bot
  mode: chat
  icon: "🤖"
  icon_background: "#FFEAD5"
  description: from a file
kind: app
version: 0.6.0
model_config:
  pre_prompt: You are helpful.
  model: {provider: openai, name: gpt-4o-mini, mode: chat, completion_params: {}}
"""


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    truncate_all(database_url)
    with pytest.MonkeyPatch.context() as env:
        for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY"):
            env.delenv(name, raising=False)
        with serve_console(database_url, tmp_path_factory.mktemp("studio") / "storage") as server:
            assert server.browser().post("/setup", json=ADMIN).status_code == 201
            server.add_workspace("other@example.com", "other-pass-123")
            yield server
    truncate_all(database_url)


@pytest.fixture(scope="module")
def browser(web):
    return web.signed_in()


@pytest.fixture(scope="module")
def apps(browser) -> dict[str, dict]:
    made = {}
    for kind in KINDS:
        response = browser.post(
            "/apps",
            json={
                "name": f"Studio {kind}",
                "mode": kind,
                "icon_type": "emoji",
                "icon": "🤖",
                "icon_background": "#FFEAD5",
                "description": "",
            },
        )
        assert response.status_code == 201, response.text
        made[kind] = response.json()
    return made


def test_every_kind_is_created_and_listed_with_the_fields_the_studio_reads(browser, apps):
    listing = browser.get("/apps", params={"page": 1, "limit": 30, "name": ""}).json()
    assert {a["mode"] for a in listing["data"]} >= set(KINDS)
    assert (listing["page"], listing["limit"], listing["has_more"]) == (1, 30, False)
    card = next(a for a in listing["data"] if a["id"] == apps["chat"]["id"])
    for field in (
        "id",
        "name",
        "description",
        "mode",
        "icon_type",
        "icon",
        "icon_background",
        "tags",
        "author_name",
        "created_at",
        "updated_at",
        "access_mode",
        "use_icon_as_answer_icon",
    ):
        assert field in card, field
    assert card["author_name"] == ADMIN["name"] and isinstance(card["created_at"], int)
    only_chat = browser.get("/apps", params={"page": 1, "limit": 30, "mode": "chat"}).json()["data"]
    assert {a["mode"] for a in only_chat} == {"chat"}
    found = browser.get("/apps", params={"page": 1, "limit": 30, "name": "studio work"}).json()["data"]
    assert [a["id"] for a in found] == [apps["workflow"]["id"]]


def test_an_app_detail_has_its_model_config_and_site(browser, apps):
    chat = browser.get(f"/apps/{apps['chat']['id']}").json()
    assert chat["model_config"]["model"]["provider"] == "" and chat["model_config"]["user_input_form"] == []
    assert chat["site"]["title"] == "Studio chat" and chat["api_base_url"].endswith("/v1")
    assert browser.get(f"/apps/{apps['workflow']['id']}").json()["model_config"] is None


def test_a_saved_model_config_says_when_and_by_whom_which_the_publish_button_reads(browser, apps, database_url):
    """The orchestrate page takes model_config.updated_at as the last publish: null left "unpublished" on screen."""
    app_id = apps["completion"]["id"]
    with psycopg.connect(database_url, autocommit=True) as conn:  # an app last edited an hour ago
        conn.execute("UPDATE apps SET updated_at = now() - interval '1 hour' WHERE id = %s", (app_id,))
    assert browser.get(f"/apps/{app_id}").json()["model_config"]["updated_at"] is None  # never saved
    before = int(time.time())
    body = {"model": {"provider": "openai", "name": "gpt-4o-mini", "mode": "chat", "completion_params": {}},
            "pre_prompt": "Write about {{query}}.", "user_input_form": []}  # fmt: skip
    assert browser.post(f"/apps/{app_id}/model-config", json=body).status_code == 200
    config = browser.get(f"/apps/{app_id}").json()["model_config"]
    me = browser.get("/account/profile").json()["id"]
    assert before - 1 <= config["updated_at"] <= time.time() + 1 and config["created_at"] == config["updated_at"]
    assert config["created_by"] == me and config["updated_by"] == me
    card = next(a for a in browser.get("/apps", params={"page": 1, "limit": 30}).json()["data"] if a["id"] == app_id)
    assert card["updated_at"] == config["updated_at"]  # the studio's "Edited at": the save is an edit of the app
    assert browser.get(f"/apps/{app_id}").json()["updated_by"] == me


def test_tags_crud_bindings_and_the_tag_filter(browser, apps):
    tag = browser.post("/tags", json={"name": "support", "type": "app"}).json()
    assert (tag["name"], tag["type"], tag["binding_count"]) == ("support", "app", "0")
    assert browser.post("/tags", json={"name": "support", "type": "app"}).status_code == 400
    bound = browser.post(
        "/tag-bindings/create", json={"tag_ids": [tag["id"]], "target_id": apps["chat"]["id"], "type": "app"}
    )
    assert bound.json() == {"result": "success"}
    listed = browser.get("/tags", params={"type": "app"}).json()
    assert [(t["name"], t["binding_count"]) for t in listed] == [("support", "1")]
    filtered = browser.get("/apps", params={"page": 1, "limit": 30, "tag_ids": tag["id"]}).json()["data"]
    assert [a["id"] for a in filtered] == [apps["chat"]["id"]]
    assert filtered[0]["tags"] == [{"id": tag["id"], "name": "support", "type": "app"}]
    renamed = browser.patch(f"/tags/{tag['id']}", json={"name": "helpdesk"}).json()
    assert renamed["name"] == "helpdesk"
    assert (
        browser.post(
            "/tag-bindings/remove", json={"tag_ids": [tag["id"]], "target_id": apps["chat"]["id"], "type": "app"}
        ).status_code
        == 200
    )
    assert browser.get(f"/apps/{apps['chat']['id']}").json()["tags"] == []
    assert browser.delete(f"/tags/{tag['id']}").status_code == 204
    assert browser.get("/tags", params={"type": "app"}).json() == []
    knowledge = browser.get("/tags", params={"type": "knowledge"}).json()
    assert knowledge == []


def test_import_check_dependencies_and_confirm(browser):
    imported = browser.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": DSL})
    assert imported.status_code == 200
    body = imported.json()
    assert (body["status"], body["app_mode"]) == ("completed", "chat")
    assert {"id", "app_id", "current_dsl_version", "imported_dsl_version", "error"} <= set(body)
    assert browser.get(f"/apps/imports/{body['app_id']}/check-dependencies").json() == {"leaked_dependencies": []}
    detail = browser.get(f"/apps/{body['app_id']}").json()
    assert (detail["name"], detail["model_config"]["pre_prompt"]) == ("Imported bot", "You are helpful.")
    renamed = browser.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": DSL, "name": "Renamed"})
    assert browser.get(f"/apps/{renamed.json()['app_id']}").json()["name"] == "Renamed"
    assert browser.post(f"/apps/imports/{body['id']}/confirm").status_code == 400
    broken = browser.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": "app: ["})
    assert (broken.status_code, broken.json()["status"]) == (400, "failed")


def test_copy_export_edit_and_delete(browser, apps):
    source = apps["workflow"]["id"]
    draft = {
        "graph": {"nodes": [], "edges": []},
        "features": {},
        "environment_variables": [],
        "conversation_variables": [],
    }
    assert browser.post(f"/apps/{source}/workflows/draft", json=draft).status_code == 200
    copy = browser.post(
        f"/apps/{source}/copy",
        json={"name": "Copy of flow", "icon_type": "emoji", "icon": "🤖", "icon_background": "#FFEAD5"},
    )
    assert copy.status_code == 201
    copied = copy.json()
    assert (copied["name"], copied["mode"]) == ("Copy of flow", "workflow") and copied["id"] != source
    assert browser.get(f"/apps/{copied['id']}/workflows/draft").json()["graph"] == draft["graph"]
    exported = browser.get(f"/apps/{copied['id']}/export", params={"include_secret": "false"}).json()
    assert "Copy of flow" in exported["data"]
    edited = browser.put(
        f"/apps/{copied['id']}",
        json={"name": "Edited", "description": "d", "icon_type": "emoji", "icon": "🤖", "icon_background": "#FFEAD5"},
    )
    assert edited.json()["name"] == "Edited"
    assert browser.delete(f"/apps/{copied['id']}").status_code == 204
    assert browser.get(f"/apps/{copied['id']}").status_code == 404


def test_the_workflow_editor_s_first_calls(browser, apps):
    flow = browser.post("/apps", json={"name": "Fresh flow", "mode": "workflow"}).json()
    missing = browser.get(f"/apps/{flow['id']}/workflows/draft")
    assert (missing.status_code, missing.json()["code"]) == (404, "draft_workflow_not_exist")
    defaults = {c["type"]: c["config"] for c in browser.get(f"/apps/{flow['id']}/workflows/default-workflow-block-configs").json()}
    # A code node the editor adds starts from the server's config: code with a main() and its variables.
    code = defaults["code"]
    assert code["code_language"] == "python3" and "def main(arg1: str, arg2: str)" in code["code"]
    assert [v["variable"] for v in code["variables"]] == ["arg1", "arg2"] and "result" in code["outputs"]
    # Autosave while the graph is being built: one node, no start, nothing connected.
    partial = {"graph": {"nodes": [{"id": "llm", "data": {"type": "llm"}}], "edges": []}, "features": {}}
    saved = browser.post(f"/apps/{flow['id']}/workflows/draft", json=partial)
    assert saved.status_code == 200 and saved.json()["result"] == "success"
    refused = browser.post(f"/apps/{flow['id']}/workflows/publish", json={})
    assert refused.status_code == 400  # validated where it must run
    for kind in ("variables", "system-variables", "conversation-variables"):
        assert browser.get(f"/apps/{flow['id']}/workflows/draft/{kind}").json()["items"] == []


def test_another_workspace_s_ids_are_not_found(web, apps):
    other = web.signed_in_as("other@example.com", "other-pass-123")
    app_id = apps["chat"]["id"]
    for method, path in (
        ("GET", f"/apps/{app_id}"),
        ("PUT", f"/apps/{app_id}"),
        ("DELETE", f"/apps/{app_id}"),
        ("POST", f"/apps/{app_id}/copy"),
        ("GET", f"/apps/{app_id}/export"),
        ("GET", f"/apps/imports/{app_id}/check-dependencies"),
        ("GET", f"/apps/{app_id}/workflows/default-workflow-block-configs"),
        ("GET", f"/apps/{app_id}/workflows/draft/variables"),
    ):
        body = {"name": "x"} if method in ("PUT", "POST") else None
        response = other.request(method, path, json=body)
        assert response.status_code == 404, (method, path, response.text)
    tag = web.signed_in().post("/tags", json={"name": "mine", "type": "app"}).json()
    stolen = other.post("/tag-bindings/create", json={"tag_ids": [tag["id"]], "target_id": app_id, "type": "app"})
    assert stolen.status_code == 404
    assert other.get("/apps", params={"page": 1, "limit": 30}).json()["total"] == 0


def test_the_upload_widgets_and_the_knowledge_list(browser):
    config = browser.get("/files/upload").json()
    assert config["file_size_limit"] == 15 and config["image_file_size_limit"] == 10
    assert isinstance(config["batch_count_limit"], int) and isinstance(config["workflow_file_upload_limit"], int)
    assert {"txt", "md", "pdf", "docx"} <= set(browser.get("/files/support-type").json()["allowed_extensions"])
    uploaded = browser.post("/files/upload", files={"file": ("notes.txt", b"hello knowledge", "text/plain")})
    assert uploaded.status_code == 201
    assert (uploaded.json()["name"], uploaded.json()["size"], uploaded.json()["extension"]) == ("notes.txt", 15, "txt")
    assert browser.get("/datasets", params={"page": 1, "limit": 30}).json()["data"] == []
    methods = browser.get("/datasets/retrieval-setting").json()["retrieval_method"]
    assert set(methods) == {"semantic_search", "full_text_search", "hybrid_search"}


def test_a_knowledge_base_from_an_upload_as_the_console_makes_it(browser):
    assert browser.get("/datasets/external-knowledge-api").json()["data"] == []
    rule = browser.get("/datasets/process-rule").json()
    assert rule["mode"] == "automatic" and rule["limits"]["indexing_max_segmentation_tokens_length"] == 4000
    assert {r["id"] for r in rule["rules"]["pre_processing_rules"]} == {"remove_extra_spaces", "remove_urls_emails"}
    upload = browser.post("/files/upload", files={"file": ("refunds.txt", b"Refunds within 30 days.", "text/plain")})
    body = {
        "data_source": {
            "type": "upload_file",
            "info_list": {"data_source_type": "upload_file", "file_info_list": {"file_ids": [upload.json()["id"]]}},
        },
        "indexing_technique": "economy",
        "process_rule": {"mode": "automatic"},
        "doc_form": "text_model",
        "doc_language": "English",
    }
    made = browser.post("/datasets/init", json=body)
    assert made.status_code == 200, made.text
    result = made.json()
    dataset, batch = result["dataset"], result["batch"]
    assert dataset["name"] == "refunds.txt" and dataset["icon_info"]["icon_type"] == "emoji"
    assert [d["name"] for d in result["documents"]] == ["refunds.txt"] and batch

    def indexed() -> bool:
        status = browser.get(f"/datasets/{dataset['id']}/batch/{batch}/indexing-status").json()["data"]
        return [s["indexing_status"] for s in status] == ["completed"]

    eventually_sync(indexed, timeout=30)
    documents = browser.get(f"/datasets/{dataset['id']}/documents", params={"page": 1, "limit": 10}).json()
    assert [d["name"] for d in documents["data"]] == ["refunds.txt"]
    unknown = browser.post(
        "/datasets/init",
        json={
            **body,
            "data_source": {"info_list": {"file_info_list": {"file_ids": ["00000000-0000-0000-0000-000000000000"]}}},
        },
    )
    assert unknown.status_code == 404


def test_another_workspace_cannot_use_my_uploads_or_read_my_knowledge(web, browser):
    upload = browser.post("/files/upload", files={"file": ("secret.txt", b"mine", "text/plain")}).json()
    other = web.signed_in_as("other@example.com", "other-pass-123")
    body = {
        "data_source": {"info_list": {"file_info_list": {"file_ids": [upload["id"]]}}},
        "indexing_technique": "economy",
    }
    assert other.post("/datasets/init", json=body).status_code == 404
    mine = browser.get("/datasets", params={"page": 1, "limit": 30}).json()["data"]
    for dataset in mine:
        assert other.get(f"/datasets/{dataset['id']}").status_code == 404
    assert other.get("/datasets", params={"page": 1, "limit": 30}).json()["total"] == 0
