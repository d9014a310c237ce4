"""Wiring of the knowledge context: its unit of work, vector stores, embedders and use cases."""

from dependency_injector import containers, providers


class KnowledgeContainer(containers.DeclarativeContainer):
    # Given by the root container (entrypoints/container.py).
    config = providers.Configuration()
    engine = providers.Dependency()
    session_factory = providers.Dependency()
    clock = providers.Dependency()
    ids = providers.Dependency()
    broker = providers.Dependency()
    metrics_sink = providers.Dependency()
