"""What can go wrong with a tool, as errors the HTTP layer and the nodes map once."""

from domain.shared.errors import DomainError, InvalidParam, NotFound


class ToolProviderNotFound(NotFound):
    default_message = "Tool provider not found."


class ToolNotFound(NotFound):
    default_message = "Tool not found."


class ToolParameterError(InvalidParam):
    """A parameter is missing, of the wrong type, or not one of its options."""


class ToolInvokeError(DomainError):
    """The tool ran and failed (an HTTP error from an API tool, an MCP error result, a builtin's refusal)."""

    default_message = "Tool invocation failed."


class ToolTimeout(ToolInvokeError):
    default_message = "The tool did not answer in time."


class ToolProviderUnavailable(ToolInvokeError):
    """The provider could not be reached at all (an MCP server that is down, a refused connection)."""

    default_message = "The tool provider could not be reached."


class ToolCallDepthExceeded(ToolInvokeError):
    default_message = "Too many nested workflow tool calls."


class ToolProviderExists(InvalidParam):
    """A workspace already has a provider of that name (or, for workflow tools, for that app)."""


class ToolSchemaInvalid(InvalidParam):
    """An OpenAPI / Swagger schema that does not parse or has no operations."""
