"""An app MCP server's code: 16 characters from [A-Za-z0-9], unguessable (Dify's length)."""

from domain.apps.ports import SecretTokenGenerator

SERVER_CODE_LENGTH = 16


def new_server_code(tokens: SecretTokenGenerator) -> str:
    return tokens.new_secret()[:SERVER_CODE_LENGTH]
