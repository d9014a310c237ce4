"""Dify's app DSL (the YAML an app exports to and imports from), as rules over a plain mapping."""

from dataclasses import dataclass, field
from typing import Any

from domain.agents.strategies import foreign_strategy
from domain.apps.rules import parse_mode
from domain.shared.errors import InvalidParam

CURRENT_VERSION = "0.3.1"
WORKFLOW_MODES = ("workflow", "advanced-chat")


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


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in str(text).split("."))
    except ValueError:
        raise InvalidParam(f"Invalid DSL version: {text}", param="yaml_content") from None


def read_dsl(document: dict[str, Any], supported_types: frozenset[str]) -> DslApp:
    """Checks a DSL document; problems that stop the import raise InvalidParam, others become warnings
    (a newer minor version, node types weir cannot run: those runs fail clearly, naming them)."""
    if document.get("kind", "app") != "app":
        raise InvalidParam("Only app DSL (kind: app) can be imported here.", param="yaml_content")
    version = str(document.get("version") or "0.1.0")
    warnings = []
    if _version(version)[0] > _version(CURRENT_VERSION)[0]:
        raise InvalidParam(f"DSL version {version} is newer than weir supports ({CURRENT_VERSION}).")
    if _version(version) > _version(CURRENT_VERSION):
        warnings.append(f"DSL version {version} is newer than {CURRENT_VERSION}; some features may be ignored.")
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
        graph=graph,
        features=dict(workflow.get("features") or {}),
        environment_variables=list(workflow.get("environment_variables") or []),
        conversation_variables=list(workflow.get("conversation_variables") or []),
        model_config=document.get("model_config"),
        warnings=tuple(warnings),
    )


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
