"""The console's own chats: one end user per account for the app editor's debugger (Dify's debugger) and one for
the Explore page's installed apps (Dify's explore), each named by the account's id. Their chats are the
account's (Dify: from the console, by the account), not an end user's."""

from uuid import UUID

DEBUGGER_SESSION = "console-debugger:{account_id}"
EXPLORE_SESSION = "console-explore:{account_id}"
_PREFIXES = (DEBUGGER_SESSION.split("{", 1)[0], EXPLORE_SESSION.split("{", 1)[0])


def debugger_account(session_id: str | None) -> UUID | None:
    """The account whose console chats (debugger or Explore) a session id names; None for any other end user."""
    prefix = next((p for p in _PREFIXES if session_id and session_id.startswith(p)), None)
    if prefix is None or session_id is None:
        return None
    try:
        return UUID(session_id[len(prefix):])
    except ValueError:
        return None


def console_user_id(session_id: str) -> str:
    """`sys.user_id` of a run: the account's id for the console's own end users (as Dify gives an account's runs),
    else the end user's session id (the Service API's `user`)."""
    account = debugger_account(session_id)
    return str(account) if account is not None else session_id
