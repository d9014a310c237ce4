import json
from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.schema.agent_thoughts import message_agent_thoughts as t
from domain.conversations.agent_thoughts import AgentThought


class SqlaAgentThoughtRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, thought: AgentThought) -> None:
        await self._session.execute(
            t.insert().values(
                id=thought.id,
                message_id=thought.message_id,
                position=thought.position,
                thought=thought.thought,
                tool=thought.tool,
                tool_labels_str=json.dumps(thought.tool_labels, ensure_ascii=False),
                tool_input=thought.tool_input,
                observation=thought.observation,
                message_files=json.dumps(thought.message_files),
                answer=thought.answer,
                tokens=thought.tokens,
                latency=thought.latency,
                created_at=thought.created_at,
            )
        )

    async def for_messages(self, message_ids: Sequence[UUID]) -> dict[UUID, list[AgentThought]]:
        if not message_ids:
            return {}
        rows = await self._session.execute(
            select(t).where(t.c.message_id.in_(list(message_ids))).order_by(t.c.message_id, t.c.position)
        )
        found: dict[UUID, list[AgentThought]] = {}
        for row in rows:
            found.setdefault(row.message_id, []).append(
                AgentThought(
                    id=row.id,
                    message_id=row.message_id,
                    position=row.position,
                    created_at=row.created_at,
                    thought=row.thought or "",
                    tool=row.tool or "",
                    tool_labels=json.loads(row.tool_labels_str or "{}"),
                    tool_input=row.tool_input or "",
                    observation=row.observation or "",
                    message_files=json.loads(row.message_files or "[]"),
                    answer=row.answer or "",
                    tokens=row.tokens or 0,
                    latency=row.latency or 0.0,
                )
            )
        return found
