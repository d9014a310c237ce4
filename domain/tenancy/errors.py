from domain.shared.errors import DomainError, Forbidden, Unauthorized


class AlreadySetUp(Forbidden):
    default_message = (
        "Setup has been successfully installed. Please refresh the page or return to the dashboard homepage."
    )


class NotSetUp(DomainError):
    default_message = "Weir has not been set up yet. Call POST /console/api/setup first."


class AuthenticationFailed(Unauthorized):
    default_message = "Invalid email or password."


class AccountBanned(Forbidden):
    default_message = "Account is banned."


class InvalidAccessToken(Unauthorized):
    default_message = "Invalid or expired token."
