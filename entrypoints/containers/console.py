"""Wiring of what only Dify's web console asks for: workspace members and the console's own views."""

from dependency_injector import containers, providers

from application.apps.get_app_config import GetAppModelConfig
from application.apps.tag_apps import TagApps
from application.conversations.app_statistics import GetAppStatistics
from application.conversations.get_conversation_log import GetConversationLog
from application.conversations.give_admin_feedback import GiveAdminFeedback
from application.conversations.list_conversation_log import ListConversationLog
from application.conversations.list_log_messages import ListLogMessages
from application.conversations.workflow_statistics import GetWorkflowStatistics
from application.knowledge.create_from_uploads import CreateDocumentsFromUploads
from application.knowledge.estimate_indexing import EstimateIndexing
from application.knowledge.import_segments import ImportSegments
from application.knowledge.related_apps import FindAppsUsingDataset
from application.tenancy.account_settings import RenameWorkspace, UpdateAccount
from application.tenancy.list_members import ListMembers
from application.tenancy.manage_members import (
    ActivateInvitation,
    CheckInvitation,
    InviteMembers,
    RemoveMember,
    UpdateMemberRole,
)
from application.tenancy.workspaces import ListWorkspaces, SwitchWorkspace


class ConsoleContainer(containers.DeclarativeContainer):
    # Given by the root container (entrypoints/container.py).
    uow_factory = providers.Dependency()
    clock = providers.Dependency()
    ids = providers.Dependency()
    tags_uow_factory = providers.Dependency()
    file_storage = providers.Dependency()
    create_dataset = providers.Dependency()
    create_document = providers.Dependency()
    extractor = providers.Dependency()  # the knowledge context's: the chunk preview reads files as indexing does
    count_tokens = providers.Dependency()
    question_writer = providers.Dependency()
    segment_import_queue = providers.Dependency()
    token_issuer = providers.Dependency()
    password_hasher = providers.Dependency()

    list_members = providers.Factory(ListMembers, uow_factory)
    list_workspaces = providers.Factory(ListWorkspaces, uow_factory)
    update_account = providers.Factory(UpdateAccount, uow_factory, password_hasher, clock)
    rename_workspace = providers.Factory(RenameWorkspace, uow_factory, clock)
    switch_workspace = providers.Factory(SwitchWorkspace, uow_factory)
    invite_members = providers.Factory(InviteMembers, uow_factory, token_issuer, ids, clock)
    check_invitation = providers.Factory(CheckInvitation, uow_factory, token_issuer)
    activate_invitation = providers.Factory(ActivateInvitation, uow_factory, token_issuer, clock)
    remove_member = providers.Factory(RemoveMember, uow_factory)
    update_member_role = providers.Factory(UpdateMemberRole, uow_factory)
    tag_apps = providers.Factory(TagApps, uow_factory, tags_uow_factory)
    get_app_model_config = providers.Factory(GetAppModelConfig, uow_factory)
    get_app_statistics = providers.Factory(GetAppStatistics, uow_factory)
    get_workflow_statistics = providers.Factory(GetWorkflowStatistics, uow_factory)
    list_conversation_log = providers.Factory(ListConversationLog, uow_factory)
    get_conversation_log = providers.Factory(GetConversationLog, uow_factory)
    list_log_messages = providers.Factory(ListLogMessages, uow_factory)
    give_admin_feedback = providers.Factory(GiveAdminFeedback, uow_factory, clock, ids)
    create_documents_from_uploads = providers.Factory(
        CreateDocumentsFromUploads, uow_factory, file_storage, create_dataset, create_document
    )
    estimate_indexing = providers.Factory(
        EstimateIndexing, uow_factory, tags_uow_factory, file_storage, extractor, count_tokens, question_writer
    )
    find_apps_using_dataset = providers.Factory(FindAppsUsingDataset, uow_factory, tags_uow_factory)
    import_segments = providers.Factory(
        ImportSegments, uow_factory, tags_uow_factory, file_storage, segment_import_queue, clock, ids
    )
