from quart import Blueprint, request

from application.tenancy.set_up_instance import SetUpRequest
from entrypoints.http.bodies import parse_body
from entrypoints.http.console.schemas import SetupBody
from entrypoints.http.deps import container
from entrypoints.http.presenters import iso

bp = Blueprint("console_setup", __name__)


@bp.get("/setup")
async def setup_status() -> dict:
    record = await container().get_setup_status().execute()
    if record is None:
        return {"step": "not_started"}
    return {"step": "finished", "setup_at": iso(record.setup_at)}


@bp.post("/setup")
async def set_up() -> tuple[dict, int]:
    body = await parse_body(SetupBody)
    await container().set_up_instance().execute(
        SetUpRequest(email=body.email, name=body.name, password=body.password, ip=request.remote_addr)
    )
    return {"result": "success"}, 201
