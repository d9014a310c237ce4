"""Creating and updating one annotation; an app with reply on has the question (re)indexed."""

from dataclasses import dataclass
from uuid import UUID

from application.annotations.annotation_index import AnnotationIndex
from domain.annotations.entities import QUESTION_MAX, Annotation
from domain.annotations.errors import AnnotationNotFound
from domain.annotations.ports import AnnotationUnitOfWorkFactory
from domain.apps.entities import App
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator


def checked(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidParam(f"{name} is required", param=name)
    if len(value) > QUESTION_MAX:
        raise InvalidParam(f"{name} is longer than {QUESTION_MAX} characters", param=name)
    return value


@dataclass(frozen=True, slots=True)
class AnnotationInput:
    app: App
    question: object
    answer: object
    account_id: UUID | None = None
    annotation_id: UUID | None = None  # None: a new annotation


class EditAnnotation:
    """Rules: question and answer are required non-blank text; an annotation belongs to its app (another app's
    id is not found); the question is indexed only after the row is committed, and only while reply is on."""

    def __init__(
        self, uow: AnnotationUnitOfWorkFactory, index: AnnotationIndex, clock: Clock, ids: IdGenerator
    ) -> None:
        self._uow = uow
        self._index = index
        self._clock = clock
        self._ids = ids

    async def execute(self, request: AnnotationInput) -> Annotation:
        question, answer = checked(request.question, "question"), checked(request.answer, "answer")
        app, now = request.app, self._clock.now()
        async with self._uow() as uow:
            if request.annotation_id is None:
                annotation = Annotation(
                    id=self._ids.new_id(),
                    app_id=app.id,
                    question=question,
                    content=answer,
                    account_id=request.account_id or app.created_by,
                    created_at=now,
                    updated_at=now,
                )
                await uow.annotations.add(annotation)
            else:
                found = await uow.annotations.get(app.id, request.annotation_id)
                if found is None:
                    raise AnnotationNotFound()
                annotation = found
                annotation.edit(question, answer, now)
                await uow.annotations.update(annotation)
            setting = await uow.settings.get(app.id)
            await uow.commit()
        if setting is not None:
            await self._index.add(app.tenant_id, setting, [annotation])
        return annotation
