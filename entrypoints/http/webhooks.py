"""Webhook triggers' public URLs (Dify's /triggers/webhook/{id}): a call starts a run of the app's published
workflow from its webhook node and is answered with the node's configured status and body at once (the run
goes on in the background, as in Dify). No key: the URL's 24-character random id is the credential."""

import json
import mimetypes

from quart import Blueprint, Response, jsonify, request

from application.workflows.debug_triggers import NoDebugListener
from application.workflows.fire_triggers import WebhookAnswer
from domain.workflows.triggers import BINARY_BODY, SentFile, WebhookCall, WebhookRefused, content_type_of
from entrypoints.http.deps import container
from entrypoints.http.input_checks import check_json

bp = Blueprint("webhooks", __name__)
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]


def _refused(message: str) -> Response:
    response = jsonify({"error": "Bad Request", "message": message})  # Dify's webhook errors are not {code, …}
    response.status_code = 400
    return response


def _answered(answer: WebhookAnswer) -> Response:
    response = jsonify(answer.body)
    response.status_code = answer.status
    return response


async def _call() -> WebhookCall:
    """The request as the webhook node reads it, its body parsed by its Content-Type (a missing one reads as
    JSON, an unknown one as text, as Dify does)."""
    kind = content_type_of(request.headers.get("Content-Type"))
    body: dict = {}
    sent: dict[str, SentFile] = {}
    if kind == "application/json":
        raw = await request.get_data()
        if raw.strip():
            try:
                parsed = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                raise WebhookRefused("Invalid JSON body") from None
            if not isinstance(parsed, dict):
                raise WebhookRefused("The JSON body of a webhook call must be an object")
            check_json(parsed)
            body = parsed
    elif kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form
        body = {key: form.get(key) for key in form}
        files = await request.files
        for key in files:
            upload = files[key]
            name = upload.filename or key
            sent[key] = SentFile(name, upload.mimetype or mimetypes.guess_type(name)[0] or "", upload.read())
    elif kind == "application/octet-stream":
        raw = await request.get_data()
        if raw:
            sent[BINARY_BODY] = SentFile("webhook-body.bin", kind, raw)
    else:
        body = {"raw": (await request.get_data()).decode("utf-8", errors="replace")}
    # What the caller sent: Quart adds the client's address as a `Remote-Addr` header of its own.
    headers = {key: value for key, value in request.headers.items() if key.lower() != "remote-addr"}
    return WebhookCall(request.method, headers, dict(request.args.items()), kind, body, sent)


@bp.route("/triggers/webhook/<webhook_id>", methods=METHODS)
async def webhook(webhook_id: str) -> Response:
    try:
        answer = await container().workflows.handle_webhook().execute(webhook_id, await _call())
    except WebhookRefused as refused:
        return _refused(refused.message)
    return _answered(answer)


@bp.route("/triggers/webhook-debug/<webhook_id>", methods=METHODS)
async def webhook_debug(webhook_id: str) -> Response:
    """The draft's webhook, for the editor's test run: the call goes to the editor listening (409 with nobody)."""
    try:
        answer = await container().workflows.catch_debug_webhook().execute(webhook_id, await _call())
    except WebhookRefused as refused:
        return _refused(refused.message)
    except NoDebugListener as nobody:
        response = jsonify({
            "error": "No active debug listener", "message": nobody.message,
            "execution_url": request.url.replace("/triggers/webhook-debug/", "/triggers/webhook/"),
        })
        response.status_code = 409
        return response
    return _answered(answer)
