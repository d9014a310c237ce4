"""How long a request string may be: the length of the String(n) column it is written to, read from the schema
itself (adapters/persistence/schema), so a limit checked at the edge never drifts from the column."""

from adapters.persistence.schema import metadata


def column_length(table: str, column: str) -> int:
    length = getattr(metadata.tables[table].c[column].type, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"{table}.{column} is not a String(n) column")
    return length


END_USER_SESSION = column_length("end_users", "session_id")  # `user` of the Service API
UPLOAD_NAME = column_length("upload_files", "name")
UPLOAD_MIME_TYPE = column_length("upload_files", "mime_type")
APP_ICON = column_length("apps", "icon")
APP_ICON_TYPE = column_length("apps", "icon_type")
APP_ICON_BACKGROUND = column_length("apps", "icon_background")
DOCUMENT_LANGUAGE = column_length("documents", "doc_language")
DEFAULT_MODEL_PROVIDER = column_length("tenant_default_models", "provider_name")
DEFAULT_MODEL_NAME = column_length("tenant_default_models", "model_name")
ACCOUNT_EMAIL = column_length("accounts", "email")
ACCOUNT_NAME = column_length("accounts", "name")
