from collections.abc import Sequence
from uuid import UUID

from application.annotations.annotation_index import AnnotationIndex
from domain.annotations.errors import AnnotationNotFound
from domain.annotations.ports import AnnotationUnitOfWorkFactory
from domain.apps.entities import App


class DeleteAnnotations:
    """Deletes annotations of an app, with their hit histories and their vectors.

    Rules: `ids` None deletes them all (the console's "delete all"); one id of another app, or unknown, is
    not found and nothing is deleted."""

    def __init__(self, uow: AnnotationUnitOfWorkFactory, index: AnnotationIndex) -> None:
        self._uow = uow
        self._index = index

    async def execute(self, app: App, ids: Sequence[UUID] | None) -> None:
        async with self._uow() as uow:
            if ids is None:
                ids = [a.id for a in await uow.annotations.all(app.id)]
            else:
                for annotation_id in ids:
                    if await uow.annotations.get(app.id, annotation_id) is None:
                        raise AnnotationNotFound()
            await uow.annotations.delete(app.id, ids)
            await uow.commit()
        if ids:
            await self._index.remove(app.id, ids)
