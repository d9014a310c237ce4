from domain.shared.errors import Forbidden, InvalidParam, NotFound, Unauthorized


class AppNotFound(NotFound):
    default_message = "App not found."


class AppGone(Forbidden):
    default_message = "The app no longer exists."


class AppAbnormal(Forbidden):
    default_message = "The app's status is abnormal."


class AppApiDisabled(Forbidden):
    default_message = "The app's API service has been disabled."


class WorkspaceArchived(Forbidden):
    default_message = "The workspace's status is archive."


class InvalidApiToken(Unauthorized):
    default_message = "Access token is invalid"


class TooManyKeys(InvalidParam):
    def __init__(self, limit: int) -> None:
        super().__init__(f"Cannot create more than {limit} API keys for this resource type.")


class ApiKeyNotFound(NotFound):
    default_message = "API key not found"


class EndUserNotFound(NotFound):
    default_message = "End user not found."


class AppUnavailable(InvalidParam):
    def __init__(self, message: str = "App unavailable, please check your app configurations.") -> None:
        super().__init__(message)


class NotChatApp(InvalidParam):
    def __init__(self, message: str = "Please check if your app mode matches the right API route.") -> None:
        super().__init__(message)


class NotCompletionApp(InvalidParam):
    def __init__(self, message: str = "Please check if your Completion app mode matches the right API route.") -> None:
        super().__init__(message)


class NotWorkflowApp(InvalidParam):
    def __init__(self, message: str = "Please check if your app mode matches the right API route.") -> None:
        super().__init__(message)



class SiteNotFound(NotFound):
    """No web app answers at this code (unknown, reset, or its app is gone or has its site switched off)."""

    default_message = "Web app not found."


class SiteGone(InvalidParam):
    """A passport for a code that was reset since (Dify's 400)."""

    def __init__(self) -> None:
        super().__init__("Site URL is no longer valid.")


class SiteDisabled(InvalidParam):
    def __init__(self) -> None:
        super().__init__("Site is disabled.")


class PassportMissing(Unauthorized):
    default_message = "App token is missing."


class PassportInvalid(Unauthorized):
    default_message = "Invalid token."


class MoreLikeThisDisabled(Forbidden):
    default_message = "The 'More like this' feature is disabled. Please refresh your page."
