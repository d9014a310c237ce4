from domain.shared.errors import DomainError, InvalidParam, NotFound


class ConversationNotFound(NotFound):
    default_message = "Conversation Not Exists."


class MessageNotFound(NotFound):
    default_message = "Message Not Exists."


class ConversationCompleted(InvalidParam):
    def __init__(self) -> None:
        super().__init__("The conversation has ended. Please start a new conversation.")


class TooManyRequests(DomainError):
    default_message = "Too many requests. Please try again later."


class SuggestionsDisabled(InvalidParam):
    def __init__(self) -> None:
        super().__init__("Suggested Questions Is Disabled.")
