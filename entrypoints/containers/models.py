"""Wiring of the model providers: workspace credentials, the instance-wide fallback, chat model clients."""

from dependency_injector import containers, providers

from adapters.llm.factory import OpenAICompatibleModelFactory
from adapters.llm.tiktoken_counter import TiktokenCounter
from application.models.manage_providers import ListProviders, SaveProviderCredentials, SetDefaultModels
from application.models.resolve_model import ResolveModel
from application.models.workspace_providers import ListWorkspaceProviders
from domain.models.providers import instance_fallback


class ModelsContainer(containers.DeclarativeContainer):
    # Given by the root container (entrypoints/container.py).
    config = providers.Configuration()
    uow_factory = providers.Dependency()
    clock = providers.Dependency()

    token_counter = providers.Singleton(TiktokenCounter)
    chat_model_factory = providers.Singleton(OpenAICompatibleModelFactory, token_counter, config.provider_timeout)
    fallback_provider = providers.Singleton(
        instance_fallback, config.openai_base, config.openai_key, config.openai_models
    )
    resolve_model = providers.Factory(ResolveModel, uow_factory, chat_model_factory, fallback_provider)
    workspace_providers = providers.Singleton(ListWorkspaceProviders, uow_factory, fallback_provider)
    save_provider_credentials = providers.Factory(SaveProviderCredentials, uow_factory, clock)
    list_providers = providers.Factory(ListProviders, uow_factory)
    set_default_models = providers.Factory(SetDefaultModels, uow_factory)
