import json
from decimal import Decimal
from uuid import UUID

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.cached_rows import CachedRowChanges
from adapters.persistence.schema import app_model_configs, apps, provider_credentials, tenant_default_models
from adapters.persistence.schema.annotations import app_annotation_settings
from domain.apps.agent_mode import parse_agent_mode
from domain.apps.model_config import AppModelConfig, ModelSettings
from domain.models.ports import SecretCipher
from domain.models.pricing import ModelPrice
from domain.models.providers import DefaultModel, ModelEntry, ProviderCredentials, SpareKey

# The chat path's reads, built once (each call only binds its values). Whether the app's annotation reply is on
# (its setting row exists) comes with the config, as Dify's app_model_config.annotation_reply does: a message
# needs no second query to learn that it is off.
_CURRENT_CONFIG = (
    select(app_model_configs, app_annotation_settings.c.id.label("annotation_setting_id"))
    .join(apps, apps.c.app_model_config_id == app_model_configs.c.id)
    .outerjoin(app_annotation_settings, app_annotation_settings.c.app_id == apps.c.id)
    .where(apps.c.id == bindparam("_app_id"))
)
_PROVIDER = select(provider_credentials).where(
    provider_credentials.c.tenant_id == bindparam("_tenant_id"),
    provider_credentials.c.provider == bindparam("_provider"),
)


class SqlaAppModelConfigRepository:
    def __init__(self, session: AsyncSession, changes: CachedRowChanges | None = None) -> None:
        self._session = session
        self._changes = changes or CachedRowChanges()

    async def current(self, app_id: UUID) -> AppModelConfig | None:
        row = (await self._session.execute(_CURRENT_CONFIG, {"_app_id": app_id})).first()
        if row is None:
            return None
        model = json.loads(row.model)
        return AppModelConfig(
            id=row.id,
            app_id=row.app_id,
            model=ModelSettings(
                model["provider"], model["name"], model.get("mode", "chat"), model.get("completion_params", {})
            ),
            pre_prompt=row.pre_prompt or "",
            user_input_form=json.loads(row.user_input_form or "[]"),
            opening_statement=row.opening_statement or "",
            suggested_questions=json.loads(row.suggested_questions or "[]"),
            features=json.loads(row.features or "{}"),
            dataset_configs=json.loads(row.dataset_configs or "{}"),
            file_upload=json.loads(row.file_upload or "{}"),
            memory_window=int(row.memory_window) if row.memory_window else None,
            agent_mode=parse_agent_mode(json.loads(row.agent_mode)) if row.agent_mode else None,
            annotation_reply=row.annotation_setting_id is not None,
            created_by=row.created_by,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    async def add(self, config: AppModelConfig) -> None:
        self._changes.apps.add(config.app_id)
        model = config.model
        await self._session.execute(
            app_model_configs.insert().values(
                id=config.id,
                app_id=config.app_id,
                provider=model.provider,
                model_id=model.name,
                model=json.dumps(
                    {
                        "provider": model.provider,
                        "name": model.name,
                        "mode": model.mode,
                        "completion_params": model.completion_params,
                    }
                ),
                pre_prompt=config.pre_prompt,
                user_input_form=json.dumps(config.user_input_form),
                opening_statement=config.opening_statement,
                suggested_questions=json.dumps(config.suggested_questions),
                features=json.dumps(config.features),
                dataset_configs=json.dumps(config.dataset_configs),
                file_upload=json.dumps(config.file_upload),
                memory_window=str(config.memory_window) if config.memory_window else None,
                agent_mode=json.dumps(config.agent_mode.as_dict()) if config.agent_mode else None,
                created_by=config.created_by,
            )
        )
        # A new version is an edit of the app, as in Dify: the studio's card shows it as "Edited at".
        edited = {"updated_at": func.now(), **({"updated_by": config.created_by} if config.created_by else {})}
        await self._session.execute(
            update(apps).where(apps.c.id == config.app_id).values(app_model_config_id=config.id, **edited)
        )


def _models_json(models: tuple[ModelEntry, ...]) -> str:
    def entry(m: ModelEntry) -> dict:
        price = None
        if m.price:
            price = {
                "input": str(m.price.input),
                "output": str(m.price.output),
                "unit": str(m.price.unit),
                "currency": m.price.currency,
            }
        out = {"name": m.name, "mode": m.mode, "context_size": m.context_size, "pricing": price,
               "dimension": m.dimension}
        # Written only when set, so rows stay readable by a weir that predates them.
        out |= {k: v for k, v in (("remote_name", m.remote_name), ("max_tokens", m.max_tokens)) if v is not None}
        if m.features:
            out["features"] = list(m.features)
        return out

    return json.dumps([entry(m) for m in models])


def _models(text: str) -> tuple[ModelEntry, ...]:
    entries = []
    for m in json.loads(text or "[]"):
        p = m.get("pricing")
        price = ModelPrice(Decimal(p["input"]), Decimal(p["output"]), Decimal(p["unit"]), p["currency"]) if p else None
        entries.append(
            ModelEntry(
                m["name"], m.get("mode", "chat"), m.get("context_size", 16384), price, m.get("dimension"),
                m.get("remote_name"), m.get("max_tokens"), tuple(m.get("features") or ()),
            )
        )
    return tuple(entries)


class SqlaProviderRepository:
    """Provider credentials with the api_key sealed by the SecretCipher; never stored in clear."""

    def __init__(self, session: AsyncSession, cipher: SecretCipher, changes: CachedRowChanges | None = None) -> None:
        self._session = session
        self._cipher = cipher
        self._changes = changes or CachedRowChanges()

    def _credentials(self, row) -> ProviderCredentials:
        key = self._cipher.decrypt(row.encrypted_api_key) if row.encrypted_api_key else None
        config = json.loads(row.config or "{}")
        return ProviderCredentials(
            tenant_id=row.tenant_id,
            provider=row.provider,
            endpoint_url=row.endpoint_url,
            api_key=key,
            models=_models(row.models),
            updated_at=row.updated_at,
            settings=dict(config.get("settings") or {}),
            name=str(config.get("name") or ""),
            key_id=str(config.get("key_id") or ""),
            spares=tuple(self._spare(s) for s in config.get("spares") or ()),
        )

    def _spare(self, stored: dict) -> SpareKey:
        key = stored.get("encrypted_api_key")
        return SpareKey(str(stored["id"]), str(stored.get("name") or ""), str(stored.get("endpoint_url") or ""),
                        self._cipher.decrypt(key) if key else None, dict(stored.get("settings") or {}))

    def _config(self, credentials: ProviderCredentials) -> str:
        config: dict = {"settings": dict(credentials.settings), "name": credentials.name}
        # Written only when there is more than one key, so rows stay readable by a weir that predates them;
        # a spare's key is sealed like the one in use.
        if credentials.key_id:
            config["key_id"] = credentials.key_id
        if credentials.spares:
            config["spares"] = [
                {"id": k.id, "name": k.name, "endpoint_url": k.endpoint_url, "settings": dict(k.settings),
                 "encrypted_api_key": self._cipher.encrypt(k.api_key) if k.api_key else None}
                for k in credentials.spares
            ]
        return json.dumps(config)

    async def get(self, tenant_id: UUID, provider: str) -> ProviderCredentials | None:
        row = (await self._session.execute(_PROVIDER, {"_tenant_id": tenant_id, "_provider": provider})).first()
        return self._credentials(row) if row else None

    async def for_tenant(self, tenant_id: UUID) -> list[ProviderCredentials]:
        p = provider_credentials
        rows = (await self._session.execute(select(p).where(p.c.tenant_id == tenant_id).order_by(p.c.provider))).all()
        return [self._credentials(r) for r in rows]

    async def save(self, credentials: ProviderCredentials) -> None:
        self._changes.workspaces.add(credentials.tenant_id)
        values = dict(
            endpoint_url=credentials.endpoint_url,
            models=_models_json(credentials.models),
            encrypted_api_key=self._cipher.encrypt(credentials.api_key) if credentials.api_key else None,
            config=self._config(credentials),
            updated_at=credentials.updated_at,
        )
        stmt = insert(provider_credentials).values(
            tenant_id=credentials.tenant_id, provider=credentials.provider, **values
        )
        await self._session.execute(stmt.on_conflict_do_update(index_elements=["tenant_id", "provider"], set_=values))

    async def delete(self, tenant_id: UUID, provider: str) -> bool:
        self._changes.workspaces.add(tenant_id)
        p = provider_credentials
        result = await self._session.execute(delete(p).where(p.c.tenant_id == tenant_id, p.c.provider == provider))
        return bool(result.rowcount)

    async def delete_default(self, tenant_id: UUID, model_type: str) -> None:
        self._changes.workspaces.add(tenant_id)
        d = tenant_default_models
        await self._session.execute(delete(d).where(d.c.tenant_id == tenant_id, d.c.model_type == model_type))

    async def defaults(self, tenant_id: UUID) -> list[DefaultModel]:
        d = tenant_default_models
        rows = (await self._session.execute(select(d).where(d.c.tenant_id == tenant_id))).all()
        return [DefaultModel(r.model_type, r.provider_name, r.model_name) for r in rows]

    async def save_default(self, tenant_id: UUID, default: DefaultModel) -> None:
        self._changes.workspaces.add(tenant_id)
        values = {"provider_name": default.provider, "model_name": default.model}
        stmt = insert(tenant_default_models).values(tenant_id=tenant_id, model_type=default.model_type, **values)
        await self._session.execute(stmt.on_conflict_do_update(index_elements=["tenant_id", "model_type"], set_=values))
