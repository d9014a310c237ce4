"""Wiring of the model providers: workspace credentials, the instance-wide fallback, chat model clients."""

from dependency_injector import containers, providers

from adapters.llm.factory import ProviderChatModelFactory
from adapters.llm.key_check import HttpProviderKeyCheck
from adapters.llm.tiktoken_counter import TiktokenCounter
from application.models.manage_providers import (
    DeleteModel,
    DeleteProviderCredentials,
    GetModelCredentials,
    GetProviderCredentials,
    SaveModelCredentials,
    SaveProviderCredentials,
    SetDefaultModels,
    SwitchProviderCredential,
    ValidateProviderCredentials,
)
from application.models.model_listing import GetDefaultModel, GetParameterRules, ListModels, ListProviders
from application.models.resolve_model import ResolveModel
from application.models.workspace_providers import ListWorkspaceProviders
from domain.models.providers import instance_fallback


class ModelsContainer(containers.DeclarativeContainer):
    # Given by the root container (entrypoints/container.py).
    config = providers.Configuration()
    uow_factory = providers.Dependency()
    clock = providers.Dependency()
    ids = providers.Dependency()

    token_counter = providers.Singleton(TiktokenCounter)
    chat_model_factory = providers.Singleton(ProviderChatModelFactory, token_counter, config.provider_timeout)
    fallback_provider = providers.Singleton(
        instance_fallback, config.openai_base, config.openai_key, config.openai_models
    )
    resolve_model = providers.Factory(ResolveModel, uow_factory, chat_model_factory, fallback_provider)
    workspace_providers = providers.Singleton(ListWorkspaceProviders, uow_factory, fallback_provider)

    key_check = providers.Singleton(HttpProviderKeyCheck, enabled=config.key_check)
    save_provider_credentials = providers.Factory(SaveProviderCredentials, uow_factory, clock, ids, key_check)
    get_provider_credentials = providers.Factory(GetProviderCredentials, uow_factory)
    delete_provider_credentials = providers.Factory(DeleteProviderCredentials, uow_factory)
    switch_provider_credential = providers.Factory(SwitchProviderCredential, uow_factory)
    get_model_credentials = providers.Factory(GetModelCredentials, uow_factory)
    validate_provider_credentials = providers.Factory(
        ValidateProviderCredentials, uow_factory, chat_model_factory, clock
    )
    save_model_credentials = providers.Factory(SaveModelCredentials, uow_factory, clock, validate_provider_credentials)
    delete_model = providers.Factory(DeleteModel, uow_factory, clock)
    list_providers = providers.Factory(ListProviders, uow_factory, fallback_provider)
    list_models = providers.Factory(ListModels, uow_factory, fallback_provider)
    get_default_model = providers.Factory(GetDefaultModel, uow_factory)
    set_default_models = providers.Factory(SetDefaultModels, uow_factory)
    parameter_rules = providers.Factory(GetParameterRules, uow_factory)
