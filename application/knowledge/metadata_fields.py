"""Document metadata use cases: a dataset's custom fields, the built-in switch, and values on documents."""

from dataclasses import dataclass
from uuid import UUID

from application.knowledge.guards import Actor, load_dataset
from domain.knowledge.errors import InvalidAction
from domain.knowledge.metadata import (
    MetadataField,
    MetadataNotFound,
    check_metadata_name,
    coerce_value,
    parse_metadata_type,
)
from domain.knowledge.unit_of_work import KnowledgeUnitOfWork, KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator


def _uuid(value: object, param: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidParam(f"{param} is invalid.", param=param) from None


async def _load_field(uow: KnowledgeUnitOfWork, tenant_id: UUID, dataset_id: UUID, metadata_id: UUID) -> MetadataField:
    await load_dataset(uow, tenant_id, dataset_id)
    field = await uow.metadata.get(dataset_id, metadata_id)
    if field is None:
        raise MetadataNotFound()
    return field


class CreateMetadataField:
    """Adds a custom field. Rules: type is string, number or time; the name is 1-255 characters, unique in
    the dataset and not a built-in field's name."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, actor: Actor, dataset_id: UUID, name: object, type_: object) -> MetadataField:
        kind = parse_metadata_type(type_)
        checked = check_metadata_name(name)
        async with self._uow() as uow:
            await load_dataset(uow, actor.tenant_id, dataset_id)
            if await uow.metadata.name_taken(dataset_id, checked):
                raise InvalidParam("Metadata name already exists.", param="name")
            field = MetadataField(id=self._ids.new_id(), tenant_id=actor.tenant_id, dataset_id=dataset_id,
                                  name=checked, type=kind, created_at=self._clock.now(), created_by=actor.account_id)
            await uow.metadata.add(field)
            await uow.commit()
        return field


@dataclass(frozen=True, slots=True)
class MetadataListing:
    fields: list[MetadataField]
    built_in_field_enabled: bool


class ListMetadataFields:
    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, dataset_id: UUID) -> MetadataListing:
        async with self._uow() as uow:
            await load_dataset(uow, tenant_id, dataset_id)
            return MetadataListing(await uow.metadata.list(dataset_id), await uow.metadata.built_in_enabled(dataset_id))


class RenameMetadataField:
    """Renames a custom field; documents keep their values under the new name."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, dataset_id: UUID, metadata_id: UUID, name: object) -> MetadataField:
        checked = check_metadata_name(name)
        async with self._uow() as uow:
            field = await _load_field(uow, tenant_id, dataset_id, metadata_id)
            if checked != field.name:
                if await uow.metadata.name_taken(dataset_id, checked):
                    raise InvalidParam("Metadata name already exists.", param="name")
                old, field.name = field.name, checked
                await uow.metadata.rename(field, old)
                await uow.commit()
        return field


class DeleteMetadataField:
    """Deletes a custom field and its values on every document."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, dataset_id: UUID, metadata_id: UUID) -> None:
        async with self._uow() as uow:
            field = await _load_field(uow, tenant_id, dataset_id, metadata_id)
            await uow.metadata.delete(field)
            await uow.commit()


class ToggleBuiltInMetadata:
    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, dataset_id: UUID, action: str) -> None:
        if action not in ("enable", "disable"):
            raise InvalidAction(action)
        async with self._uow() as uow:
            await load_dataset(uow, tenant_id, dataset_id)
            await uow.metadata.set_built_in(dataset_id, action == "enable")
            await uow.commit()


class SetDocumentMetadata:
    """Sets metadata values on documents (`operation_data`). Rules: every document and field must exist in the
    dataset and every value fit its field's type, else nothing changes (400 invalid_param); without
    `partial_update` a document's values are replaced, with it they are merged."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, dataset_id: UUID, operations: object) -> None:
        if not isinstance(operations, list) or not operations:
            raise InvalidParam("operation_data must be a non-empty list.", param="operation_data")
        async with self._uow() as uow:
            await load_dataset(uow, tenant_id, dataset_id)
            fields = {f.id: f for f in await uow.metadata.list(dataset_id)}
            planned: dict[UUID, tuple[dict, bool]] = {}
            for op in operations:
                if not isinstance(op, dict) or not isinstance(op.get("metadata_list"), list):
                    raise InvalidParam("Each operation needs a document_id and a metadata_list.",
                                       param="operation_data")
                values: dict = {}
                for item in op["metadata_list"]:
                    field = fields.get(_uuid(item.get("id") if isinstance(item, dict) else None, "metadata_list"))
                    if field is None:
                        raise InvalidParam("Metadata not found.", param="metadata_list")
                    values[field.name] = coerce_value(field, item.get("value"))
                planned[_uuid(op.get("document_id"), "document_id")] = (values, bool(op.get("partial_update")))
            current = await uow.metadata.values(dataset_id, list(planned))
            if len(current) != len(planned):
                raise InvalidParam("Document not found.", param="document_id")
            for document_id, (values, partial) in planned.items():
                merged = {**current[document_id], **values} if partial else values
                await uow.metadata.set_values(document_id, {k: v for k, v in merged.items() if v is not None})
            await uow.commit()
