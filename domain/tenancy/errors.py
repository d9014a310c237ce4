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


class CsrfTokenInvalid(Unauthorized):
    default_message = "CSRF token is missing or invalid."


class LoginLocked(DomainError):
    """Too many failed logins for one email: refused until the lockout ends (Dify's EmailPasswordLoginLimitError)."""

    default_message = "Too many incorrect password attempts. Please try again later."


class TooManyAttempts(DomainError):
    """One address sent more login or setup requests than its window allows."""

    default_message = "Too many requests from this address. Please try again later."


class InvalidRole(DomainError):
    default_message = "Invalid role"


class CannotOperateSelf(DomainError):
    default_message = "Cannot operate self."


class NoMemberPermission(Forbidden):
    default_message = "No permission."


class MemberNotFound(DomainError):
    default_message = "Member not in tenant."


class InvitationInvalid(DomainError):
    """An invitation link that is forged, expired, for another email, or already used (Dify's AlreadyActivateError)."""

    default_message = "Auth Token is invalid or account already activated, please check again."


class AccountNotLinkTenant(DomainError):
    default_message = "Account not link tenant"


class CurrentPasswordIncorrect(DomainError):
    default_message = "Current password is incorrect."


class RepeatPasswordNotMatch(DomainError):
    default_message = "New password and repeat password does not match."
