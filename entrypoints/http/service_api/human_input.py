"""Human input forms (Dify 1.13): a paused run's form by its token, and its answer, which resumes the run."""

from typing import Any

from pydantic import BaseModel, Field
from quart import Blueprint

from application.workflows.submit_human_input_form import SubmitFormRequest
from domain.apps.entities import AppMode
from domain.apps.errors import NotWorkflowApp
from entrypoints.http.auth import app_api, current_app_model, current_end_user
from entrypoints.http.bodies import parse_body
from entrypoints.http.deps import container
from entrypoints.http.human_input_presenter import human_input_form

bp = Blueprint("service_human_input", __name__)
RUNS = (AppMode.WORKFLOW, AppMode.ADVANCED_CHAT)


class SubmitBody(BaseModel):
    inputs: dict[str, Any] = Field(default_factory=dict)
    action: str
    user: str | None = None  # required of Service API callers by `app_api`; a web app call has its passport


@bp.get("/form/human_input/<string:form_token>")
@app_api(modes=RUNS, wrong_mode=NotWorkflowApp)
async def get_form(form_token: str) -> dict:
    form = await container().workflows.get_human_input_form().execute(current_app_model(), form_token)
    return human_input_form(form)


@bp.post("/form/human_input/<string:form_token>")
@app_api(modes=RUNS, wrong_mode=NotWorkflowApp, user_from="json", user_required=True)
async def submit_form(form_token: str) -> dict:
    body = await parse_body(SubmitBody)
    request = SubmitFormRequest(current_app_model(), await current_end_user(), form_token, body.action, body.inputs)
    await container().workflows.submit_human_input_form().execute(request)
    return {}
