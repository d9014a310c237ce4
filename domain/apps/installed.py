"""An app on a workspace's Explore page (Dify's installed app): each app of the workspace is installed there when
it is made; members use it from the page's sidebar as themselves, pin it to the top, or take it off the page
(uninstall: the app itself stays in the studio)."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass
class InstalledApp:
    id: UUID
    tenant_id: UUID
    app_id: UUID
    app_owner_tenant_id: UUID
    created_at: datetime
    is_pinned: bool = False
    position: int = 0
    last_used_at: datetime | None = None
