"""The console's knowledge pages on the Knowledge API's own routes: every `/v1/datasets…` route is also served
under `/console/api`, guarded by the console session instead of a dataset key, with the same view and so the
same use cases (no second implementation). Console-only routes (registered before this runs) win over a
mounted one with the same path and method."""

from quart import Quart

from entrypoints.http.auth import console_login_required

PREFIX = "/v1/datasets"


def mount_knowledge_on_console(app: Quart, console_prefix: str = "/console/api") -> None:
    taken = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(console_prefix)
        for method in rule.methods or ()
    }
    guarded: dict[str, object] = {}  # one console view per Knowledge API view (a view may have several paths)
    for rule in list(app.url_map.iter_rules()):
        if not rule.rule.startswith(PREFIX) or not rule.endpoint.startswith("dataset_"):
            continue
        path = console_prefix + rule.rule.removeprefix("/v1")
        methods = [m for m in rule.methods or () if m not in ("HEAD", "OPTIONS") and (path, m) not in taken]
        if not methods:
            continue
        view = app.view_functions[rule.endpoint]
        unguarded = getattr(view, "__wrapped__", None)
        if unguarded is None:
            continue
        if rule.endpoint not in guarded:
            guarded[rule.endpoint] = console_login_required(unguarded)
        app.add_url_rule(path, endpoint="console_" + rule.endpoint, view_func=guarded[rule.endpoint], methods=methods)
