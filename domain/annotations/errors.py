from domain.shared.errors import InvalidParam, NotFound


class AnnotationNotFound(NotFound):
    default_message = "Annotation not found"


class AnnotationJobNotFound(InvalidParam):
    def __init__(self) -> None:
        super().__init__("The job does not exist.")


class AnnotationSettingNotFound(NotFound):
    default_message = "App annotation setting not found"
