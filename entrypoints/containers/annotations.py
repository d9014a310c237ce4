"""Wiring of the annotations context: its unit of work, index, job queue and use cases."""

from dependency_injector import containers, providers

from adapters.persistence.annotation_unit_of_work import SqlaAnnotationUnitOfWork
from adapters.queue.annotation_dispatcher import TaskiqAnnotationJobQueue
from application.annotations.annotation_index import AnnotationIndex
from application.annotations.configure_reply import ConfigureAnnotationReply
from application.annotations.delete_annotations import DeleteAnnotations
from application.annotations.edit_annotation import EditAnnotation
from application.annotations.import_annotations import ImportAnnotations
from application.annotations.list_annotations import ListAnnotations, ListHitHistories
from application.annotations.reply_from_annotation import ReplyFromAnnotation
from application.annotations.reply_setting import AnnotationReplySetting, GetAnnotationJob
from application.annotations.run_job import RunAnnotationJob


class AnnotationsContainer(containers.DeclarativeContainer):
    # Given by the root container (entrypoints/container.py).
    session_factory = providers.Dependency()
    clock = providers.Dependency()
    ids = providers.Dependency()
    broker = providers.Dependency()
    embedder_catalog = providers.Dependency()  # the knowledge context's
    vector_store = providers.Dependency()
    caller_cache = providers.Dependency()  # the root's: a reply setting written is forgotten there

    uow = providers.Factory(SqlaAnnotationUnitOfWork, session_factory, caller_cache)
    uow_factory = uow.provider
    index = providers.Factory(AnnotationIndex, embedder_catalog, vector_store)
    queue = providers.Singleton(TaskiqAnnotationJobQueue, broker)

    edit_annotation = providers.Factory(EditAnnotation, uow_factory, index, clock, ids)
    delete_annotations = providers.Factory(DeleteAnnotations, uow_factory, index)
    list_annotations = providers.Factory(ListAnnotations, uow_factory)
    list_hit_histories = providers.Factory(ListHitHistories, uow_factory)
    configure_reply = providers.Factory(ConfigureAnnotationReply, uow_factory, queue, clock, ids)
    import_annotations = providers.Factory(ImportAnnotations, uow_factory, queue, clock, ids)
    run_job = providers.Factory(RunAnnotationJob, uow_factory, index, clock, ids)
    get_job = providers.Factory(GetAnnotationJob, uow_factory)
    reply_setting = providers.Factory(AnnotationReplySetting, uow_factory, clock)
    reply_from_annotation = providers.Factory(ReplyFromAnnotation, uow_factory, index, clock, ids)
