"""How DSL files name builtin tool providers: Dify ≥ 1.0 by plugin id (`langgenius/time/time`), older
ones by bare name (`time`). Both fold to the bare name."""

from uuid import UUID


def builtin_name(provider_id: str) -> str:
    """The bare provider name: the last segment of a plugin id (`org/plugin/provider`), else the id itself."""
    cleaned = provider_id.strip()
    if "/" in cleaned:
        cleaned = cleaned.rstrip("/").rsplit("/", 1)[-1]
    return cleaned.lower()


def same_builtin(a: str, b: str) -> bool:
    return builtin_name(a) == builtin_name(b)


def as_uuid(provider_id: str) -> UUID | None:
    """A provider id that is a UUID (a stored custom or workflow provider), else None (a name)."""
    try:
        return UUID(provider_id.strip())
    except ValueError:
        return None
