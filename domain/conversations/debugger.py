"""The console's debug chats: one end user per account (Dify's debugger), named by the account's id."""

from uuid import UUID

DEBUGGER_SESSION = "console-debugger:{account_id}"
_PREFIX = DEBUGGER_SESSION.split("{", 1)[0]


def debugger_account(session_id: str | None) -> UUID | None:
    """The account whose debug chats a session id names; None for any other end user."""
    if not session_id or not session_id.startswith(_PREFIX):
        return None
    try:
        return UUID(session_id[len(_PREFIX):])
    except ValueError:
        return None
