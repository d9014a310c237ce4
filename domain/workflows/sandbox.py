"""Ports for running what a workflow author wrote: code nodes and Jinja2 templates.

Both run untrusted text. The adapters decide how it is isolated; the core only passes the node's own
inputs in and gets plain JSON-like values back.
"""

from collections.abc import Mapping
from typing import Any, Protocol


class CodeExecutionFailed(Exception):
    """The code did not produce a result: it raised, timed out, ran out of memory or returned no dict."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TemplateFailed(Exception):
    """The template could not be rendered: a syntax error, an unsafe operation or a runtime error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CodeRunner(Protocol):
    """Runs a code node's `main` with the given inputs, isolated from weir itself.

    Contract: `language` is "python3" or "javascript"; `code` defines `main`, called with `inputs` (python:
    as keyword arguments; javascript: as one object). Returns the dict `main` returned, as JSON values.
    The code sees nothing but `inputs`: no weir environment, files, credentials or other tenants' data.
    Errors: CodeExecutionFailed (the code raised, exceeded a limit, returned something else than a dict,
    or the language is not available).
    """

    def languages(self) -> frozenset[str]: ...

    async def run(self, language: str, code: str, inputs: Mapping[str, Any]) -> dict[str, Any]: ...


class TemplateRenderer(Protocol):
    """Renders a Jinja2 template with the given variables, in a sandbox.

    Contract: undefined names render as empty; attribute access to internals, calls to unsafe functions
    and mutation of the inputs are refused. Errors: TemplateFailed.
    """

    async def render(self, template: str, variables: Mapping[str, Any]) -> str: ...
