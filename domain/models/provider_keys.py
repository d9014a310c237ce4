"""A provider's several credentials (Dify ≥ 1.8's credential list): one in use, the others kept, switched
by id. The models a workspace configured belong to the provider and stay whichever key is in use."""

import re
from dataclasses import replace

from domain.models.providers import ProviderCredentials, SpareKey
from domain.shared.errors import InvalidParam, NotFound

UNNAMED = "API KEY"  # Dify names an unnamed credential "API KEY <n>"
FIRST_NAME = f"{UNNAMED} 1"  # the name shown for a key saved without one before there could be several
NAME_LENGTH = 30
_NUMBERED = re.compile(rf"^{UNNAMED} (\d+)$")


def key_names(credentials: ProviderCredentials) -> list[tuple[str, str]]:
    """(id, name) of every credential, the one in use first."""
    current = (credentials.credential_id, shown_name(credentials))
    return [current, *((spare.id, spare.name) for spare in credentials.spares)]


def shown_name(credentials: ProviderCredentials) -> str:
    return credentials.name or FIRST_NAME


def next_name(credentials: ProviderCredentials) -> str:
    """The name of an unnamed new credential: one above the highest "API KEY <n>" taken."""
    taken = [int(m.group(1)) for _, name in key_names(credentials) if (m := _NUMBERED.match(name))]
    return f"{UNNAMED} {max(taken, default=0) + 1}"


def checked_name(credentials: ProviderCredentials | None, name: str, keeping: str | None = None) -> str:
    """A given name, cut to its column; refused when another credential of the provider has it."""
    name = str(name).strip()[:NAME_LENGTH]
    if credentials is not None and any(other == name and key != keeping for key, other in key_names(credentials)):
        raise InvalidParam(f"Credential with name '{name}' already exists.", param="name")
    return name


def spare(credentials: ProviderCredentials, key_id: str) -> SpareKey:
    found = next((s for s in credentials.spares if s.id == key_id), None)
    if found is None:
        raise NotFound("Credential record not found.")
    return found


def credential_named(credentials: ProviderCredentials, key_id: str) -> ProviderCredentials:
    """The credential `key_id` seen as the provider's: the one in use itself, or a spare one."""
    if key_id == credentials.credential_id:
        return credentials
    return as_credentials(credentials, spare(credentials, key_id))


def as_credentials(credentials: ProviderCredentials, kept: SpareKey) -> ProviderCredentials:
    """A spare key seen as the provider's credentials (its form, or the base an edit of it starts from)."""
    return replace(credentials, endpoint_url=kept.endpoint_url, api_key=kept.api_key, settings=dict(kept.settings),
                   name=kept.name, key_id=kept.id, spares=())


def as_spare(credentials: ProviderCredentials, key_id: str, name: str) -> SpareKey:
    return SpareKey(key_id, name, credentials.endpoint_url, credentials.api_key, dict(credentials.settings))


def with_spare(credentials: ProviderCredentials, kept: SpareKey) -> ProviderCredentials:
    """The credentials with the spare of `kept`'s id replaced by it."""
    return replace(credentials, spares=tuple(kept if s.id == kept.id else s for s in credentials.spares))


def switched(credentials: ProviderCredentials, key_id: str) -> ProviderCredentials:
    """The credentials with `key_id` in use; the one in use before is kept as a spare."""
    if key_id == credentials.credential_id:
        return credentials
    chosen = spare(credentials, key_id)
    before = as_spare(credentials, credentials.credential_id, shown_name(credentials))
    others = tuple(s for s in credentials.spares if s.id != key_id)
    return replace(as_credentials(credentials, chosen), spares=(before, *others))


def without_key(credentials: ProviderCredentials, key_id: str) -> ProviderCredentials | None:
    """The credentials without `key_id`: a spare is dropped; the one in use gives way to the first spare (the
    configured models stay), or, when none is left, nothing remains."""
    if key_id != credentials.credential_id:
        spare(credentials, key_id)
        return replace(credentials, spares=tuple(s for s in credentials.spares if s.id != key_id))
    if not credentials.spares:
        return None
    first, *rest = credentials.spares
    return replace(as_credentials(credentials, first), spares=tuple(rest))
