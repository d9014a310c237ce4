"""Dify's app DSL (the YAML an app exports to and imports from), as rules over a plain mapping."""

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.agents.strategies import foreign_strategy
from domain.apps.rules import parse_mode
from domain.shared.errors import InvalidParam

CURRENT_VERSION = "0.6.0"  # the app DSL version of the Dify release whose shapes weir follows (1.14.2)
WORKFLOW_MODES = ("workflow", "advanced-chat")
PENDING_IMPORT_SECONDS = 10 * 60  # how long an import waiting for the user's confirmation is kept (Dify's)


class ImportStatus:
    COMPLETED = "completed"
    WITH_WARNINGS = "completed-with-warnings"
    PENDING = "pending"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class DslApp:
    name: str
    mode: str
    description: str
    icon: str | None
    icon_background: str | None
    graph: dict[str, Any] | None
    features: dict[str, Any] = field(default_factory=dict)
    environment_variables: list[dict[str, Any]] = field(default_factory=list)
    conversation_variables: list[dict[str, Any]] = field(default_factory=list)
    model_config: dict[str, Any] | None = None
    warnings: tuple[str, ...] = ()


def _version(text: str) -> tuple[int, int, int]:
    parts = str(text).split(".")
    if not 1 <= len(parts) <= 3 or not all(p.isascii() and p.isdigit() for p in parts):
        raise InvalidParam(f"Invalid DSL version: {text}", param="yaml_content")
    major, minor, patch = [int(p) for p in parts] + [0] * (3 - len(parts))
    return major, minor, patch


def dsl_version(document: dict[str, Any]) -> str:
    """The document's DSL version as Dify reads it: 0.1.0 when it names none; a version that is not text (a
    YAML number such as 0.1) is refused, as Dify does."""
    version = document.get("version") or "0.1.0"
    if not isinstance(version, str):
        raise InvalidParam(f"Invalid version type, expected str, got {type(version).__name__}", param="yaml_content")
    return version


def import_status(imported: str, current: str = CURRENT_VERSION) -> str:
    """Dify's rule for a DSL of version `imported` on a server of version `current`: a newer document, or one
    of an older major version, waits for the user's confirmation (pending); an older minor version imports
    with warnings; the rest imports. A version that is not MAJOR[.MINOR[.PATCH]] raises InvalidParam."""
    mine, theirs = _version(current), _version(imported)
    if theirs > mine or theirs[0] < mine[0]:
        return ImportStatus.PENDING
    if theirs[1] < mine[1]:
        return ImportStatus.WITH_WARNINGS
    return ImportStatus.COMPLETED


@dataclass(frozen=True, slots=True)
class PendingImport:
    """An import kept until the user confirms it (its DSL's version asked for that): the document as given,
    what the dialog set instead of its name and icon, and the app it overwrites, if any."""

    id: UUID
    tenant_id: UUID
    account_id: UUID
    yaml_content: str
    overrides: dict[str, str | None] = field(default_factory=dict)
    app_id: UUID | None = None


def read_dsl(document: dict[str, Any], supported_types: frozenset[str]) -> DslApp:
    """Checks a DSL document; problems that stop the import raise InvalidParam, others become warnings
    (node types weir cannot run: those runs fail clearly, naming them). Its version is `import_status`'s."""
    if document.get("kind", "app") != "app":
        raise InvalidParam("Only app DSL (kind: app) can be imported here.", param="yaml_content")
    warnings: list[str] = []
    app = document.get("app") or {}
    mode = parse_mode(app.get("mode")).value
    name = str(app.get("name") or "").strip()
    if not name:
        raise InvalidParam("app.name is required in the DSL.", param="yaml_content")
    workflow = document.get("workflow") or {}
    graph = workflow.get("graph") if mode in WORKFLOW_MODES else None
    if mode in WORKFLOW_MODES:
        if not isinstance(graph, dict):
            raise InvalidParam("workflow.graph is required for workflow and advanced-chat apps.", param="yaml_content")
        unknown = sorted(
            {
                str((n.get("data") or {}).get("type"))
                for n in graph.get("nodes") or []
                if n.get("type") != "custom-note" and (n.get("data") or {}).get("type") not in supported_types
            }
        )
        if unknown:
            warnings.append(f"Node types weir cannot run: {', '.join(unknown)}. Runs reaching them fail.")
        warnings += _agent_warnings(graph)
    return DslApp(
        name=name,
        mode=mode,
        description=str(app.get("description") or ""),
        icon=app.get("icon"),
        icon_background=app.get("icon_background"),
        graph=with_note_defaults(graph) if isinstance(graph, dict) else graph,
        features=dict(workflow.get("features") or {}),
        environment_variables=list(workflow.get("environment_variables") or []),
        conversation_variables=list(workflow.get("conversation_variables") or []),
        model_config=document.get("model_config"),
        warnings=tuple(warnings),
    )


# What the editor gives a note it adds (Dify's web). A hand-written or trimmed DSL may leave them out, and the
# editor then fails to render the whole canvas (a note without a theme has no colours).
_NOTE_DEFAULTS = {"text": "", "theme": "blue", "author": "", "showAuthor": True, "width": 240, "height": 88}


def with_note_defaults(graph: dict[str, Any]) -> dict[str, Any]:
    """The graph with every note (custom-note node) holding the fields the editor reads; others untouched."""
    nodes = graph.get("nodes")
    if not isinstance(nodes, list) or not any(isinstance(n, dict) and n.get("type") == "custom-note" for n in nodes):
        return graph
    filled = []
    for node in nodes:
        if isinstance(node, dict) and node.get("type") == "custom-note":
            data = node.get("data") if isinstance(node.get("data"), dict) else {}
            node = {**node, "data": {"title": "", "desc": "", "type": ""} | _NOTE_DEFAULTS | data}
            if not node["data"].get("theme"):
                node["data"]["theme"] = _NOTE_DEFAULTS["theme"]
        filled.append(node)
    return {**graph, "nodes": filled}


def _agent_warnings(graph: dict[str, Any]) -> list[str]:
    """Agent nodes naming a strategy plugin weir does not have run on the closest built-in strategy: say so."""
    found = []
    for node in graph.get("nodes") or []:
        data = node.get("data") or {}
        if data.get("type") == "agent":
            warning = foreign_strategy(data.get("agent_strategy_provider_name"), data.get("agent_strategy_name"))
            if warning and warning not in found:
                found.append(warning)
    return found


def write_dsl(app: dict[str, Any], workflow: dict[str, Any] | None, model_config: dict[str, Any] | None) -> dict:
    document: dict[str, Any] = {"app": app, "kind": "app", "version": CURRENT_VERSION, "dependencies": []}
    if workflow is not None:
        document["workflow"] = workflow
    if model_config is not None:
        document["model_config"] = model_config
    return document
